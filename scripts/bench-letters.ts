/**
 * tsx scripts/bench-letters.ts [-- --runs 200 --chromium-runs 30 --write-readme]
 *
 * How fast letters print as PDF: one letter with pdfkit (median and p95), the 193-letter mailing
 * as one PDF streamed to a file (time, size, peak RSS), and the same letter printed by a warm
 * headless Chromium from an HTML rendering, where /usr/bin/chromium (or CHROMIUM_PATH) exists.
 * Prints a Markdown table; --write-readme puts it in the README between the bench-letters markers.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import type { LetterDocument, LetterLanguage, PaperSize } from '../src/letters/letter-document.js'
import { renderLetterPdf, writeLettersPdf } from '../src/letters/letter-pdf.js'
import { projectPath } from '../src/lib/paths.js'
import { findChromium, launchChromium } from '../test/helpers/browser.js'
import { longLetterDocument, SAMPLE_SENDERS, sampleLetterDocument } from '../test/helpers/letter-fixtures.js'
import { writeReadmeFigures } from './lib/readme-figures.js'

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '200' },
    'chromium-runs': { type: 'string', default: '30' },
    'write-readme': { type: 'boolean', default: false },
  },
})
const RUNS = Math.max(200, Number(args.runs))
const CHROMIUM_RUNS = Math.max(30, Number(args['chromium-runs']))
const CHROMIUM = findChromium().path
const TARGET = { oneLetterMs: 10, mailingMs: 2000, speedUp: 10 }

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

interface SeedState {
  name: string
  membership: string
  missionName: string
}

/** One letter per member state, in the three languages, on both papers, from varied senders. */
function mailing(): LetterDocument[] {
  const states = JSON.parse(fs.readFileSync(projectPath('data/seed/states.json'), 'utf8')) as SeedState[]
  const languages: LetterLanguage[] = ['en', 'fr', 'es']
  const senders = Object.values(SAMPLE_SENDERS)
  return states
    .filter((s) => s.membership === 'member')
    .map((state, i) => {
      const language = languages[i % languages.length] ?? 'en'
      const paperSize: PaperSize = i % 4 === 0 ? 'letter' : 'a4'
      const sender = [...(senders[i % senders.length] ?? SAMPLE_SENDERS.english)]
      const overrides = {
        language,
        paperSize,
        sender,
        reference: `CB-${String(i).padStart(6, '0')}`,
        recipient: [
          `The Permanent Representative of ${state.name} to the United Nations`,
          state.missionName,
          'New York, NY 10017',
          'United States of America',
        ],
      }
      return i % 10 === 0 ? longLetterDocument(overrides) : sampleLetterDocument(overrides)
    })
}

async function benchMailing(docs: LetterDocument[]) {
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

async function benchChromium(doc: LetterDocument): Promise<Timing | null> {
  if (!CHROMIUM) return null
  const browser = await launchChromium(CHROMIUM)
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
  const letter = sampleLetterDocument({ sender: [...SAMPLE_SENDERS.greek] })
  const one = await time(RUNS, 30, () => renderLetterPdf(letter))
  const size = (await renderLetterPdf(letter)).length
  const batch = await benchMailing(mailing())
  const browser = await benchChromium(letter)
  const speedUp = browser ? browser.median / one.median : null

  const rows = [
    '| measure | result | target |',
    '| --- | --- | --- |',
    `| one letter, pdfkit (${one.runs} runs after warm-up) | median ${ms(one.median)} ms, p95 ${ms(one.p95)} ms, ${(size / 1024).toFixed(0)} KiB | under ${TARGET.oneLetterMs} ms: ${verdict(one.median < TARGET.oneLetterMs)} |`,
    `| the ${batch.letters}-letter mailing, one PDF streamed to a file | ${ms(batch.ms)} ms, ${batch.pages} pages, ${mib(batch.bytes)} MiB, peak RSS ${mib(batch.peakRss)} MiB (${mib(batch.startRss)} MiB before) | under ${TARGET.mailingMs} ms: ${verdict(batch.ms < TARGET.mailingMs)} |`,
    browser
      ? `| the same letter, warm headless Chromium (${browser.runs} runs, setContent + pdf) | median ${ms(browser.median)} ms, p95 ${ms(browser.p95)} ms | |`
      : '| the same letter, headless Chromium | not measured: no Chromium found | |',
    speedUp
      ? `| pdfkit against Chromium | ${speedUp.toFixed(0)} times faster (medians) | at least ${TARGET.speedUp} times: ${verdict(speedUp >= TARGET.speedUp)} |`
      : '',
  ].filter(Boolean)
  const table = `Node ${process.version}, ${os.cpus().length} cores.\n\n${rows.join('\n')}`
  console.log(table)
  if (args['write-readme']) writeReadmeFigures('bench-letters', table)
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
