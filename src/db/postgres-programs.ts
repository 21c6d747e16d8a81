import { execFile, execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { BackupError } from './database-file.js'

/**
 * The folder holding PostgreSQL's program `program` (pg_dump, pg_restore, initdb…): `PG_BIN`,
 * then `pg_config --bindir`, then Debian's /usr/lib/postgresql/<version>/bin (the highest version
 * first: pg_dump must be as new as the server), then PATH. Null where none has it.
 */
export function findPostgresBin(program: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = [env.PG_BIN]
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: 'pipe' }).trim())
  } catch {
    // No pg_config (Debian puts it in libpq-dev): look further.
  }
  const debian = '/usr/lib/postgresql'
  if (fs.existsSync(debian)) {
    const versions = fs.readdirSync(debian).sort((a, b) => Number(b) - Number(a))
    candidates.push(...versions.map((version) => path.join(debian, version, 'bin')))
  }
  candidates.push(...(env.PATH ?? '').split(path.delimiter))
  return candidates.find((dir) => dir && fs.existsSync(path.join(dir, program))) ?? null
}

/** The full path of `program`, or a BackupError saying how to install it. */
export function postgresProgram(program: 'pg_dump' | 'pg_restore'): string {
  const dir = findPostgresBin(program)
  if (!dir) {
    throw new BackupError(
      `${program} was not found: install PostgreSQL's client programs (apt-get install postgresql-client, the server's version or newer), or set PG_BIN to their folder`,
    )
  }
  return path.join(dir, program)
}

/**
 * How a child program (pg_dump, pg_restore) reaches the database `url` names, or `database` on
 * the same server: the URL without its password, for `--dbname`, and the password in PGPASSWORD.
 * @NOTE never the password on a command line: every user of the machine can read those (ps).
 */
export function childConnection(url: string, database?: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url)
  const password = decodeURIComponent(parsed.password)
  parsed.password = ''
  if (database !== undefined) parsed.pathname = `/${encodeURIComponent(database)}`
  const env: NodeJS.ProcessEnv = { ...process.env }
  if (password) env.PGPASSWORD = password
  return { dbname: parsed.toString(), env }
}

/** `url` as it may be printed: without its password. */
export function printableUrl(url: string): string {
  const parsed = new URL(url)
  if (parsed.password) parsed.password = '***'
  return parsed.toString()
}

/** The name of the database `url` names (its path). */
export const databaseNameOf = (url: string): string => decodeURIComponent(new URL(url).pathname.slice(1))

/**
 * Runs `program` with `args` (an array: no shell) and resolves with its output; rejects with a
 * BackupError holding what it wrote to stderr where it fails.
 */
export function runProgram(
  program: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(program, args, { env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout)
      const said = stderr.trim() || error.message
      reject(new BackupError(`${path.basename(program)} failed: ${said}`))
    })
  })
}
