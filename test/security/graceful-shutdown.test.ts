import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { createContext } from '../../src/context.js'
import { openDatabase } from '../../src/db/connection.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { freePort } from '../helpers/free-port.js'
import { createTestDatabase } from '../helpers/test-context.js'

// `npm start` stopped by SIGTERM (a deploy, a container stop) while a supporter's letter is still
// arriving and the outbox is handing an e-mail to the mail server: both must finish, then exit 0.
// On the run's engine: a PostgreSQL database of its own under TEST_ENGINE=postgres.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const TSX = path.join(ROOT, 'node_modules/.bin/tsx')
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-shutdown-'))
const children: ChildProcess[] = []
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  fs.rmSync(tmp, { recursive: true, force: true })
})
const database = await createTestDatabase(path.join(tmp, 'app.sqlite'))

/**
 * A minimal SMTP server that holds its answer to each message's DATA until `release()`: the
 * outbox's send stays in progress for as long as the test wants.
 */
async function startHoldingSmtp() {
  let received = 0
  let onData: () => void = () => {}
  const held: net.Socket[] = []
  let released = false
  const server = net.createServer((socket) => {
    let inData = false
    let buffer = ''
    socket.write('220 localhost ESMTP test\r\n')
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1')
      while (true) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n')
          if (end < 0) return
          buffer = buffer.slice(end + 5)
          inData = false
          received += 1
          if (released) socket.write('250 2.0.0 queued\r\n')
          else held.push(socket)
          onData()
          continue
        }
        const eol = buffer.indexOf('\r\n')
        if (eol < 0) return
        const line = buffer.slice(0, eol).toUpperCase()
        buffer = buffer.slice(eol + 2)
        if (line.startsWith('EHLO')) socket.write('250-localhost\r\n250 8BITMIME\r\n')
        else if (line.startsWith('HELO')) socket.write('250 localhost\r\n')
        else if (line.startsWith('DATA')) {
          inData = true
          socket.write('354 go on\r\n')
        } else if (line.startsWith('QUIT')) socket.end('221 bye\r\n')
        else socket.write('250 OK\r\n')
      }
    })
    socket.on('error', () => {})
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as net.AddressInfo).port,
    received: () => received,
    /** Resolves once a message's DATA has been read (and its answer held). */
    waitForData: () =>
      new Promise<void>((resolve) => {
        if (received > 0) resolve()
        else onData = resolve
      }),
    release() {
      released = true
      for (const socket of held.splice(0)) socket.write('250 2.0.0 queued\r\n')
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

function startServer(env: Record<string, string>): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, ['src/server.ts'], { cwd: ROOT, env: { ...process.env, ...env } })
    children.push(child)
    let out = ''
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 20_000)
    const onOutput = (chunk: Buffer) => {
      out += chunk.toString()
      // Printed once it listens (a fresh database has no organizer yet).
      if (/Create the first admin/.test(out)) {
        clearTimeout(timer)
        resolve(child)
      }
    }
    child.stdout?.on('data', onOutput)
    child.stderr?.on('data', onOutput)
    child.on('exit', (code) => reject(new Error(`server exited (${code}) before serving:\n${out}`)))
  })
}

/**
 * A JSON POST on a connection of its own, closed after the answer: a kept-alive idle connection
 * would make the server's close() wait for it, hiding whether the worker is waited for.
 */
async function postJson(
  base: string,
  url: string,
  body: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${base}${url}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', connection: 'close' },
    body: JSON.stringify(body),
  })
  return { status: response.status, json: (await response.json()) as Record<string, unknown> }
}

describe('a graceful stop (SIGTERM)', () => {
  it('finishes the request in flight and the e-mail being sent, then exits 0', async () => {
    const smtp = await startHoldingSmtp()
    const port = await freePort()
    const base = `http://127.0.0.1:${port}`
    const files = { ...database.env, OUTBOX_DIR: path.join(tmp, 'outbox') }
    // The database as the server will find it, with an e-mail address for France's mission.
    const setup = await createContext(loadConfig({ ...files, LOG_LEVEL: 'silent' }))
    await setMission(setup, 'FRA', FRANCE)
    await setup.close()
    const child = await startServer({
      ...files,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: base,
      LOG_LEVEL: 'warn',
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}?ignoreTLS=true`,
      OUTBOX_WORKER: 'on',
    })
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))

    // 1. A letter asks for e-mail delivery: the worker hands its confirmation to the mail server,
    //    which holds its answer: the send is in progress.
    const supporter = {
      name: 'Amina Wanjiru',
      addressLines: ['Kenyatta Avenue 14'],
      city: 'Nairobi',
      country: 'KE',
      email: 'amina@example.org',
    }
    const letter = await postJson(base, '/api/letters', {
      state: 'FRA',
      supporter,
      personalNote: 'From Nairobi.',
    })
    expect(letter.status).toBe(201)
    const send = await postJson(base, `/api/letters/${String(letter.json.id)}/send`, {})
    expect(send.status, JSON.stringify(send.json)).toBe(202)
    await smtp.waitForData()

    // 2. A second letter is arriving: headers and half its body are in when SIGTERM comes.
    const body = Buffer.from(JSON.stringify({ state: 'FRA', supporter, personalNote: 'Sent slowly.' }))
    const inFlight = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = http.request(`${base}/api/letters`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': body.length, connection: 'close' },
        agent: false,
      })
      request.on('response', (response) => {
        let text = ''
        response.on('data', (chunk) => {
          text += chunk
        })
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }))
      })
      request.on('error', reject)
      request.write(body.subarray(0, 20))
      setTimeout(() => {
        child.kill('SIGTERM')
        // The server is stopping but waits: neither the request nor the send is cut short.
        setTimeout(() => request.end(body.subarray(20)), 700)
      }, 300)
    })
    const answered = await inFlight
    expect(answered.status, answered.text).toBe(201)
    expect(JSON.parse(answered.text).reference).toMatch(/^CB-/)

    // 3. The worker is still waiting on the mail server: the process has not exited.
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(child.exitCode).toBeNull()
    smtp.release()
    expect(await exited).toBe(0)

    // 4. The e-mail is recorded as sent, not left "sending" or marked uncertain.
    const db = openDatabase(database.location)
    const rows = await db
      .selectFrom('outbox_message')
      .select(['kind', 'status'])
      .where('kind', '=', 'confirmation')
      .execute()
    await db.destroy()
    expect(rows).toEqual([{ kind: 'confirmation', status: 'sent' }])
    expect(smtp.received()).toBe(1)
    // A new connection after the stop is refused: the server is really gone.
    await expect(fetch(`${base}/healthz`)).rejects.toThrow()
    await smtp.close()
  }, 30_000)
})
