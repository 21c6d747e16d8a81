/**
 * npm run db:backup -- FILE [--force]
 *
 * Copies the database (DATABASE_PATH) to FILE while the service runs: a consistent snapshot,
 * checked, written to disk under a temporary name and then renamed (src/db/backup.ts). An existing
 * FILE is replaced only with --force. Prints what it wrote; exits with status 1, saying why, on
 * any failure.
 */
import { parseArgs } from 'node:util'
import { loadConfig } from '../src/config.js'
import { backupDatabase } from '../src/db/backup.js'
import { describeCopy, runDatabaseScript } from './lib/db-script.js'

const USAGE = 'usage: npm run db:backup -- FILE [--force]'

runDatabaseScript(USAGE, async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { force: { type: 'boolean', default: false } },
  })
  if (positionals.length !== 1) throw new Error(USAGE)
  const { databasePath } = loadConfig(process.env)
  const report = await backupDatabase(databasePath, positionals[0]!, { force: values.force })
  console.log(`Backed up ${databasePath} to ${report.file} in ${(report.ms / 1000).toFixed(1)} s:`)
  console.log(describeCopy(report))
  console.log(`  holds every commit before ${report.takenAt}`)
})
