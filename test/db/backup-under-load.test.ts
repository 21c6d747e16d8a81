import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { type ServerProcess, startServer } from '../../scripts/lib/reliability-server.js'
import { integrityOf, runDbScript, type ScriptRun } from '../helpers/database-files.js'
import { buildTestApp } from '../helpers/test-app.js'

// Issue 17, item 4, end to end: the real server (src/server.ts) takes letters from writers over
// HTTP; npm run db:backup copies its database while they keep writing; npm run db:restore puts
// the copy in a fresh database file; the app opened on it has every letter answered 201 before the
// backup began.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-backup-load-'))
let server: ServerProcess | null = null
afterAll(async () => {
  await server?.kill9()
  fs.rmSync(tmp, { recursive: true, force: true })
})

async function freePort(): Promise<number> {
  const probe = net.createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as net.AddressInfo
  await new Promise((resolve) => probe.close(resolve))
  return port
}

const STATES = ['FRA', 'KEN', 'BRA', 'IND', 'JPN', 'ZAF']
const WRITERS = 4

describe('a backup taken while letters are being written, restored into a fresh file', () => {
  it('holds every letter acknowledged before the backup began, and passes integrity_check', async () => {
    const live = path.join(tmp, 'live', 'app.sqlite')
    server = await startServer(await freePort(), {
      DATABASE_PATH: live,
      OUTBOX_DIR: path.join(tmp, 'outbox'),
      OUTBOX_WORKER: 'off',
      RATE_LIMIT_LETTERS: '1000000',
    })
    const base = server.base

    // Each letter answered 201, with when the answer arrived.
    const acknowledged: { id: string; at: number }[] = []
    let writing = true
    let failures = 0
    const writer = async (w: number) => {
      for (let i = 0; writing; i++) {
        const answer = await fetch(`${base}/api/letters`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            state: STATES[(w + i) % STATES.length],
            supporter: {
              name: `Load Writer ${w}.${i}`,
              country: 'KE',
              email: `load-${w}-${i}@supporters.example`,
            },
            personalNote: `Writer ${w}, letter ${i}.`,
          }),
        })
        if (answer.status === 201) {
          const { id } = (await answer.json()) as { id: string }
          acknowledged.push({ id, at: Date.now() })
        } else failures++
      }
    }
    const writers = Array.from({ length: WRITERS }, (_, w) => writer(w))

    while (acknowledged.length < 150) await new Promise((resolve) => setTimeout(resolve, 20))
    const backupFile = path.join(tmp, 'backup.sqlite')
    const backup: ScriptRun = await runDbScript('backup', live, backupFile)
    writing = false
    await Promise.all(writers)
    await server.stop()
    server = null
    expect(backup.stderr).toBe('')
    expect(backup.status).toBe(0)
    expect(failures).toBe(0)

    // The moment the copy began, as the script prints it: every letter answered 201 before it
    // was committed before it, so it must be in the backup.
    const takenAt = Date.parse(/holds every commit before (\S+)/.exec(backup.stdout)?.[1] ?? '')
    expect(takenAt).not.toBeNaN()
    const beforeBackup = acknowledged.filter((letter) => letter.at < takenAt).map((letter) => letter.id)
    expect(beforeBackup.length).toBeGreaterThanOrEqual(150)
    // The load went on while the backup ran: letters were answered 201 after it began.
    expect(acknowledged.length - beforeBackup.length).toBeGreaterThan(0)

    const restored = path.join(tmp, 'restored', 'app.sqlite')
    const restore = await runDbScript('restore', restored, backupFile)
    expect([restore.status, restore.stderr]).toEqual([0, ''])
    expect(restore.stdout).toContain('There was no database there before.')
    expect(integrityOf(restored)).toBe('ok')

    // The restored SQLite file, whichever engine the rest of the run is on (DATABASE_URL unset).
    const { app } = await buildTestApp({ env: { DATABASE_PATH: restored, DATABASE_URL: '' } })
    const missing: string[] = []
    for (const id of beforeBackup) {
      const answer = await app.inject({ method: 'GET', url: `/api/letters/${id}` })
      if (answer.statusCode !== 200) missing.push(`${id}: ${answer.statusCode}`)
    }
    expect(missing).toEqual([])
  }, 120_000)
})
