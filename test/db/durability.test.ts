import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { pino } from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../src/config.js'
import { createContext } from '../../src/context.js'
import { openDatabase } from '../../src/db/connection.js'

// SQLITE_SYNCHRONOUS (issue 17, item 5): from the environment, through loadConfig and
// createContext, to the connection the service writes with. SQLite in either run: the setting is
// a SQLite pragma (PostgreSQL's durability is the server's own configuration).

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-durability-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

async function synchronousOfServiceWith(value: string, name: string): Promise<number> {
  const config = loadConfig({
    SQLITE_SYNCHRONOUS: value,
    DATABASE_PATH: path.join(tmp, `${name}.sqlite`),
    OUTBOX_DIR: path.join(tmp, 'outbox'),
  })
  const ctx = await createContext(config, { log: pino({ level: 'silent' }), seed: false })
  try {
    const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(ctx.db)
    return rows[0]!.synchronous
  } finally {
    await ctx.close()
  }
}

describe('SQLITE_SYNCHRONOUS', () => {
  it('reaches the connection: PRAGMA synchronous reads 2 for FULL, 1 for NORMAL', async () => {
    expect(await synchronousOfServiceWith('FULL', 'full')).toBe(2)
    expect(await synchronousOfServiceWith('NORMAL', 'normal')).toBe(1)
    expect(await synchronousOfServiceWith('full', 'lower-case')).toBe(2)
  })

  it('is refused by loadConfig when it is neither, the message naming the variable and the value', () => {
    for (const value of ['OFF', 'EXTRA', '2', 'fully']) {
      let error: unknown
      try {
        loadConfig({ SQLITE_SYNCHRONOUS: value })
      } catch (e) {
        error = e
      }
      expect(error, value).toBeInstanceOf(ConfigError)
      expect((error as ConfigError).problems).toEqual([
        `SQLITE_SYNCHRONOUS must be FULL or NORMAL (got "${value}")`,
      ])
    }
  })

  it('is refused by openDatabase too, rather than left to SQLite, which ignores a value it does not know', () => {
    expect(() =>
      openDatabase(path.join(tmp, 'bad.sqlite'), { synchronous: 'OFF' as unknown as 'FULL' }),
    ).toThrow('synchronous must be FULL or NORMAL (got "OFF")')
  })
})
