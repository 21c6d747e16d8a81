import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { createContext } from '../../src/context.js'
import { createLetter } from '../../src/letters/letters.service.js'
import { pdfPagesText } from '../helpers/pdf-text.js'
import { createTestDatabase } from '../helpers/test-context.js'

// Runs scripts/letters-print.ts as an organizer would, on a database of its own (PostgreSQL under TEST_ENGINE=postgres).

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const TSX = path.join(ROOT, 'node_modules/.bin/tsx')
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-print-script-'))
const database = await createTestDatabase(path.join(tmp, 'print.sqlite'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

function run(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      ['scripts/letters-print.ts', ...args],
      { cwd: ROOT, env: { ...process.env, ...database.env, LOG_LEVEL: 'silent' } },
      (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    )
  })
}

describe('npm run letters:print', () => {
  it('prints the letters matching the filters into one PDF, with progress', { timeout: 60_000 }, async () => {
    const ctx = await createContext(loadConfig({ ...database.env, LOG_LEVEL: 'silent' }))
    const refs: Record<string, string> = {}
    for (const state of ['FRA', 'KEN', 'BRA']) {
      refs[state] = (
        await createLetter(ctx, { state, language: 'en', supporter: { name: `Writer to ${state}` } })
      ).reference
    }
    await ctx.close()
    const out = path.join(tmp, 'batch.pdf')
    const result = await run('--state', 'fra,ken', '--out', out)
    expect(result.status).toBe(0)
    expect(result.stdout).toContain('2 letters')
    expect(result.stderr).toMatch(/\[#+\] 2\/2/)
    const text = (await pdfPagesText(fs.readFileSync(out))).join('\n')
    expect(text).toContain(refs.FRA)
    expect(text).toContain(refs.KEN)
    expect(text).not.toContain(refs.BRA)
  })

  it('refuses bad arguments with a one-line message and status 1', { timeout: 30_000 }, async () => {
    for (const args of [
      [],
      ['--state', 'F1', '--out', 'x.pdf'],
      ['--from', 'yesterday', '--out', 'x.pdf'],
      ['--bogus'],
    ]) {
      const result = await run(...args)
      expect(result.status, args.join(' ')).toBe(1)
      expect(result.stderr.trim().split('\n').length, args.join(' ')).toBeLessThanOrEqual(2)
      expect(result.stderr, args.join(' ')).not.toMatch(/\n\s+at /)
    }
  })
})
