/**
 * npm run bench [-- --engines sqlite,postgres --database-url postgres://… --write-readme]
 *
 * The benchmarks whose figures the README shows, one after another: the directory's routes and
 * the letter write under load (bench.ts), letters as PDF (bench-letters.ts), the outbox
 * (bench-outbox.ts) and what SQLITE_SYNCHRONOUS=FULL costs the letter write path
 * (bench-durability.ts).
 *
 * bench.ts and bench-outbox.ts run on SQLite and PostgreSQL side by side (issue 17; `--engines`
 * and `--database-url` go to them). bench-letters.ts draws PDFs, which no database touches (its
 * server-memory line runs on SQLite), and bench-durability.ts measures SQLite's own synchronous
 * setting: both stay SQLite-only.
 * `--write-readme` goes to each of them (npm would otherwise pass it to the last one only). Each
 * runs on its own for its other options: `npx tsx scripts/bench.ts --seconds 20`.
 */
import { spawnSync } from 'node:child_process'
import { parseArgs } from 'node:util'
import { projectPath } from '../src/lib/paths.js'
import { TSX } from './lib/reliability-server.js'

const { values: args } = parseArgs({
  options: {
    'write-readme': { type: 'boolean', default: false },
    engines: { type: 'string' },
    'database-url': { type: 'string' },
  },
})
const forwarded = args['write-readme'] ? ['--write-readme'] : []
const engineOptions = [
  ...(args.engines ? ['--engines', args.engines] : []),
  ...(args['database-url'] ? ['--database-url', args['database-url']] : []),
]
const SCRIPTS: [string, boolean][] = [
  ['bench.ts', true],
  ['bench-letters.ts', false],
  ['bench-outbox.ts', true],
  ['bench-durability.ts', false],
]

for (const [script, onBothEngines] of SCRIPTS) {
  const options = [...forwarded, ...(onBothEngines ? engineOptions : [])]
  const { status } = spawnSync(TSX, [projectPath('scripts', script), ...options], { stdio: 'inherit' })
  if (status !== 0) {
    console.error(`${script} exited with status ${status}`)
    process.exit(status ?? 1)
  }
}
