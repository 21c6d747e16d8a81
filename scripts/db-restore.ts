/**
 * npm run db:restore -- FILE
 *
 * Puts the backup FILE in place of the database (DATABASE_PATH), with the service stopped: checks
 * the backup first, refuses while any process has the database open, keeps the current database
 * beside it as <database>.before-restore-<time>, then renames a checked copy into place
 * (src/db/restore.ts). Exits with status 1, saying why and having changed nothing, on a refusal.
 */
import { parseArgs } from 'node:util'
import { loadConfig } from '../src/config.js'
import { restoreDatabase } from '../src/db/restore.js'
import { describeCopy, runDatabaseScript } from './lib/db-script.js'

const USAGE = 'usage: npm run db:restore -- FILE   (with the service stopped)'

runDatabaseScript(USAGE, async () => {
  const { positionals } = parseArgs({ allowPositionals: true, options: {} })
  if (positionals.length !== 1) throw new Error(USAGE)
  const { databasePath } = loadConfig(process.env)
  const report = restoreDatabase(databasePath, positionals[0]!)
  console.log(`Restored ${positionals[0]} to ${report.database}:`)
  console.log(describeCopy(report))
  console.log(
    report.keptAs
      ? `The database that was there is kept as ${report.keptAs} (delete it once the service runs well).`
      : 'There was no database there before.',
  )
  console.log(
    report.pendingMigrations.length > 0
      ? `Start the service: it will apply ${report.pendingMigrations.length} migration(s) first, ${report.pendingMigrations[0]} to ${report.pendingMigrations.at(-1)}.`
      : 'Start the service.',
  )
})
