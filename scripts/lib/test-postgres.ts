import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { findPostgresBin } from '../../src/db/postgres-programs.js'

/**
 * A throwaway PostgreSQL cluster for the tests (`TEST_ENGINE=postgres`, test/postgres-setup.ts):
 * initdb into a temporary folder, a server on a free loopback port with durability off (a test
 * database lives for one run), removed when stopped. Root runs it as the `postgres` user, whom
 * PostgreSQL requires (Debian's package creates it). PG_BIN names the folder of initdb and
 * postgres; otherwise `pg_config --bindir`, Debian's /usr/lib/postgresql/<version>/bin, or PATH.
 */
export interface TestPostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres: a superuser, who creates the test databases. */
  readonly url: string
  /** The postmaster's process id: its children are the server's backends and workers. */
  readonly pid: number
  stop(): Promise<void>
}

/**
 * The server's settings (`-c name=value`): by default durability is off, as a test database
 * lives for one run. The benchmarks pass their own, to measure a server that keeps what it commits.
 */
export interface TestPostgresOptions {
  settings?: Record<string, string>
}

/** A test database lives for one run: no need to survive a crash. */
const TEST_SETTINGS: Record<string, string> = {
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  max_connections: '300',
}

export async function startTestPostgres(options: TestPostgresOptions = {}): Promise<TestPostgres> {
  const bin = findPostgresBin('initdb')
  if (!bin) throw new Error('No PostgreSQL found: install it (apt-get install -y postgresql) or set PG_BIN')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-pg-'))
  const owner = process.getuid?.() === 0 ? postgresUser() : null
  if (owner) fs.chownSync(dir, owner.uid, owner.gid)
  const asOwner = owner ? { uid: owner.uid, gid: owner.gid } : {}
  const data = path.join(dir, 'data')
  // Locale C: text compares byte by byte, as SQLite's does, so both engines sort alike.
  execFileSync(
    path.join(bin, 'initdb'),
    ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync'],
    { ...asOwner, stdio: 'pipe' },
  )
  const port = await freePort()
  const server = spawn(
    path.join(bin, 'postgres'),
    [
      ...['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1'],
      ...Object.entries(options.settings ?? TEST_SETTINGS).flatMap(([name, value]) => [
        '-c',
        `${name}=${value}`,
      ]),
    ],
    { ...asOwner, stdio: ['ignore', 'ignore', fs.openSync(path.join(dir, 'server.log'), 'w')] },
  )
  // Should this process end without stopping the server (an error, a timeout's SIGTERM that
  // vitest turns into an exit), the server goes with it rather than live on unowned.
  const orphanGuard = () => server.kill('SIGQUIT')
  process.once('exit', orphanGuard)
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`
  try {
    await waitForServer(url, server)
  } catch (error) {
    server.kill('SIGKILL')
    const log = fs.readFileSync(path.join(dir, 'server.log'), 'utf8')
    fs.rmSync(dir, { recursive: true, force: true })
    throw new Error(`PostgreSQL did not start: ${String(error)}\n${log}`)
  }
  return {
    url,
    pid: server.pid!,
    async stop() {
      process.off('exit', orphanGuard)
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve))
        server.kill('SIGINT') // fast shutdown: connections are ended, nothing is kept
        await exited
      }
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

function postgresUser(): { uid: number; gid: number } {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }))
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }))
    return { uid, gid }
  } catch {
    throw new Error('PostgreSQL will not run as root, and there is no postgres user to run it as')
  }
}

/** A TCP port free on 127.0.0.1 now (the system's choice). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo
      probe.close(() => resolve(port))
    })
  })
}

async function waitForServer(url: string, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000
  for (;;) {
    if (server.exitCode !== null) throw new Error(`the server exited (${server.exitCode})`)
    const client = new pg.Client({ connectionString: url })
    try {
      await client.connect()
      await client.end()
      return
    } catch (error) {
      await client.end().catch(() => {})
      if (Date.now() > deadline) throw error
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
}

/** Runs `run` on a connection of its own to `url` (a server's or a database's), closed after. */
export async function onPostgres<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await run(client)
  } finally {
    await client.end()
  }
}
