import { askModerationOf } from '../asks/index.js'
import type { Database } from '../db/connection.js'
import type { LetterRow } from '../db/schema.js'
import { changeLetterStatus, foldEmail } from '../letters/index.js'
import * as repo from './moderation.repository.js'
import { type HoldDecision, holdDecision, type TypedText } from './moderation-rules.js'

// The rule applied when a writer confirms an e-mail letter (delivery.service): whether it is held
// for an organizer's review instead of joining the outbox. Printed letters never come here.

/** What the writer typed into the letter, for the word list. */
export function typedTextOf(letter: LetterRow): TypedText {
  return {
    personalNote: letter.personal_note,
    name: letter.supporter_name,
    organization: letter.supporter_organization,
    role: letter.supporter_role,
    addressLines: parseLines(letter.supporter_address_lines),
    city: letter.supporter_city,
  }
}

function parseLines(json: string): string[] {
  try {
    const lines: unknown = JSON.parse(json)
    return Array.isArray(lines) ? lines.filter((l): l is string => typeof l === 'string') : []
  } catch {
    return []
  }
}

/** Why this letter is to be held, or null: its ask's moderation, its writer's history, the word list. */
export async function holdDecisionFor(db: Database, letter: LetterRow): Promise<HoldDecision> {
  const [moderation, terms] = await Promise.all([askModerationOf(db, letter.ask_id), repo.findTerms(db)])
  // The history is asked only when it decides something.
  const needsHistory = moderation === 'first_time' && Boolean(letter.personal_note?.trim())
  const returningWriter =
    needsHistory && letter.supporter_email !== null
      ? await repo.hasTrustedLetterOf(db, foldEmail(letter.supporter_email), letter.id)
      : false
  return holdDecision({ moderation, typed: typedTextOf(letter), terms, returningWriter })
}

/** The letter waits for review, in the caller's transaction: nothing goes to the outbox. */
export async function holdLetter(
  db: Database,
  letter: LetterRow,
  decision: NonNullable<HoldDecision>,
  now: string,
): Promise<LetterRow> {
  const held = await changeLetterStatus(db, letter, 'held', { confirmed_at: now }, now)
  await repo.insertReview(db, {
    letter_id: letter.id,
    held_at: now,
    held_because: decision.because,
    held_terms: decision.terms.length > 0 ? JSON.stringify(decision.terms) : null,
  })
  return held
}
