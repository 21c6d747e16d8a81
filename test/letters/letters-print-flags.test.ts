import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { createContext } from '../../src/context.js'
import { createLetter } from '../../src/letters/letters.service.js'
import { createTestDatabase } from '../helpers/test-context.js'

// npm run letters:print's --duplex and --paper (issue 13, part 5), run as an organizer would, on
// a database of its own (PostgreSQL under TEST_ENGINE=postgres); the PDF it writes is read back with pdf.js.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const TSX = path.join(ROOT, 'node_modules/.bin/tsx')
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-print-flags-'))
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

interface Page {
  size: [number, number]
  text: string
}

async function pagesOf(file: string): Promise<Page[]> {
  const pdf = await getDocument({
    data: new Uint8Array(fs.readFileSync(file)),
    isEvalSupported: false,
    verbosity: 0,
  }).promise
  try {
    const pages: Page[] = []
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n)
      const [, , width = 0, height = 0] = page.view
      const content = await page.getTextContent()
      const text = content.items.map((i) => ('str' in i ? i.str : '')).join(' ')
      pages.push({ size: [Math.round(width), Math.round(height)], text: text.replace(/\s+/g, ' ').trim() })
    }
    return pages
  } finally {
    await pdf.destroy()
  }
}

const LONG_NOTE = Array.from(
  { length: 12 },
  (_, i) =>
    `Paragraph ${i + 1}: the survivors we met have waited for years for an answer to their complaints.`,
).join('\n\n')

const references: string[] = []

beforeAll(async () => {
  const ctx = await createContext(loadConfig({ ...database.env, LOG_LEVEL: 'silent' }))
  try {
    // A short follow-up (one page) first, a supporter's letter with a long note (two) after it,
    // all written by people in Britain: on A4.
    for (const [state, template] of [
      ['FRA', 'follow-up'],
      ['KEN', 'supporter'],
      ['BRA', 'follow-up'],
    ] as const) {
      const letter = await createLetter(ctx, {
        state,
        template,
        language: 'en',
        supporter: { name: `Writer to ${state}`, country: 'GB' },
        ...(template === 'supporter' ? { personalNote: LONG_NOTE.slice(0, 1500) } : {}),
      })
      expect(letter.paperSize).toBe('a4')
      references.push(letter.reference)
    }
  } finally {
    await ctx.close()
  }
}, 60_000)

/** "out.pdf: 3 letters, 6 pages (2 blank), in 0.4 s" */
function counts(stdout: string): { letters: number; pages: number; blank: number } {
  const match = /: (\d+) letters?, (\d+) pages \((\d+) blank\)/.exec(stdout)
  if (!match) throw new Error(`no counts in ${JSON.stringify(stdout)}`)
  return { letters: Number(match[1]), pages: Number(match[2]), blank: Number(match[3]) }
}

describe('npm run letters:print -- --duplex --paper', () => {
  it('starts each letter on an odd page, on US Letter, and says how many blank pages it added', {
    timeout: 60_000,
  }, async () => {
    const out = path.join(tmp, 'duplex.pdf')
    const result = await run('--duplex', '--paper', 'letter', '--out', out)
    expect(result.status, result.stderr).toBe(0)
    const said = counts(result.stdout)
    const pages = await pagesOf(out)
    expect(said.letters).toBe(3)
    expect(said.pages).toBe(pages.length)
    expect(pages.length % 2).toBe(0)
    expect(said.blank).toBeGreaterThan(0)
    expect(pages.filter((p) => p.text === '')).toHaveLength(said.blank)
    for (const p of pages) expect(p.size).toEqual([612, 792])
    for (const reference of references) {
      const start = pages.findIndex((p) => p.text.includes(reference)) + 1
      expect(start % 2, `${reference} starts on page ${start}`).toBe(1)
    }
  })

  it('without them: no blank page, and the first letter’s paper (A4)', { timeout: 60_000 }, async () => {
    const out = path.join(tmp, 'plain.pdf')
    const result = await run('--out', out)
    expect(result.status, result.stderr).toBe(0)
    const said = counts(result.stdout)
    const pages = await pagesOf(out)
    expect(said).toEqual({ letters: 3, pages: pages.length, blank: 0 })
    for (const p of pages) expect(p.size).toEqual([595, 842])
    // The short first letter puts the second on page 2: duplex is what moves it.
    expect(pages.findIndex((p) => p.text.includes(references[1]!)) + 1).toBe(2)
  })

  it('--paper a4 with --campaign prints the mailing on A4, duplex', { timeout: 120_000 }, async () => {
    const out = path.join(tmp, 'mailing.pdf')
    const result = await run(
      '--campaign',
      '--state',
      'FRA,USA,KEN',
      '--duplex',
      '--paper',
      'a4',
      '--out',
      out,
    )
    expect(result.status, result.stderr).toBe(0)
    expect(result.stdout).toContain('campaign letters written now: 193')
    const said = counts(result.stdout)
    expect(said.letters).toBe(3)
    const pages = await pagesOf(out)
    expect(pages.length % 2).toBe(0)
    for (const p of pages) expect(p.size).toEqual([595, 842])
  })

  it('refuses a wrong --paper or --duplex with a message naming the flag, and status 1', {
    timeout: 60_000,
  }, async () => {
    for (const [args, flag] of [
      [['--paper', 'a3', '--out', 'x.pdf'], '--paper'],
      [['--paper', 'Legal', '--out', 'x.pdf'], '--paper'],
      [['--out', 'x.pdf', '--paper'], '--paper'],
      [['--duplex=yes', '--out', 'x.pdf'], '--duplex'],
    ] as const) {
      const result = await run(...args)
      const where = args.join(' ')
      expect(result.status, where).toBe(1)
      expect(result.stderr, where).toContain(flag)
      expect(result.stderr.trim().split('\n').length, where).toBeLessThanOrEqual(2)
      expect(result.stderr, where).not.toMatch(/\n\s+at /)
      expect(fs.existsSync(path.join(ROOT, 'x.pdf')), where).toBe(false)
      if (args[1] === 'a3') expect(result.stderr).toContain('--paper must be a4 or letter (not "a3")')
    }
  })
})

describe('npm run letters:print -- --ask', () => {
  it('prints the letters written within the ask, and refuses an unknown or malformed one naming --ask', {
    timeout: 60_000,
  }, async () => {
    const out = path.join(tmp, 'ask.pdf')
    // Every letter here is the first ask's (the only one): with the other filters, Brazil's
    // follow-up alone (the mailing's test may have written Brazil a campaign letter too).
    const result = await run('--ask', '1', '--state', 'BRA', '--template', 'follow-up', '--out', out)
    expect(result.status, result.stderr).toBe(0)
    expect(counts(result.stdout).letters).toBe(1)
    expect((await pagesOf(out)).map((p) => p.text).join(' ')).toContain(references[2]!)
    for (const [value, message] of [
      ['9999', '--ask: there is no ask with the id 9999'],
      ['two', '--ask takes an ask\'s id, a whole number (not "two")'],
    ] as const) {
      const refused = await run('--ask', value, '--out', path.join(tmp, `refused-${value}.pdf`))
      expect(refused.status, value).toBe(1)
      expect(refused.stderr, value).toContain(message)
      expect(refused.stderr, value).not.toMatch(/\n\s+at /)
      expect(fs.existsSync(path.join(tmp, `refused-${value}.pdf`)), value).toBe(false)
    }
  })
})
