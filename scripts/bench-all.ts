/**
 * npm run bench [-- --write-readme]
 *
 * The benchmarks whose figures the README shows, one after another: the directory's routes under
 * load (bench.ts), letters as PDF (bench-letters.ts), the outbox (bench-outbox.ts) and what
 * SQLITE_SYNCHRONOUS=FULL costs the letter write path (bench-durability.ts).
 * `--write-readme` goes to each of them (npm would otherwise pass it to the last one only). Each
 * runs on its own for its other options: `npx tsx scripts/bench.ts --seconds 20`.
 */
import { spawnSync } from 'node:child_process'
import { parseArgs } from 'node:util'
import { projectPath } from '../src/lib/paths.js'
import { TSX } from './lib/reliability-server.js'

const { values: args } = parseArgs({ options: { 'write-readme': { type: 'boolean', default: false } } })
const forwarded = args['write-readme'] ? ['--write-readme'] : []

for (const script of ['bench.ts', 'bench-letters.ts', 'bench-outbox.ts', 'bench-durability.ts']) {
  const { status } = spawnSync(TSX, [projectPath('scripts', script), ...forwarded], { stdio: 'inherit' })
  if (status !== 0) {
    console.error(`${script} exited with status ${status}`)
    process.exit(status ?? 1)
  }
}
