/**
 * npm run letters:print -- [--state FRA,USA] [--template supporter] [--from 2026-01-01]
 *                          [--to 2026-12-31] [--ask ID] [--campaign] [--duplex]
 *                          [--paper a4|letter] [--as EMAIL] --out FILE
 *
 * Prints letters as one PDF, each starting on a new page, streamed to FILE with a progress bar.
 * --campaign first writes the campaign's own letter to every member state that has none, then
 * prints the campaign letters: the mailing to all 193 missions. --duplex starts each letter on an
 * odd page (a blank page after each letter of odd length), for printing on both sides; --paper
 * prints the whole run on one paper size (else the first letter's); --ask only the letters
 * written within that ask (its id, as /organizers/asks and /api/asks list it). Says at the end how many
 * letters, pages and blank pages. The letters written and the printing (names and postal addresses
 * on paper) are in the audit log under the organizer --as names, or "command line".
 */
import fs from 'node:fs'
import { parseArgs } from 'node:util'
import { listAsks } from '../src/asks/index.js'
import { loadConfig } from '../src/config.js'
import { createContext } from '../src/context.js'
import {
  CAMPAIGN_TEMPLATE,
  type LetterFilter,
  type PrintOptions,
  printLetters,
  recordLetterPrint,
  writeCampaignLetters,
} from '../src/letters/letter-batch.js'
import { PAPER_SIZES, type PaperSize } from '../src/letters/letter-document.js'
import { commandLineActor } from '../src/organizers/index.js'

const USAGE =
  'usage: npm run letters:print -- [--state FRA,USA] [--template ID] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--ask ID] [--campaign] [--duplex] [--paper a4|letter] [--as EMAIL] --out FILE'

function fail(message: string): never {
  console.error(message)
  process.exit(1)
}

const OPTIONS = {
  state: { type: 'string' },
  template: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  campaign: { type: 'boolean', default: false },
  duplex: { type: 'boolean', default: false },
  paper: { type: 'string' },
  ask: { type: 'string' },
  out: { type: 'string' },
  as: { type: 'string' },
} as const

function readArgs() {
  try {
    return parseArgs({ options: OPTIONS }).values
  } catch (error) {
    return fail(`${error instanceof Error ? error.message : error}\n${USAGE}`)
  }
}

function parseFilter(): {
  filter: LetterFilter
  options: PrintOptions
  out: string
  campaign: boolean
  as: string | undefined
} {
  const values = readArgs()
  if (!values.out) fail(`--out FILE is required\n${USAGE}`)
  const date = (name: 'from' | 'to'): string | undefined => {
    const value = values[name]
    if (value === undefined) return undefined
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value)))
      fail(`--${name} must be a date, YYYY-MM-DD`)
    return `${value}T00:00:00.000Z`
  }
  const iso3s = values.state
    ?.split(',')
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean)
  if (iso3s?.some((s) => !/^[A-Z]{3}$/.test(s)))
    fail('--state takes ISO alpha-3 codes separated by commas, e.g. FRA,USA')
  const paper = values.paper?.trim().toLowerCase()
  if (paper !== undefined && !PAPER_SIZES.includes(paper as PaperSize))
    fail(`--paper must be a4 or letter (not ${JSON.stringify(values.paper)})\n${USAGE}`)
  if (values.ask !== undefined && !/^[1-9]\d{0,9}$/.test(values.ask.trim()))
    fail(`--ask takes an ask's id, a whole number (not ${JSON.stringify(values.ask)})`)
  const to = date('to')
  return {
    filter: {
      iso3s,
      templateId: values.campaign ? CAMPAIGN_TEMPLATE : values.template,
      from: date('from'),
      // --to is inclusive: letters written on that day are printed.
      to: to ? new Date(Date.parse(to) + 86_400_000).toISOString() : undefined,
      askId: values.ask === undefined ? undefined : Number(values.ask.trim()),
    },
    options: { duplex: values.duplex ?? false, paperSize: paper as PaperSize | undefined },
    out: values.out,
    campaign: values.campaign ?? false,
    as: values.as,
  }
}

function progress(done: number, total: number): void {
  const width = 30
  const filled = total === 0 ? width : Math.round((done / total) * width)
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`
  if (process.stderr.isTTY) process.stderr.write(`\r${bar}`)
  else if (done === total || done % 100 === 0) process.stderr.write(`${bar}\n`)
}

async function main(): Promise<void> {
  const { filter, options, out, campaign, as } = parseFilter()
  const ctx = await createContext(loadConfig(process.env))
  try {
    if (filter.askId !== undefined && !(await listAsks(ctx)).some((a) => a.id === filter.askId))
      fail(`--ask: there is no ask with the id ${filter.askId}`)
    const actor = await commandLineActor(ctx, as)
    if (campaign) {
      const written = await writeCampaignLetters(ctx, actor)
      console.log(`campaign letters written now: ${written} (member states that had none)`)
    }
    await recordLetterPrint(ctx, actor, filter, options)
    const file = fs.createWriteStream(out)
    const started = Date.now()
    const { letters, pages, blankPages } = await printLetters(ctx, filter, file, progress, options)
    if (process.stderr.isTTY) process.stderr.write('\n')
    console.log(
      `${out}: ${letters} letters, ${pages} pages (${blankPages} blank), in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    )
    if (letters === 0) console.log('no letter matches these filters')
  } finally {
    await ctx.close()
  }
}

main().catch((error: unknown) =>
  fail(`letters:print failed: ${error instanceof Error ? error.message : error}`),
)
