/**
 * `npm run demo`: a scripted plan and decision flow through the real bus, with the JSON-lines
 * audit file as the trail. Prints the structured log as it goes, then reads the audit file back
 * and summarises it: events by type, and each chain of correlated events.
 */
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataschemaFor, EventValidationError, LoggingEventBus, readAudit, readCloudEvent, replayAudit, type Logger } from 'eventspec';
import { emitToolInvoked, eventRegistry, type Actor, type PayloadMap } from '../../generated/index.ts';
import { createApplication } from './composition-root.ts';
import { upcaster } from './upcasters.ts';
import { InvalidTransitionError } from './plan-lifecycle.ts';

const alice: Actor = { kind: 'user', id: 'alice' };
const planner: Actor = { kind: 'agent', id: 'planner-1' };
const runner: Actor = { kind: 'agent', id: 'runner-3' };

export async function runDemo(auditPath: string, logger?: Logger, print: (line: string) => void = console.log): Promise<void> {
  const app = createApplication({ auditPath, bus: 'logging', ...(logger === undefined ? {} : { logger }) });
  const { plans, decisions, bus } = app;

  print('— a plan, from draft to done');
  const migration = await plans.create({
    title: 'Migrate billing to ledger v2',
    goal: 'Move every active subscription without double charges.',
    priority: 'high',
    createdBy: planner,
    steps: [{ title: 'Snapshot balances', estimateMs: 60_000 }, { title: 'Replay subscriptions' }],
  });
  await plans.approve(migration.id, alice, 'Outside business hours, please.');
  await plans.start(migration.id, runner);
  await plans.pause(migration.id, alice, 'Waiting for the finance sign-off.');
  await plans.resume(migration.id, alice);

  print('— decisions along the way');
  const region = await decisions.request({ question: 'Which region first?', options: [{ id: 'eu', label: 'Europe' }, { id: 'us', label: 'United States' }], requestedBy: planner }, await plans.chain(migration.id));
  await decisions.record(region.id, { choice: 'eu', decidedBy: planner, rationale: 'Less traffic in the window.', confidence: 0.8 });
  await decisions.approve(region.id, alice);
  const window = await decisions.request({ question: 'Start at 01:00 or 02:00 UTC?', options: [{ id: 'one', label: '01:00' }, { id: 'two', label: '02:00' }], requestedBy: planner });
  await decisions.record(window.id, { choice: 'one', decidedBy: planner });
  await decisions.reject(window.id, alice, 'Backups run until 01:30.');
  const later = await decisions.request({ question: 'Start at 02:00 or 03:00 UTC?', options: [{ id: 'two', label: '02:00' }, { id: 'three', label: '03:00' }], requestedBy: planner });
  await decisions.supersede(window.id, later.id, 'New options after the backup check.');

  print('— a tool call whose arguments are sensitive (redacted in the log, whole in the audit)');
  emitToolInvoked(bus, {
    invocationId: '01JDQB0C1D2E3F4G5H6J7K8M9N',
    agentId: '01JDQ7M8N9P0Q1R2S3T4V5W6XY',
    toolName: 'ledger.transfer',
    arguments: [{ name: 'apiKey', value: 'sk-demo-secret' }, { name: 'amount', value: 125.5 }],
  }, await plans.chain(migration.id));
  await plans.complete(migration.id, 'All subscriptions moved; balances reconcile.');

  print('— a plan that fails, and what the services refuse');
  const rollout = await plans.create({ title: 'Roll out ledger v2 reads', goal: 'Read balances from v2.', priority: 'normal', createdBy: planner, steps: [] });
  await plans.approve(rollout.id, alice);
  await plans.start(rollout.id, runner);
  await plans.fail(rollout.id, { code: 'LEDGER_TIMEOUT', message: 'Ledger v2 did not answer within 30 s.', retryable: true }, 0);
  try {
    await plans.start(rollout.id, runner);
  } catch (error) {
    if (!(error instanceof InvalidTransitionError)) throw error;
    print(`refused: ${error.message}`);
  }
  try {
    await plans.create({ title: '', goal: 'x', priority: 'low', createdBy: alice, steps: [] });
  } catch (error) {
    if (!(error instanceof EventValidationError)) throw error;
    print(`refused: ${error.message}`);
  }
  print('— a reply from an agent still on an earlier deployment (session.message_sent version 1)');
  // As it arrives over HTTP or a broker: the data has version 1's shape, `text` where today's has `content`.
  const oldReply = readCloudEvent({
    specversion: '1.0',
    id: '01JDQD0A1B2C3D4E5F6G7H8J9K',
    source: '/agents/runner-3@1.4.2',
    type: 'session.message_sent',
    time: '2026-11-26T03:00:00Z',
    datacontenttype: 'application/json',
    dataschema: dataschemaFor('urn:eventspec:', 'session.message_sent', 1),
    data: { sessionId: '01JDQC1D2E3F4G5H6J7K8M9N0P', messageId: '01JDQC3F4G5H6J7K8M9N0P1Q2R', text: 'Migration done; balances reconcile.' },
  }, eventRegistry);
  const unsubscribe = bus.subscribe('session.message_sent', (event) => {
    print(`delivered as version ${event.version} (written as ${event.writtenVersion ?? event.version}): content ${JSON.stringify(event.payload.content.slice(0, 9))}…, recorded in the trail as written`);
  });
  await bus.ingest(oldReply);
  unsubscribe();
  await app.close();

  print(`\n— the audit trail, read back from ${auditPath}`);
  const byType = new Map<string, number>();
  const chains = new Map<string, string[]>();
  let total = 0;
  let upcast = 0;
  for await (const event of readAudit<PayloadMap>(auditPath, eventRegistry, { upcaster })) {
    total++;
    if (event.writtenVersion !== undefined) upcast++;
    byType.set(event.type, (byType.get(event.type) ?? 0) + 1);
    chains.set(event.correlationId, [...(chains.get(event.correlationId) ?? []), event.type]);
  }
  print(`${total} events, each checksummed, in sequence and valid against the catalogue (${upcast} written under an earlier version, upcast on reading)`);
  for (const [type, count] of byType) print(`  ${String(count).padStart(3)}  ${type}`);
  print(`${chains.size} chains of correlated events:`);
  for (const [correlationId, types] of chains) print(`  ${correlationId}  ${types.join(' → ')}`);

  print('\n— a projection rebuilt by replaying the trail: words each agent said');
  const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const projection = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, upcaster, logger: quiet });
  const words = new Map<string, number>();
  projection.subscribe('session.message_sent', (event) => {
    words.set(event.payload.sessionId, (words.get(event.payload.sessionId) ?? 0) + event.payload.content.split(/\s+/).length);
  });
  const report = await replayAudit(auditPath, projection, { onProgress: (progress) => print(`  replayed ${progress.events} events (${progress.bytesRead} of ${progress.totalBytes} bytes)`) });
  print(`  ${report.events} events replayed, ${report.upcast} upcast, ${report.failed} with failing handlers`);
  for (const [session, count] of words) print(`  session ${session}: ${count} words`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const auditPath = join(mkdtempSync(join(tmpdir(), 'eventspec-demo-')), 'audit.jsonl');
  // A synchronous destination keeps the log lines in step with the narration.
  const pino = createRequire(import.meta.url)('pino') as typeof import('pino');
  await runDemo(auditPath, pino.pino(pino.destination({ dest: 1, sync: true })));
}
