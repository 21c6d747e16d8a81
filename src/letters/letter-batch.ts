import type { AppContext } from '../context.js'
import { listStates } from '../directory/directory.service.js'
import { type Actor, recordExport } from '../organizers/audit.repository.js'
import type { LetterDocument } from './letter-document.js'
import { writeLettersPdf } from './letter-pdf.js'
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
      yield JSON.parse(row.document) as LetterDocument
      await repo.markPrinted(ctx.db, row.id, ctx.clock.nowIso())
    }
    afterId = rows[rows.length - 1]!.id
  }
}

/** Prints the matching letters as one PDF, each on a new page, streamed to `out`. */
export async function printLetters(
  ctx: Ctx,
  filter: repo.LetterFilter,
  out: NodeJS.WritableStream,
  onLetter?: (done: number, total: number) => void,
): Promise<{ letters: number; pages: number }> {
  const total = await repo.countLetters(ctx.db, filter)
  return writeLettersPdf(lettersToPrint(ctx, filter), out, {
    title: 'Code Blue letters',
    onLetter: onLetter ? (n) => onLetter(n, total) : undefined,
  })
}

/**
 * Writes an organizer's batch print to the audit log (who, the filter, how many letters: names
 * and postal addresses on paper), before the first page is drawn. Answers the count.
 */
export async function recordLetterPrint(
  ctx: Pick<Ctx, 'db' | 'clock'>,
  actor: Actor,
  filter: repo.LetterFilter,
): Promise<number> {
  const rows = await repo.countLetters(ctx.db, filter)
  await recordExport(ctx.db, actor, ctx.clock.nowIso(), {
    what: 'letters_print',
    subjectType: 'letter',
    subjectId: null,
    summary: `Printed ${rows} ${rows === 1 ? 'letter' : 'letters'} (names and postal addresses)`,
    rows,
    details: { filter },
  })
  return rows
}

export const CAMPAIGN_TEMPLATE = 'campaign'

/**
 * Writes the campaign's own letter to every member state that has none yet (signed by the
 * configured signatory, in each mission's language, on US Letter for hand delivery in New York),
 * and answers how many it wrote. Running it again writes none: a mailing is printed from these.
 */
export async function writeCampaignLetters(ctx: Ctx): Promise<number> {
  const { states } = await listStates(ctx, { membership: 'member' })
  const have = await repo.countLettersByState(ctx.db, CAMPAIGN_TEMPLATE)
  let written = 0
  for (const state of states) {
    if (have.has(state.iso3)) continue
    await createLetter(
      ctx,
      {
        state: state.iso3,
        template: CAMPAIGN_TEMPLATE,
        paperSize: 'letter',
        supporter: {
          name: ctx.config.campaign.signatoryName,
          role: ctx.config.campaign.signatoryTitle,
          city: 'New York',
          country: 'US',
        },
      },
      { allowCampaign: true },
    )
    written++
  }
  return written
}
