/**
 * npm run db:backup -- FILE [--force]
 *
 * Copies the database to FILE while the service runs: a consistent snapshot, checked, written to
 * disk under a temporary name and then renamed. On SQLite (DATABASE_PATH) an SQLite file
 * (src/db/backup.ts); with DATABASE_URL, a pg_dump archive in custom format
 * (src/db/postgres-backup.ts). An existing FILE is replaced only with --force. Prints what it
 * wrote; exits with status 1, saying why, on any failure.
 */
import { parseArgs } from 'node:util'
import { loadConfig } from '../src/config.js'
import { backupDatabase } from '../src/db/backup.js'
import { backupPostgres } from '../src/db/postgres-backup.js'
import { printableUrl } from '../src/db/postgres-programs.js'
import { describeCopy, runDatabaseScript } from './lib/db-script.js'

const USAGE = 'usage: npm run db:backup -- FILE [--force]'

runDatabaseScript(USAGE, async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { force: { type: 'boolean', default: false } },
  })
  if (positionals.length !== 1) throw new Error(USAGE)
  const { databasePath, databaseUrl } = loadConfig(process.env)
  const options = { force: values.force }
  const report = databaseUrl
    ? await backupPostgres(databaseUrl, positionals[0]!, options)
    : await backupDatabase(databasePath, positionals[0]!, options)
  const source = databaseUrl ? printableUrl(databaseUrl) : databasePath
  console.log(`Backed up ${source} to ${report.file} in ${(report.ms / 1000).toFixed(1)} s:`)
  console.log(describeCopy(report))
  console.log(`  holds every commit before ${report.takenAt}`)
})
