import fs from 'node:fs'
import { projectPath } from '../../src/lib/paths.js'

/**
 * Replaces what stands between `<!-- NAME:start -->` and `<!-- NAME:end -->` in the README with
 * `table`, dated; says so and leaves the README alone where the markers are missing.
 */
export function writeReadmeFigures(name: string, table: string): void {
  const file = projectPath('README.md')
  const readme = fs.readFileSync(file, 'utf8')
  const start = `<!-- ${name}:start -->`
  const end = `<!-- ${name}:end -->`
  const from = readme.indexOf(start)
  const to = readme.indexOf(end)
  if (from < 0 || to < from) {
    console.log(`README.md has no ${start} ... ${end} markers: left as it is.`)
    return
  }
  const stamped = `${start}\nMeasured ${new Date().toISOString().slice(0, 10)}. ${table}\n${end}`
  fs.writeFileSync(file, readme.slice(0, from) + stamped + readme.slice(to + end.length))
  console.log('README.md updated')
}
