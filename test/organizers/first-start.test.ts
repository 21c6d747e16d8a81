import { execFile, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/db/connection.js'
import { freePort } from '../helpers/free-port.js'
import { createTestDatabase } from '../helpers/test-context.js'

// The way in for the first admin, as a newcomer meets it: `npm start` and `npm run organizer:create`,
// on the run's engine (a PostgreSQL database of its own under TEST_ENGINE=postgres).

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const TSX = path.join(ROOT, 'node_modules/.bin/tsx')
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-first-start-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))
const database = await createTestDatabase(path.join(tmp, 'app.sqlite'))
const port = await freePort()

const LINK = /http:\/\/localhost:\d+\/organizers\/welcome\/([A-Za-z0-9_-]{43})/

/** Starts the server until it prints `until` (or exits), then stops it: its whole stdout. */
function startUntil(env: Record<string, string>, until: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, ['src/server.ts'], { cwd: ROOT, env: { ...process.env, ...env } })
    let out = ''
    // A busy machine (the whole suite on two cores) can take a while to start the server.
    const timer = setTimeout(() => child.kill('SIGTERM'), 50_000)
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (until.test(out)) child.kill('SIGTERM')
    })
    child.on('error', reject)
    child.on('exit', () => {
      clearTimeout(timer)
      resolve(out)
    })
  })
}

function runScript(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ status: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      ['scripts/organizer-create.ts', ...args],
      { cwd: ROOT, env: { ...process.env, ...env } },
      (error, stdout) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout }),
    )
  })
}

describe('the first admin’s way in', () => {
  const env = {
    ...database.env,
    OUTBOX_DIR: path.join(tmp, 'outbox'),
    PORT: String(port),
    LOG_LEVEL: 'warn',
    OUTBOX_WORKER: 'off',
  }

  it('is a setup link printed by the server on its first start, a new one on each start until used', async () => {
    const first = await startUntil(env, /Create the first admin[\s\S]*\n\s+http\S+\n/)
    const second = await startUntil(env, /Create the first admin[\s\S]*\n\s+http\S+\n/)
    const one = LINK.exec(first)?.[1]
    const two = LINK.exec(second)?.[1]
    expect(one).toBeDefined()
    expect(two).toBeDefined()
    expect(two).not.toBe(one)
  }, 120_000)

  it('is also printed by npm run organizer:create, for any role, and refused for a role that does not exist', async () => {
    const admin = await runScript(env)
    expect(admin.status).toBe(0)
    expect(admin.stdout).toMatch(LINK)
    const organizer = await runScript(env, '--role', 'organizer', '--note', 'for Kofi')
    expect(organizer.stdout).toContain('organizer account')
    const wrong = await runScript(env, '--role', 'owner')
    expect(wrong.status).not.toBe(0)
    // Written to the database the test gave (on PostgreSQL, no SQLite file made beside it).
    const db = openDatabase(database.location)
    const invites = await db
      .selectFrom('organizer_invite')
      .select(['role', 'note'])
      .where('role', '=', 'organizer')
      .execute()
    await db.destroy()
    expect(invites).toEqual([{ role: 'organizer', note: 'for Kofi' }])
    expect(fs.existsSync(database.env.DATABASE_PATH)).toBe(!database.env.DATABASE_URL)
  }, 60_000)
})
