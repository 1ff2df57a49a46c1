/** The PostgreSQL server of this machine (127.0.0.1:5432, trust auth, database `test`), or `$EVENTSPEC_TEST_PG`. */
import pg from 'pg';

export const PG_URL = process.env['EVENTSPEC_TEST_PG'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export function testPool(max = 10): pg.Pool {
  return new pg.Pool({ connectionString: PG_URL, max });
}

/** A table name no other run uses. */
export function uniqueTable(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
}
