import type { AppContext } from '../app-context.js'
import { listStates } from '../directory/index.js'
import { type Actor, recordAudit, recordExport, SHELL_ACTOR } from '../organizers/index.js'
import type { LetterDocument, PaperSize } from './letter-document.js'
import { writeLettersPdf } from './letter-pdf.js'
import { letterDocumentOf } from './letter-read-model.js'
import * as repo from './letters.repository.js'
import { createLetter } from './letters.service.js'

type Ctx = Pick<AppContext, 'db' | 'clock' | 'config'>

export type { LetterFilter } from './letters.repository.js'

const PAGE = 200

/**
 * The letters matching `filter`, in the order they were written, read 200 at a time: a batch of
 * any size holds one page of rows in memory. Each is marked printed as it is handed out.
 */
export async function* lettersToPrint(ctx: Ctx, filter: repo.LetterFilter): AsyncGenerator<LetterDocument> {
  let afterId = 0
  for (;;) {
    const rows = await repo.findLettersPage(ctx.db, filter, afterId, PAGE)
    if (rows.length === 0) return
    for (const row of rows) {
      yield letterDocumentOf(row)
      await repo.markPrinted(ctx.db, row.id, ctx.clock.nowIso())
    }
    afterId = rows[rows.length - 1]!.id
  }
}

/** How a print run is laid out for the print shop. */
export interface PrintOptions {
  /** Each letter starts on an odd page (a blank page after each letter of odd length). */
  duplex?: boolean
  /** One paper size for the whole run; the first letter's when absent. */
  paperSize?: PaperSize
}

export interface PrintResult {
  letters: number
  /** Every page of the file, the blank ones included. */
  pages: number
  /** Pages left blank so that each letter starts on a sheet of its own (duplex only). */
  blankPages: number
}

/** Prints the matching letters as one PDF, each on a new page (on a new sheet with `duplex`), streamed to `out`. */
export async function printLetters(
  ctx: Ctx,
  filter: repo.LetterFilter,
  out: NodeJS.WritableStream,
  onLetter?: (done: number, total: number) => void,
  options: PrintOptions = {},
): Promise<PrintResult> {
  const total = await repo.countLetters(ctx.db, filter)
  return writeLettersPdf(lettersToPrint(ctx, filter), out, {
    title: 'Code Blue letters',
    onLetter: onLetter ? (n) => onLetter(n, total) : undefined,
    duplex: options.duplex === true,
    paperSize: options.paperSize,
  })
}

/** The run's layout in words, for the audit log: "both sides, on US Letter". */
export function describePrintOptions(options: PrintOptions): string {
  const sides = options.duplex ? 'both sides' : 'one side'
  const paper =
    options.paperSize === 'a4'
      ? 'A4'
      : options.paperSize === 'letter'
        ? 'US Letter'
        : "the first letter's paper"
  return `${sides}, on ${paper}`
}

/**
 * Writes an organizer's batch print to the audit log (who, the filter, the layout, how many
 * letters: names and postal addresses on paper), before the first page is drawn. Answers the
 * count. @NOTE the page and blank-page counts are known only once the last letter is drawn, after
 * this record (written first, so a download cut short is still on record): they are not in it.
 */
export async function recordLetterPrint(
  ctx: Pick<Ctx, 'db' | 'clock'>,
  actor: Actor,
  filter: repo.LetterFilter,
  options: PrintOptions = {},
): Promise<number> {
  const rows = await repo.countLetters(ctx.db, filter)
  await recordExport(ctx.db, actor, ctx.clock.nowIso(), {
    what: 'letters_print',
    subjectType: 'letter',
    subjectId: null,
    summary: `Printed ${rows} ${rows === 1 ? 'letter' : 'letters'} (names and postal addresses), ${describePrintOptions(options)}`,
    rows,
    details: { filter, duplex: options.duplex === true, paperSize: options.paperSize ?? null },
  })
  return rows
}

export const CAMPAIGN_TEMPLATE = 'campaign'

/**
 * Writes the campaign's own letter to every member state that has none yet (signed by the
 * configured signatory, in each mission's language, on US Letter for hand delivery in New York),
 * and answers how many it wrote. Running it again writes none: a mailing is printed from these.
 * Letters written are recorded in the audit log under `actor` (the shell's by default).
 */
export async function writeCampaignLetters(ctx: Ctx, actor: Actor = SHELL_ACTOR): Promise<number> {
  // One run at a time in this process: two clicks on the organizers' button (or a click during
  // the command) must not both find a state without its letter and both write one.
  const run = campaignWriting.then(() => writeMissingCampaignLetters(ctx, actor))
  campaignWriting = run.catch(() => undefined)
  return run
}

let campaignWriting: Promise<unknown> = Promise.resolve()

async function writeMissingCampaignLetters(ctx: Ctx, actor: Actor): Promise<number> {
  const { states } = await listStates(ctx, { membership: 'member' })
  const have = await repo.countLettersByState(ctx.db, CAMPAIGN_TEMPLATE)
  let written = 0
  try {
    for (const state of states) {
      if (have.has(state.iso3)) continue
      await createLetter(
        ctx,
        {
          state: state.iso3,
          template: CAMPAIGN_TEMPLATE,
          paperSize: 'letter',
          supporter: {
            // The record's name; the letter itself is signed in its own language (letter-compose.ts).
            name: ctx.config.campaign.signatoryName ?? 'The Code Blue Campaign',
            role: ctx.config.campaign.signatoryTitle,
            city: 'New York',
            country: 'US',
          },
        },
        { allowCampaign: true },
      )
      written++
    }
  } finally {
    // Those written before a failure are on record too.
    if (written > 0)
      await recordAudit(ctx.db, actor, ctx.clock.nowIso(), {
        action: 'letters.campaign_write',
        subjectType: 'letter',
        subjectId: null,
        summary: `Wrote the campaign's letter to ${written} member ${written === 1 ? 'state' : 'states'} that had none`,
        details: { written },
      })
  }
  return written
}

/** How far the campaign's mailing is: member states, and how many of them have its letter. */
export async function campaignMailingStatus(ctx: Ctx): Promise<{ memberStates: number; written: number }> {
  const { states } = await listStates(ctx, { membership: 'member' })
  const have = await repo.countLettersByState(ctx.db, CAMPAIGN_TEMPLATE)
  return { memberStates: states.length, written: states.filter((s) => have.has(s.iso3)).length }
}
