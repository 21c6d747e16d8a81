import { onPostgres } from '../../scripts/lib/test-postgres.js'

// The PostgreSQL side of the backup, restore and move tests: what a server holds, read directly,
// so a test can show a refusal changed nothing.

/** `server`'s URL with its path naming `database`. */
export function databaseUrl(server: string, database: string): string {
  const url = new URL(server)
  url.pathname = `/${database}`
  return url.toString()
}

/** The names of the databases on `server` whose names start with `prefix`, sorted. */
export async function databasesStartingWith(server: string, prefix: string): Promise<string[]> {
  return onPostgres(server, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      'select datname from pg_database where starts_with(datname, $1) order by datname',
      [prefix],
    )
    return rows.map((row) => row.datname)
  })
}

/** The public ids of the letters in the database `url` names, sorted. */
export async function letterIdsAt(url: string): Promise<string[]> {
  return onPostgres(url, async (client) => {
    const { rows } = await client.query<{ public_id: string }>(
      'select public_id from letter order by public_id',
    )
    return rows.map((row) => row.public_id)
  })
}

/** The name of the database a postgres:// URL names. */
export const nameOf = (url: string): string => decodeURIComponent(new URL(url).pathname.slice(1))
