import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { type ServerProcess, startServer } from '../../scripts/lib/reliability-server.js'
import { onPostgres } from '../../scripts/lib/test-postgres.js'
import { runDbScript, type ScriptRun } from '../helpers/database-files.js'
import { databasesStartingWith, databaseUrl, letterIdsAt, nameOf } from '../helpers/postgres-files.js'
import { postgresServerForFile } from '../helpers/postgres-server.js'
import { buildTestApp } from '../helpers/test-app.js'
import { createPostgresDatabaseOn } from '../helpers/test-context.js'

// Issue 17, item 4, on PostgreSQL, end to end: the real server (src/server.ts) on a PostgreSQL
// database takes letters from writers over HTTP; npm run db:backup dumps the database while they
// keep writing; npm run db:restore puts the archive in a new database; the app opened on it has
// every letter answered 201 before the backup began.

const pgServer = await postgresServerForFile()
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-pg-backup-load-'))
let server: ServerProcess | null = null
let liveName: string | null = null
afterAll(async () => {
  await server?.kill9()
  if (pgServer.url && liveName) {
    const names = await databasesStartingWith(pgServer.url, liveName)
    await onPostgres(pgServer.url, async (client) => {
      for (const name of names) await client.query(`drop database if exists "${name}" with (force)`)
    })
  }
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

describe.skipIf(!pgServer.url)(
  `a PostgreSQL backup taken while letters are being written ${pgServer.reason}`,
  () => {
    it('holds every letter acknowledged before the backup began, restored into a new database', async () => {
      const live = (await createPostgresDatabaseOn(pgServer.url!)).url
      liveName = nameOf(live)
      server = await startServer(await freePort(), {
        DATABASE_URL: live,
        OUTBOX_DIR: path.join(tmp, 'outbox'),
        OUTBOX_WORKER: 'off',
        RATE_LIMIT_LETTERS: '1000000',
      })
      const base = server.base

      // Each letter answered 201, with when the answer arrived.
      const acknowledged: { id: string; at: number }[] = []
      let writing = true
      const refusals: number[] = []
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
          } else refusals.push(answer.status)
        }
      }
      const writers = Array.from({ length: WRITERS }, (_, w) => writer(w))

      while (acknowledged.length < 150) await new Promise((resolve) => setTimeout(resolve, 20))
      const archive = path.join(tmp, 'backup.dump')
      const backup: ScriptRun = await runDbScript('backup', live, archive)
      // The load goes on a little after the dump, to show it was never held up.
      const afterBackup = acknowledged.length
      while (acknowledged.length < afterBackup + 20) await new Promise((resolve) => setTimeout(resolve, 20))
      writing = false
      await Promise.all(writers)
      await server.stop()
      server = null
      expect(backup.stderr).toBe('')
      expect(backup.status).toBe(0)
      // @NOTE Not 0 as on SQLite: today a few letters of 4 concurrent writers on PostgreSQL are
      // answered 500 (0 to 2 of ~400 in four runs here), SERIALIZABLE transactions that conflict over
      // state_letter_stats exhausting their 5 attempts (postgres-transactions.ts). Nothing else may
      // fail; a letter not answered 201 is not one the backup must hold.
      expect(refusals.filter((status) => status !== 500)).toEqual([])

      // The moment the snapshot was taken, as the script prints it: every letter answered 201 before
      // it was committed before it, so it must be in the archive.
      const takenAt = Date.parse(/holds every commit before (\S+)/.exec(backup.stdout)?.[1] ?? '')
      expect(takenAt).not.toBeNaN()
      const beforeBackup = acknowledged.filter((letter) => letter.at < takenAt).map((letter) => letter.id)
      expect(beforeBackup.length).toBeGreaterThanOrEqual(150)
      // Letters were answered 201 while the dump ran and after, and are not in the archive.
      const inArchive = Number(/letters +([\d,]+)/.exec(backup.stdout)?.[1]?.replace(/,/g, ''))
      expect(inArchive).toBeGreaterThanOrEqual(beforeBackup.length)
      expect(acknowledged.length).toBeGreaterThan(inArchive)

      const restored = databaseUrl(pgServer.url!, `${liveName}_restored`)
      const restore = await runDbScript('restore', restored, archive)
      expect([restore.status, restore.stderr]).toEqual([0, ''])
      expect(restore.stdout).toContain('There was no database there before.')
      expect(await letterIdsAt(restored)).toHaveLength(inArchive)

      const { app } = await buildTestApp({ env: { DATABASE_URL: restored } })
      const missing: string[] = []
      for (const id of beforeBackup) {
        const answer = await app.inject({ method: 'GET', url: `/api/letters/${id}` })
        if (answer.statusCode !== 200) missing.push(`${id}: ${answer.statusCode}`)
      }
      expect(missing).toEqual([])
    }, 120_000)
  },
)
