#!/usr/bin/env node
/**
 * `eventspec-nats`: the runtime's operations on NATS, for a process of their own (commands.ts).
 * The NATS client is an optional peer of eventspec, so this entry checks for its packages first:
 * one missing is named, with the command that installs it, instead of Node's module-not-found.
 */
const NATS_PACKAGES = ['@nats-io/transport-node', '@nats-io/nats-core', '@nats-io/jetstream', '@nats-io/kv'];

function resolves(name: string): boolean {
  try {
    import.meta.resolve(name);
    return true;
  } catch {
    return false;
  }
}

const missing = NATS_PACKAGES.filter((name) => !resolves(name));
if (missing.length > 0) {
  process.stderr.write(`eventspec-nats: install ${missing.join(', ')} to use eventspec-nats (npm install ${NATS_PACKAGES.join(' ')})\n`);
  process.exit(1);
}
const { run } = await import('./commands.ts');
await run(process.argv.slice(2));
