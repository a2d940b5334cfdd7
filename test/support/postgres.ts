// The test PostgreSQL server, and the few administrative statements the test
// databases need (no Kysely: these run outside any test database).

import pg from 'pg';

export const POSTGRES_URL = process.env['DATABASE_URL_TEST'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The schema the template database is migrated in; each copy renames it to its own. */
export const TEMPLATE_SCHEMA = 't_template';

/** `url` with another database in its path. */
export function urlOfDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** One statement (or several, without parameters) on a connection of its own. */
export async function adminQuery(text: string, url = POSTGRES_URL): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
