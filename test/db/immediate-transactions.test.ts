/**
 * Two processes writing to one SQLite file (the server and `outbox:work`, or two app instances):
 * with transactions begun IMMEDIATE (src/db/immediate-transactions.ts) each waits its turn and
 * every one commits; begun as Kysely begins them (DEFERRED), a transaction that read before the
 * other process committed cannot write, and fails with "database is locked".
 * SQLite in either run: the file's single write lock is SQLite's (PostgreSQL locks rows).
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { projectPath } from '../../src/lib/paths.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-immediate-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
const N = 200

function writer(file: string, mode: string, tag: string, start: number) {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      projectPath('test/helpers/sqlite-writer.ts'),
      file,
      mode,
      String(N),
      tag,
      String(start),
    ],
    { cwd: projectPath() },
  )
  let out = ''
  child.stdout.on('data', (chunk) => (out += String(chunk)))
  child.stderr.on('data', (chunk) => (out += String(chunk)))
  return new Promise<{ committed: number; failed: number; errors: string[] }>((resolve, reject) =>
    child.once('exit', (code) => {
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1) ?? ''))
      } catch {
        reject(new Error(`the writer exited ${code}: ${out}`))
      }
    }),
  )
}

async function race(mode: 'immediate' | 'deferred') {
  const file = path.join(dir, `${mode}.sqlite`)
  const sqlite = new SQLite(file)
  sqlite.pragma('journal_mode = WAL')
  sqlite.exec('create table hits (id integer primary key, tag text not null, seen integer not null)')
  sqlite.close()
  // Both begin at the same moment, once both have had time to start.
  const start = Date.now() + 4000
  const results = await Promise.all([writer(file, mode, 'a', start), writer(file, mode, 'b', start)])
  const check = new SQLite(file, { readonly: true })
  const rows = (check.prepare('select count(*) as n from hits').get() as { n: number }).n
  check.close()
  return { results, rows }
}

describe('transactions from two processes on one SQLite file', () => {
  it('all commit when begun IMMEDIATE, as the service begins them', { timeout: 60_000 }, async () => {
    const { results, rows } = await race('immediate')
    for (const r of results) expect(r).toEqual({ committed: N, errors: [], failed: 0 })
    expect(rows).toBe(2 * N)
  })

  it('fail with "database is locked" when begun DEFERRED (what IMMEDIATE is for)', {
    timeout: 60_000,
  }, async () => {
    const { results, rows } = await race('deferred')
    const failed = results.reduce((total, r) => total + r.failed, 0)
    expect(failed).toBeGreaterThan(0)
    expect(results.flatMap((r) => r.errors)).toContain('database is locked')
    expect(rows).toBe(2 * N - failed)
  })
})
