/**
 * npm run db:migrate-to-postgres -- [--from data/app.sqlite] [--to postgres://…]
 *
 * Moves a whole campaign from its SQLite file (--from, else DATABASE_PATH) into an empty
 * PostgreSQL database (--to, else DATABASE_URL): migrates it, copies every table in one
 * transaction, resets the id sequences and commits once every table's row count matches
 * (src/db/sqlite-to-postgres.ts). Prints each table's rows and the time taken; exits with status
 * 1, saying why, on a refusal or failure, leaving PostgreSQL without any of the rows.
 */
import { parseArgs } from 'node:util'
import { loadConfig } from '../src/config.js'
import { printableUrl } from '../src/db/postgres-programs.js'
import { moveSqliteToPostgres } from '../src/db/sqlite-to-postgres.js'
import { runDatabaseScript } from './lib/db-script.js'

const USAGE =
  'usage: npm run db:migrate-to-postgres -- [--from FILE.sqlite] --to postgres://…   (or DATABASE_URL)'

runDatabaseScript(USAGE, async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { from: { type: 'string' }, to: { type: 'string' } },
  })
  if (positionals.length > 0) throw new Error(USAGE)
  const config = loadConfig({ ...process.env, ...(values.to ? { DATABASE_URL: values.to } : {}) })
  if (!config.databaseUrl) throw new Error(USAGE)
  const from = values.from ?? config.databasePath
  console.log(`Moving ${from} to ${printableUrl(config.databaseUrl)}:`)
  const report = await moveSqliteToPostgres(from, config.databaseUrl, {
    onTable: ({ table, rows, ms }) =>
      console.log(
        `  ${table.padEnd(24)}${rows.toLocaleString('en').padStart(12)} rows  ${(ms / 1000).toFixed(1)} s`,
      ),
  })
  const rows = report.tables.reduce((sum, table) => sum + table.rows, 0)
  console.log(
    `Moved ${rows.toLocaleString('en')} rows in ${report.tables.length} tables in ${(report.ms / 1000).toFixed(1)} s: every table holds as many rows on PostgreSQL as in SQLite.`,
  )
  console.log(`  last migration   ${report.lastMigration}`)
  console.log(`  holds every commit before ${report.takenAt}`)
  console.log('Set DATABASE_URL to this database and start the service.')
})
