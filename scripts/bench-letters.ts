/**
 * tsx scripts/bench-letters.ts [-- --runs 200 --chromium-runs 30 --write-readme]
 *
 * How fast letters print as PDF: one letter in each of the six languages with pdfkit (median and
 * p95, fonts loaded), the first Chinese and the first Arabic letter in a fresh process (the faces
 * read from disk), the 193-letter mailing in the six languages as one PDF streamed to a file
 * (time, size, peak RSS), the real server's memory before and after letters in every script, and
 * the same letter printed by a warm headless Chromium from an HTML rendering, where
 * /usr/bin/chromium (or CHROMIUM_PATH) exists. Prints a Markdown table; --write-readme puts it in
 * the README between the bench-letters markers.
 *
 * No database is in these figures (the PDF is drawn from the letter's stored document), so the
 * bench runs on SQLite alone (issue 17 compares the engines in bench.ts and bench-outbox.ts).
 *
 * `--first LANG` is the child's mode: print one letter in LANG in this fresh process and report,
 * as JSON, how long the import and that first letter took.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import {
  LETTER_LANGUAGES,
  type LetterDocument,
  type LetterLanguage,
  type PaperSize,
} from '../src/letters/letter-document.js'
import { projectPath } from '../src/lib/paths.js'
import { findChromium, launchChromium } from '../test/helpers/browser.js'
import { longLetterDocument, SAMPLE_SENDERS, sampleLetterDocument } from '../test/helpers/letter-fixtures.js'
import { writeReadmeFigures } from './lib/readme-figures.js'
import { startServer } from './lib/reliability-server.js'

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '200' },
    'chromium-runs': { type: 'string', default: '30' },
    'write-readme': { type: 'boolean', default: false },
    first: { type: 'string' },
  },
})
const RUNS = Math.max(200, Number(args.runs))
const CHROMIUM_RUNS = Math.max(30, Number(args['chromium-runs']))
const TARGET = { latinMs: 10, otherMs: 30, firstMs: 1000, mailingMs: 2000, speedUp: 10, fontsMiB: 150 }
const PORT = 3921

/** Senders writing in each letter's language, so every line of the letter is in its script. */
const SENDERS: Record<LetterLanguage, readonly string[]> = {
  en: SAMPLE_SENDERS.english,
  fr: ['Aïssatou Diop', '12, rue Félix-Faure', '75015 Paris', 'France'],
  es: ['María José Núñez', 'Calle de Alcalá 48, 3.º', '28014 Madrid', 'España'],
  ar: ['فاطمة الزهراء بن علي', 'شارع الحبيب بورقيبة 21', 'تونس 1001', 'تونس'],
  zh: ['王小明', '北京市朝阳区建国路88号', '100022 北京', '中国'],
  ru: SAMPLE_SENDERS.cyrillic,
}

function letterIn(language: LetterLanguage, overrides: Partial<LetterDocument> = {}): LetterDocument {
  const sender = [...SENDERS[language]]
  return sampleLetterDocument({ language, sender, signature: [sender[0] ?? ''], ...overrides })
}

interface Timing {
  median: number
  p95: number
  runs: number
}

async function time(runs: number, warmUp: number, fn: () => Promise<unknown>): Promise<Timing> {
  for (let i = 0; i < warmUp; i++) await fn()
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    await fn()
    samples.push(performance.now() - start)
  }
  samples.sort((a, b) => a - b)
  const at = (q: number): number => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? 0
  return { median: at(0.5), p95: at(0.95), runs }
}

/**
 * Each language's letter timed `runs` times, in rounds of 20 per language in turn, after a
 * warm-up of every language: a slow spell of a shared machine then falls on all of them alike,
 * not on whichever language was being measured.
 */
async function timeInTurns(
  runs: number,
  print: (language: LetterLanguage) => Promise<unknown>,
): Promise<Record<LetterLanguage, Timing>> {
  const samples = Object.fromEntries(LETTER_LANGUAGES.map((l) => [l, [] as number[]])) as Record<
    LetterLanguage,
    number[]
  >
  for (let i = 0; i < 50; i++) for (const language of LETTER_LANGUAGES) await print(language)
  for (let round = 0; round < runs / 20; round++) {
    for (const language of LETTER_LANGUAGES) {
      for (let i = 0; i < 20; i++) {
        const start = performance.now()
        await print(language)
        samples[language].push(performance.now() - start)
      }
    }
  }
  const timing = (list: number[]): Timing => {
    list.sort((a, b) => a - b)
    const at = (q: number): number => list[Math.min(list.length - 1, Math.floor(q * list.length))] ?? 0
    return { median: at(0.5), p95: at(0.95), runs: list.length }
  }
  return Object.fromEntries(LETTER_LANGUAGES.map((l) => [l, timing(samples[l])])) as Record<
    LetterLanguage,
    Timing
  >
}

/** The child's side of "the first letter in a fresh process": imports timed apart from printing. */
async function firstLetter(language: LetterLanguage): Promise<void> {
  const started = performance.now()
  const { renderLetterPdf } = await import('../src/letters/letter-pdf.js')
  const imported = performance.now()
  await renderLetterPdf(letterIn(language))
  const printed = performance.now()
  console.log(JSON.stringify({ importMs: imported - started, letterMs: printed - imported }))
}

/** Runs `--first LANG` in a new Node process; the process's own start-up is not counted. */
function firstLetterInFreshProcess(language: LetterLanguage): { importMs: number; letterMs: number } {
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', projectPath('scripts/bench-letters.ts'), '--first', language],
    {
      cwd: projectPath(),
      encoding: 'utf8',
    },
  )
  if (child.status !== 0) throw new Error(`the --first ${language} child failed: ${child.stderr}`)
  return JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}')
}

interface SeedState {
  name: string
  membership: string
  missionName: string
}

/** One letter per member state, in `languages` in turn, on both papers, one in ten long. */
function mailing(languages: readonly LetterLanguage[]): LetterDocument[] {
  const states = JSON.parse(fs.readFileSync(projectPath('data/seed/states.json'), 'utf8')) as SeedState[]
  return states
    .filter((s) => s.membership === 'member')
    .map((_state, i) => {
      const language = languages[i % languages.length] ?? 'en'
      const paperSize: PaperSize = i % 4 === 0 ? 'letter' : 'a4'
      const overrides = { paperSize, reference: `CB-${String(i).padStart(6, '0')}` }
      const letter = letterIn(language, overrides)
      return i % 10 === 0 ? longLetterDocument(letter) : letter
    })
}

async function benchMailing(docs: LetterDocument[]) {
  const { writeLettersPdf } = await import('../src/letters/letter-pdf.js')
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-letters-')), 'mailing.pdf')
  const startRss = process.memoryUsage.rss()
  let peakRss = startRss
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss())
  }, 5)
  const start = performance.now()
  const result = await writeLettersPdf(docs, fs.createWriteStream(file), { title: 'Code Blue mailing' })
  const ms = performance.now() - start
  clearInterval(sampler)
  const bytes = fs.statSync(file).size
  fs.rmSync(path.dirname(file), { recursive: true, force: true })
  return { ...result, ms, bytes, startRss, peakRss }
}

/** A word in each script the catalog has a face for: the letter that loads every face. */
const EVERY_SCRIPT =
  'سلام שלום ދިވެހި नमस्ते বাংলা ਪੰਜਾਬੀ ગુજરાતી ଓଡ଼ିଆ தமிழ் తెలుగు ಕನ್ನಡ മലയാളം සිංහල ภาษาไทย ພາສາລາວ ភាសាខ្មែរ မြန်မာ བོད་ཡིག ქართული Հայերեն አማርኛ 한국어 中文'

/**
 * The real server's resident memory: started, then after one English letter's PDF (the Latin
 * faces only), then after a letter in each of the six languages from a writer whose name and
 * paragraph use every script (every face read, regular and bold).
 */
async function benchServerMemory() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-fonts-'))
  const server = await startServer(PORT, {
    DATABASE_PATH: path.join(dir, 'fonts.sqlite'),
    OUTBOX_DIR: path.join(dir, 'outbox'),
    RATE_LIMIT_LETTERS: '1000000',
  })
  const printLetter = async (language: LetterLanguage, name: string, personalNote: string): Promise<void> => {
    const created = await fetch(`${server.base}/api/letters`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        state: 'FRA',
        language,
        supporter: { name, addressLines: ['Kenyatta Avenue 14'], city: 'Nairobi', country: 'KE' },
        personalNote,
      }),
    })
    if (created.status !== 201)
      throw new Error(`POST /api/letters answered ${created.status}: ${await created.text()}`)
    const { pdfUrl } = (await created.json()) as { pdfUrl: string }
    const pdf = await fetch(new URL(new URL(pdfUrl).pathname, server.base))
    if (!pdf.ok) throw new Error(`GET ${pdfUrl} answered ${pdf.status}`)
    await pdf.arrayBuffer()
  }
  try {
    const started = server.rssMiB()
    await printLetter('en', 'Amina Wanjiru', 'I write from Nairobi.')
    const latin = server.rssMiB()
    for (const language of LETTER_LANGUAGES)
      await printLetter(language, `Amina ${EVERY_SCRIPT.slice(0, 60)}`, EVERY_SCRIPT)
    const everyFont = server.rssMiB()
    return { started, latin, everyFont }
  } finally {
    await server.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  )

const lines = (items: string[]): string => items.map(escapeHtml).join('<br>')

/** The same letter as a simple HTML page, laid out like the PDF (window position included). */
function letterHtml(doc: LetterDocument): string {
  return `<!doctype html><html lang="${doc.language}"><head><meta charset="utf-8"><title>${escapeHtml(doc.meta.title)}</title>
<style>
@page { size: A4; margin: 0 }
body { margin: 0; font: 10.5pt/1.5 'Noto Serif', 'DejaVu Serif', serif; color: #1a1a1a }
.sheet { position: relative; width: 210mm; height: 297mm; padding: 101mm 20mm 25mm 25mm; box-sizing: border-box }
.sender { position: absolute; top: 15mm; right: 20mm; text-align: right; font-size: 9pt; color: #5a5a5a }
.sender b { color: #1a1a1a; font-size: 10.5pt }
.address { position: absolute; top: 52mm; left: 25mm; width: 80mm; font-size: 10.5pt; line-height: 1.2 }
.info { position: absolute; top: 52mm; right: 20mm; text-align: right; font-size: 9.5pt }
h1 { font-size: 10.5pt; margin: 0 0 14pt } p { margin: 0 0 7pt; text-align: justify }
.signature { margin-top: 16mm }
</style></head><body><div class="sheet">
<div class="sender"><b>${escapeHtml(doc.sender[0] ?? '')}</b><br>${lines(doc.sender.slice(1))}</div>
<div class="address">${lines(doc.recipient)}</div>
<div class="info">${lines([doc.dateLine, doc.referenceLine])}</div>
<h1>${escapeHtml(doc.subject)}</h1><p>${escapeHtml(doc.salutation)}</p>
${doc.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
<p>${escapeHtml(doc.close)}</p><div class="signature">${lines(doc.signature)}</div>
</div></body></html>`
}

async function benchChromium(chromium: string, doc: LetterDocument): Promise<Timing> {
  const browser = await launchChromium(chromium)
  try {
    const page = await browser.newPage()
    const html = letterHtml(doc)
    return await time(CHROMIUM_RUNS, 5, async () => {
      await page.setContent(html)
      return page.pdf({ format: 'A4' })
    })
  } finally {
    await browser.close()
  }
}

const ms = (n: number): string => (n < 10 ? n.toFixed(2) : n.toFixed(0))
const mib = (n: number): string => (n / 2 ** 20).toFixed(1)
const verdict = (ok: boolean): string => (ok ? 'met' : '**missed**')

async function main(): Promise<void> {
  const first = { zh: firstLetterInFreshProcess('zh'), ar: firstLetterInFreshProcess('ar') }
  const { renderLetterPdf } = await import('../src/letters/letter-pdf.js')
  const rows = ['| measure | result | target |', '| --- | --- | --- |']
  const timings = await timeInTurns(RUNS, (language) => renderLetterPdf(letterIn(language)))
  for (const language of LETTER_LANGUAGES) {
    const one = timings[language]
    const size = (await renderLetterPdf(letterIn(language))).length
    // Cyrillic is set in Noto Serif as Latin is; Arabic and Chinese need faces and a layout of their own.
    const target = language === 'ar' || language === 'zh' ? TARGET.otherMs : TARGET.latinMs
    rows.push(
      `| one letter in \`${language}\`, pdfkit, fonts loaded (${one.runs} runs after warm-up, the languages in turn) | median ${ms(one.median)} ms, p95 ${ms(one.p95)} ms, ${(size / 1024).toFixed(0)} KiB | under ${target} ms: ${verdict(one.median < target)} |`,
    )
  }
  for (const [language, figures] of Object.entries(first)) {
    rows.push(
      `| the first \`${language}\` letter in a fresh process (its faces read from disk) | ${ms(figures.letterMs)} ms, after ${ms(figures.importMs)} ms of imports | under ${TARGET.firstMs} ms: ${verdict(figures.letterMs < TARGET.firstMs)} |`,
    )
  }
  // The Blue Book's correspondence languages are English, French and Spanish: the campaign's
  // mailing is in those. The six languages in turn are the harder case, should missions be
  // written to in Arabic, Chinese and Russian too.
  const mailings = [
    [
      'English, French and Spanish in turn (the missions’ correspondence languages)',
      mailing(['en', 'fr', 'es']),
    ],
    ['the six languages in turn', mailing(LETTER_LANGUAGES)],
  ] as const
  for (const [languages, docs] of mailings) {
    const batch = await benchMailing(docs)
    rows.push(
      `| the ${batch.letters}-letter mailing, ${languages}, one PDF streamed to a file | ${ms(batch.ms)} ms, ${batch.pages} pages, ${mib(batch.bytes)} MiB, peak RSS ${mib(batch.peakRss)} MiB (${mib(batch.startRss)} MiB before) | under ${TARGET.mailingMs} ms: ${verdict(batch.ms < TARGET.mailingMs)} |`,
    )
  }
  const memory = await benchServerMemory()
  const fontsCost = memory.everyFont - memory.latin
  rows.push(
    `| the server's RSS: started, after an English letter, after letters in the six languages using every face | ${memory.started} MiB, ${memory.latin} MiB, ${memory.everyFont} MiB: the other scripts' faces cost ${fontsCost.toFixed(0)} MiB | under ${TARGET.fontsMiB} MiB more: ${verdict(fontsCost < TARGET.fontsMiB)} |`,
  )
  const chromium = findChromium().path
  if (chromium) {
    const letter = letterIn('en', { sender: [...SAMPLE_SENDERS.greek] })
    const pdfkit = await time(RUNS, 30, () => renderLetterPdf(letter))
    const browser = await benchChromium(chromium, letter)
    const speedUp = browser.median / pdfkit.median
    rows.push(
      `| the English letter, warm headless Chromium (${browser.runs} runs, setContent + pdf) | median ${ms(browser.median)} ms, p95 ${ms(browser.p95)} ms | |`,
      `| pdfkit against Chromium | ${speedUp.toFixed(0)} times faster (medians) | at least ${TARGET.speedUp} times: ${verdict(speedUp >= TARGET.speedUp)} |`,
    )
  } else {
    rows.push('| the same letter, headless Chromium | not measured: no Chromium found | |')
  }
  const table = `Node ${process.version}, ${os.cpus().length} cores.\n\n${rows.join('\n')}`
  console.log(table)
  if (args['write-readme']) writeReadmeFigures('bench-letters', table)
}

const run = args.first ? firstLetter(args.first as LetterLanguage) : main()
run.catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
