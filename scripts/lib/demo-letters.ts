import type { LetterRow } from '../../src/db/schema.js'
import { defaultPaperSize } from '../../src/letters/letter-compose.js'
import type { LetterLanguage } from '../../src/letters/letter-document.js'
import { DOCUMENT_SLOTS, type DocumentCache, SLOT } from './demo-documents.js'
import { type DemoSupporter, demoSupporter, HOMES, PERSONAL_NOTES } from './demo-people.js'
import { cumulate, type Random } from './demo-random.js'
import type { DemoState } from './demo-states.js'
import { DAY, type LetterPath, letterLife, lettersPerDay } from './demo-timeline.js'

export type DemoLetterRow = Omit<LetterRow, 'id'>

/** The id migration 0019 gives the first ask on a fresh database (the only ask there). */
const FIRST_ASK_ID = 1

export interface LetterPlan {
  letters: number
  supporters: number
  seed: string
  now: number
  days: number
  states: DemoState[]
  documents: DocumentCache
  /** The next letter's reference code. */
  nextReference(): string
  /** Chance that a writer asked "did the mission reply?" answered. */
  answerRate: number
  /** The first ask's published template versions by "id.language" (migration 0023). */
  templateVersions: ReadonlyMap<string, number>
}

/**
 * The demo letters, oldest first, as complete rows. Supporters are numbered in the order they
 * first write, and come back (early ones more often); a writer who has written to a mission
 * before sends it the follow-up letter, printed, since missions hear by e-mail once from each
 * writer.
 */
export function* demoLetters(rng: Random, plan: LetterPlan): Generator<DemoLetterRow> {
  const { letters: n, supporters: m, now, days, states } = plan
  const start = now - days * DAY
  const stateWeights = cumulate(states.map((s) => s.weight))
  const homeWeights = cumulate(HOMES.map((h) => h.weight))
  const digits = Math.max(5, String(m).length)
  const supporters: DemoSupporter[] = []
  const supporterOf = (number: number): DemoSupporter => {
    let s = supporters[number - 1]
    if (!s) {
      s = demoSupporter(plan.seed, number, digits, homeWeights)
      supporters[number - 1] = s
    }
    return s
  }
  // (supporter, state) -> index of that writer's first letter to that state.
  const firstLetter = new Map<number, number>()
  const references: string[] = new Array(n)
  const created = new Float64Array(n)
  const values: string[] = new Array(DOCUMENT_SLOTS).fill('')
  const perDay = lettersPerDay(n, days, start)

  let i = 0
  let joined = 0
  for (let d = 0; d < days; d++) {
    const count = perDay[d]!
    for (let k = 0; k < count; k++, i++) {
      const at = Math.floor(start + d * DAY + ((k + rng.next()) / count) * DAY)
      created[i] = at
      // Supporters join fast at first, then fewer: sqrt(time). Until all have, a letter is a
      // newcomer's whenever the curve is ahead of the count.
      const number =
        joined < Math.ceil(m * Math.sqrt((i + 1) / n)) ? ++joined : 1 + Math.floor(joined * rng.next() ** 1.5)
      const supporter = supporterOf(number)
      // A writer picks a mission not written to yet, or one written to over two weeks ago (a
      // follow-up); after a few tries, whatever came up.
      let stateIndex = 0
      let earlier: number | undefined
      for (let attempt = 0; attempt < 6; attempt++) {
        stateIndex = rng.weighted(stateWeights)
        earlier = firstLetter.get(number * 256 + stateIndex)
        if (earlier === undefined || at - created[earlier]! > 14 * DAY) break
      }
      const state = states[stateIndex]!
      if (earlier === undefined) firstLetter.set(number * 256 + stateIndex, i)

      const home = HOMES[supporter.home]!
      const roll = rng.next()
      const language: LetterLanguage = roll < 0.7 ? state.language : roll < 0.9 ? home.language : 'en'
      const templateId =
        earlier !== undefined ? 'follow-up' : supporter.organization ? 'organization' : 'supporter'
      const path: LetterPath =
        earlier !== undefined || !state.emailable
          ? rng.chance(0.7)
            ? 'print'
            : 'draft'
          : pickPath(rng.next())
      const reference = plan.nextReference()
      references[i] = reference
      const note = rng.chance(0.25) ? rng.pick(PERSONAL_NOTES[language] ?? PERSONAL_NOTES.en!) : null
      const createdIso = new Date(at).toISOString()
      const year = new Date(at).getUTCFullYear()
      const { state: dto, variant } = state.byYear.get(year)!

      values[SLOT.name] = supporter.name
      values[SLOT.organization] = supporter.organization ?? ''
      values[SLOT.reference] = reference
      values[SLOT.address] = supporter.addressLines[0]!
      values[SLOT.date] = plan.documents.date(language, createdIso)
      values[SLOT.createdAt] = createdIso
      values[SLOT.previousReference] = earlier === undefined ? '' : references[earlier]!
      values[SLOT.previousDate] =
        earlier === undefined ? '' : plan.documents.date(language, new Date(created[earlier]!).toISOString())
      values[SLOT.note] = note === null ? '' : `${JSON.stringify(note)},`
      const place = plan.documents.place(supporter.home, language)
      values[SLOT.city] = place.city
      values[SLOT.country] = place.country
      const document = plan.documents.render(
        {
          state: dto,
          stateVariant: variant,
          tags: state.tags,
          templateId,
          language,
          home: supporter.home,
          forOrganization: supporter.organization !== null,
        },
        values,
      )
      yield {
        // Demo writers wrote on the site in their letter's language.
        site_language: language,
        // The first ask, "all 193 member states", made by migration 0019 on the database seeded.
        ask_id: FIRST_ASK_ID,
        // Composed from the files (demo-documents.ts), which the start-up seed published as these.
        template_version_id: plan.templateVersions.get(`${templateId}.${language}`) ?? null,
        public_id: rng.publicId(),
        reference,
        state_iso3: state.iso3,
        template_id: templateId,
        language,
        paper_size: defaultPaperSize(home.country),
        supporter_name: supporter.name,
        supporter_organization: supporter.organization,
        supporter_role: supporter.role,
        supporter_address_lines: JSON.stringify(supporter.addressLines),
        supporter_city: home.city,
        supporter_country: home.country,
        supporter_email: supporter.email,
        personal_note: note,
        addressee: state.addressee,
        document,
        mission_version_id: state.missionVersionId,
        outbox_id: null,
        printed_delivered_by: null,
        personal_data_removed_at: null,
        // Demo drafts were written by no browser: no draft cookie proves anything about them.
        draft_token_hash: null,
        // Demo letters came by no partner's link.
        source: null,
        created_at: createdIso,
        ...letterLife(rng, path, at, now, reference, { answerRate: plan.answerRate }),
      }
    }
  }
}

// Most letters are e-mailed; some are printed and posted or handed in; some stay drafts.
function pickPath(roll: number): LetterPath {
  return roll < 0.83 ? 'email' : roll < 0.94 ? 'print' : 'draft'
}
