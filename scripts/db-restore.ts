/**
 * npm run db:restore -- FILE
 *
 * Puts the backup FILE in place of the database, with the service stopped, after checking the
 * backup and that nothing else uses the database; a refusal changes nothing and exits with status
 * 1, saying why. On SQLite (DATABASE_PATH): the current file is kept beside it as
 * <database>.before-restore-<time> and a checked copy renamed into place (src/db/restore.ts).
 * With DATABASE_URL: the archive is restored into a new database, which then takes the name of
 * the current one, kept as <name>_before_restore_<time> (src/db/postgres-restore.ts).
 */
import { parseArgs } from 'node:util'
import { loadConfig } from '../src/config.js'
import { restorePostgres } from '../src/db/postgres-restore.js'
import { restoreDatabase } from '../src/db/restore.js'
import { describeCopy, runDatabaseScript } from './lib/db-script.js'

const USAGE = 'usage: npm run db:restore -- FILE   (with the service stopped)'

runDatabaseScript(USAGE, async () => {
  const { positionals } = parseArgs({ allowPositionals: true, options: {} })
  if (positionals.length !== 1) throw new Error(USAGE)
  const { databasePath, databaseUrl } = loadConfig(process.env)
  const report = databaseUrl
    ? await restorePostgres(databaseUrl, positionals[0]!)
    : restoreDatabase(databasePath, positionals[0]!)
  console.log(
    `Restored ${positionals[0]} to ${databaseUrl ? `the database ${report.database}` : report.database}:`,
  )
  console.log(describeCopy(report))
  if (!report.keptAs) console.log('There was no database there before.')
  else if (databaseUrl) {
    console.log(
      `The database that was there is kept as ${report.keptAs} (drop it once the service runs well: dropdb ${report.keptAs}).`,
    )
  } else
    console.log(
      `The database that was there is kept as ${report.keptAs} (delete it once the service runs well).`,
    )
  console.log(
    report.pendingMigrations.length > 0
      ? `Start the service: it will apply ${report.pendingMigrations.length} migration(s) first, ${report.pendingMigrations[0]} to ${report.pendingMigrations.at(-1)}.`
      : 'Start the service: it has no migration to apply.',
  )
})
