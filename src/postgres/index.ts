/**
 * The transactional outbox in PostgreSQL (entry point `eventspec/postgres`; node-postgres `pg` is
 * its peer): events written in the transaction of the state change they announce, and a relay
 * that publishes them to NATS JetStream. See each module for its guarantees.
 */
export { createOutboxTable, OutboxTransaction, outboxNames, outboxTableSql, PostgresOutbox } from './outbox.ts';
export type { ConnectionPool, OutboxNames, OutboxOptions, PooledConnection, Queryable } from './outbox.ts';
export { PostgresOutboxRelay } from './relay.ts';
export type { ListeningConnection, ListeningPool, OutboxRelayOptions, OutboxRelayStatus } from './relay.ts';
