/**
 * The commands of `eventspec-nats` (see cli.ts): the runtime's operations on NATS, for a process
 * of their own.
 *
 *   eventspec-nats relay --trail audit.jsonl --source /my-service [--servers host:4222,…]
 *   eventspec-nats dead-letters list | show <seq> | replay <seq>… | replay --all [--servers …]
 *
 * Servers default to $NATS_URL, then 127.0.0.1:4222. SIGTERM or SIGINT stops the relay within
 * its deadline, with its checkpoint saved. A usage error exits 2; a failure exits 1, with one line
 * on standard error.
 */
import { parseArgs } from 'node:util';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { DeadLetters, type DeadLetter } from './dead-letters.ts';
import { AuditRelay } from './relay.ts';

const USAGE = `usage:
  eventspec-nats relay --trail <audit file> --source <CloudEvents source> [--checkpoint <file>] [--servers <host:port,…>]
                       [--stream EVENTS] [--subject-prefix events] [--replicas 1] [--window 256] [--drain-timeout-ms 10000]
  eventspec-nats dead-letters list | show <seq> | replay <seq>… | replay --all [--servers <host:port,…>] [--stream EVENTS] [--subject-prefix events]`;

class UsageError extends Error {}

const streamFlags = {
  servers: { type: 'string' },
  stream: { type: 'string' },
  'subject-prefix': { type: 'string' },
  replicas: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function positiveInteger(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new UsageError(`--${name} takes a positive whole number, not ${JSON.stringify(text)}`);
  return value;
}

function streamOptions(values: { stream?: string; 'subject-prefix'?: string; replicas?: string }) {
  const replicas = positiveInteger('replicas', values.replicas);
  return {
    ...(values.stream === undefined ? {} : { stream: values.stream }),
    ...(values['subject-prefix'] === undefined ? {} : { subjectPrefix: values['subject-prefix'] }),
    ...(replicas === undefined ? {} : { replicas }),
  };
}

async function connectTo(servers: string | undefined): Promise<NatsConnection> {
  const list = (servers ?? process.env['NATS_URL'] ?? '127.0.0.1:4222').split(',').filter(Boolean);
  // Waits for a broker that is down at start, and never stops reconnecting.
  return connect({ servers: list, maxReconnectAttempts: -1, reconnectTimeWait: 250, waitOnFirstConnect: true });
}

/** Resolves once SIGTERM or SIGINT arrives. */
function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => resolve(signal));
  });
}

async function relay(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { ...streamFlags, trail: { type: 'string' }, source: { type: 'string' }, checkpoint: { type: 'string' }, window: { type: 'string' }, 'drain-timeout-ms': { type: 'string' } },
    strict: true,
  });
  if (values.help === true) return void process.stdout.write(`${USAGE}\n`);
  if (values.trail === undefined) throw new UsageError('relay needs --trail <audit file>');
  if (values.source === undefined) throw new UsageError('relay needs --source <CloudEvents source>, such as /my-service');
  const window = positiveInteger('window', values.window);
  const timeoutMs = positiveInteger('drain-timeout-ms', values['drain-timeout-ms']) ?? 10_000;
  const nc = await connectTo(values.servers);
  const relaying = new AuditRelay(nc, {
    trail: values.trail,
    source: values.source,
    ...(values.checkpoint === undefined ? {} : { checkpoint: values.checkpoint }),
    ...(window === undefined ? {} : { window }),
    ...streamOptions(values),
  });
  const stopping = stopSignal();
  await relaying.start();
  process.stdout.write(`relaying ${values.trail}\n`);
  await stopping;
  const status = await relaying.close({ timeoutMs });
  process.stdout.write(`stopped: ${status.published} published, checkpoint ${JSON.stringify(status.checkpoint ?? null)}\n`);
  await nc.drain();
}

function body(letter: DeadLetter): unknown {
  const text = Buffer.from(letter.data).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { base64: Buffer.from(letter.data).toString('base64') };
  }
}

async function deadLetters(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, options: { ...streamFlags, all: { type: 'boolean' } }, allowPositionals: true, strict: true });
  if (values.help === true) return void process.stdout.write(`${USAGE}\n`);
  const [action, ...sequences] = positionals;
  if (action !== 'list' && action !== 'show' && action !== 'replay') throw new UsageError(`dead-letters takes list, show or replay, not ${JSON.stringify(action ?? '')}`);
  const numbers = sequences.map((text) => positiveInteger('sequence', text) ?? 0);
  if (action === 'show' && numbers.length !== 1) throw new UsageError('dead-letters show takes one sequence number');
  if (action === 'replay' && (numbers.length === 0) === (values.all !== true)) throw new UsageError('dead-letters replay takes sequence numbers, or --all');
  const nc = await connectTo(values.servers);
  try {
    const dead = new DeadLetters(nc, streamOptions(values));
    if (action === 'list') {
      for (const letter of await dead.list()) process.stdout.write(`${letter.sequence}  ${letter.time}  ${letter.type}  ${letter.id ?? '-'}  ${letter.reason}\n`);
    } else if (action === 'show') {
      const letter = await dead.get(numbers[0] ?? 0);
      if (letter === undefined) throw new Error(`no dead letter ${numbers[0]}`);
      const { data: _data, ...rest } = letter;
      process.stdout.write(`${JSON.stringify({ ...rest, body: body(letter) }, null, 2)}\n`);
    } else {
      const targets = values.all === true ? (await dead.list()).map((letter) => letter.sequence) : numbers;
      for (const sequence of targets) await dead.replay(sequence);
      process.stdout.write(`replayed ${targets.length} dead letter${targets.length === 1 ? '' : 's'}\n`);
    }
  } finally {
    await nc.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === 'relay') return relay(rest);
  if (command === 'dead-letters') return deadLetters(rest);
  if (command === undefined || command === '--help' || command === '-h') return void process.stdout.write(`${USAGE}\n`);
  throw new UsageError(`unknown command ${JSON.stringify(command)}`);
}

/** Runs one command line; a usage error exits 2, a failure 1, each with one line on standard error. */
export async function run(argv: string[]): Promise<void> {
  try {
    await main(argv);
  } catch (error) {
    const usage = error instanceof UsageError || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS') === true;
    process.stderr.write(`eventspec-nats: ${(error as Error).message}${usage ? `\n${USAGE}` : ''}\n`);
    process.exit(usage ? 2 : 1);
  }
}
