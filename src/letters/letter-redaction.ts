import type { Database } from '../db/connection.js'
import type { LetterRow } from '../db/schema.js'
import { escapeRegExp } from '../lib/text.js'
import { toParagraphs } from '../lib/text-templates.js'
import type { LetterDocument } from './letter-document.js'
import { addresseeStateNameOf, letterDocumentOf, supporterAddressLinesOf } from './letter-read-model.js'
import * as redactionRepo from './letter-redaction.repository.js'
import { updateLetter } from './letters.repository.js'

// Removing a person's data from a letter already written: its columns and the stored document
// (sender block, date line, the supporter's own paragraph, signature). Two depths:
// - 'retention' (RETENTION_DAYS after delivery): the personal paragraph and the postal address
//   (address lines and city) go; the name, e-mail and country stay, the letter is still theirs.
// - 'erasure' (on the person's request): everything that names, reaches or locates them goes.
// @NOTE the state, template, status, channel and every date stay as they were: the per-state
// counts (state_letter_stats, kept by triggers on those columns) and coverage do not move.

export type Redaction = 'retention' | 'erasure'

/** The name an erased letter keeps in place of its writer's. */
export const ERASED_NAME = 'Erased on request'

/** What replaces a removed value inside a sentence: the same in every language of the letters. */
export const GAP = '[…]'

/** A letter as erasure and retention report it: enough to find its messages, nothing personal. */
export interface RedactedLetter {
  id: number
  reference: string
  stateIso3: string
  stateName: string
  status: LetterRow['status']
  /** When it reached the mission: by e-mail, or by hand. */
  deliveredAt: string | null
  /** The outbox message that carried it to the mission (its own, or its day's digest). */
  outboxId: number | null
}

/** An address as SQLite's lower() folds it (ASCII letters only), to match the index. */
export function foldEmail(email: string): string {
  return email.trim().replace(/[A-Z]/g, (c) => c.toLowerCase())
}

/** The letters written with this address, whatever its case. */
export async function findLettersOfAddress(db: Database, email: string): Promise<RedactedLetter[]> {
  return (await redactionRepo.findLettersByFoldedEmail(db, foldEmail(email))).map(toRedacted)
}

export function hasLettersOfAddress(db: Database, email: string): Promise<boolean> {
  return redactionRepo.hasLettersByFoldedEmail(db, foldEmail(email))
}

/**
 * Erases the writer from every letter written with this address (any case), in the caller's
 * transaction: the letters stay, counted for their states, without the person.
 */
export async function eraseLettersOfAddress(
  db: Database,
  email: string,
  now: string,
): Promise<RedactedLetter[]> {
  const letters = await redactionRepo.findLettersByFoldedEmail(db, foldEmail(email))
  for (const letter of letters)
    await updateLetter(db, letter.id, redactedLetterColumns(letter, 'erasure', now))
  return letters.map(toRedacted)
}

/**
 * Retention, in the caller's transaction: removes the personal paragraph and the postal address
 * of up to `limit` letters delivered before `before` (the earliest first).
 */
export async function removePersonalDataDeliveredBefore(
  db: Database,
  before: string,
  now: string,
  limit: number,
): Promise<RedactedLetter[]> {
  const letters = await redactionRepo.findLettersDeliveredBefore(db, before, limit)
  for (const letter of letters)
    await updateLetter(db, letter.id, redactedLetterColumns(letter, 'retention', now))
  return letters.map(toRedacted)
}

function toRedacted(letter: LetterRow): RedactedLetter {
  return {
    id: letter.id,
    reference: letter.reference,
    stateIso3: letter.state_iso3,
    stateName: addresseeStateNameOf(letter),
    status: letter.status,
    deliveredAt: letter.sent_at ?? letter.printed_delivered_at,
    outboxId: letter.outbox_id,
  }
}

/** The columns of a letter after redaction (the row itself is not changed). */
export function redactedLetterColumns(letter: LetterRow, how: Redaction, now: string) {
  const document = JSON.stringify(redactLetterDocument(letter, how))
  const common = {
    personal_note: null,
    supporter_address_lines: '[]',
    supporter_city: null,
    document,
    personal_data_removed_at: letter.personal_data_removed_at ?? now,
  }
  if (how === 'retention') return common
  return {
    ...common,
    supporter_name: ERASED_NAME,
    supporter_organization: null,
    supporter_role: null,
    supporter_country: null,
    supporter_email: null,
    // The links sent to the writer stop working: nobody can confirm or answer in their name.
    confirm_token_hash: null,
    reply_token_hash: null,
  }
}

/** The letter's stored document with the person's data removed, as `how` says. */
export function redactLetterDocument(letter: LetterRow, how: Redaction): LetterDocument {
  const doc = letterDocumentOf(letter)
  const city = letter.supporter_city
  const addressLines = supporterAddressLinesOf(letter)
  const located = new Set([...addressLines, ...(city ? [city] : [])])
  // Longest first: a name inside an organization's name ("Ada" in "Ada Trust") must not break it.
  const values = [
    ...(how === 'erasure'
      ? [letter.supporter_name, letter.supporter_organization, letter.supporter_role, letter.supporter_email]
      : []),
    ...addressLines,
    city,
  ]
    .filter((v): v is string => typeof v === 'string' && v.trim().length > 1)
    .sort((a, b) => b.length - a.length)
  const scrub = (text: string) => values.reduce(replaceWhole, text)
  const paragraphs = withoutNote(doc.paragraphs, letter.personal_note)
  // The campaign's own letter is signed by the campaign: its sender and signature are not theirs.
  const erasesSigner = how === 'erasure' && letter.template_id !== 'campaign'
  return {
    ...doc,
    // The date line reads "Lyon, 29 November 2026" or "Lyon, le 29 novembre 2026": drop the place.
    dateLine: city ? scrub(stripPlace(doc.dateLine, city)) : scrub(doc.dateLine),
    sender: erasesSigner ? [] : doc.sender.filter((line) => !located.has(line)).map(scrub),
    subject: scrub(doc.subject),
    paragraphs: paragraphs.map(scrub),
    signature: erasesSigner ? [GAP] : doc.signature.map(scrub),
    meta: {
      ...doc.meta,
      title: scrub(doc.meta.title),
      subject: scrub(doc.meta.subject),
      author: erasesSigner ? '' : scrub(doc.meta.author),
    },
  }
}

/**
 * The paragraphs without the writer's own: the template places the note, split into paragraphs
 * as the composer split it, as one run after the opening paragraph. The first such run goes.
 */
function withoutNote(paragraphs: string[], note: string | null): string[] {
  if (!note) return paragraphs
  const own = toParagraphs(note)
  if (own.length === 0) return paragraphs
  for (let start = 0; start + own.length <= paragraphs.length; start++) {
    if (own.every((p, i) => paragraphs[start + i] === p))
      return [...paragraphs.slice(0, start), ...paragraphs.slice(start + own.length)]
  }
  // Not found as a run (a document composed differently): drop each of its paragraphs anyway.
  return paragraphs.filter((p) => !own.includes(p))
}

function stripPlace(dateLine: string, city: string): string {
  const prefix = `${city}, `
  if (!dateLine.startsWith(prefix)) return dateLine
  const rest = dateLine.slice(prefix.length)
  return rest.startsWith('le ') ? rest.slice(3) : rest
}

/**
 * `text` with every whole occurrence of `value` (not part of a longer word) replaced by the gap.
 * Case-insensitive from four characters; shorter values must match exactly, so that a two-letter
 * name does not take every "Al" of the letter with it.
 */
function replaceWhole(text: string, value: string): string {
  const escaped = escapeRegExp(value)
  const flags = value.length >= 4 ? 'giu' : 'gu'
  return text.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, flags), GAP)
}
