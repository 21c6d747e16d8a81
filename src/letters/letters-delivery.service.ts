import type { Database } from '../db/connection.js'
import type { LetterRow, LetterStatus } from '../db/schema.js'
import { assertLetterTransition, statesBecoming } from './letter-states.js'
import * as repo from './letters.repository.js'

// What the delivery module may know and change of a letter. It calls these, never the letters'
// repository: the letter's states stay the letters module's rule. Each takes the database or a
// transaction, so that delivery can change a letter and its outbox message together.

export type { LetterRow } from '../db/schema.js'

export function findLetterRowByPublicId(db: Database, publicId: string): Promise<LetterRow | undefined> {
  return repo.findLetterByPublicId(db, publicId)
}

export function findLetterRowById(db: Database, id: number): Promise<LetterRow | undefined> {
  return repo.findLetterById(db, id)
}

export function findLetterRowByTokenHash(db: Database, hash: string): Promise<LetterRow | undefined> {
  return repo.findLetterByTokenHash(db, hash)
}

export function findLettersFrom(db: Database, iso3: string, email: string): Promise<LetterRow[]> {
  return repo.findLettersFrom(db, iso3, email)
}

export function findAwaitingConfirmation(
  db: Database,
  remindBefore: string,
  now: string,
): Promise<LetterRow[]> {
  return repo.findAwaitingConfirmation(db, remindBefore, now)
}

/**
 * As changeLetterStatus, by id, without reading the letter first (the outbox does it at every
 * handover): the update names the states that may become `to`. A letter that no longer exists is
 * left alone (erased meanwhile); one in another state is refused as changeLetterStatus refuses it.
 */
export async function moveLetterById(
  db: Database,
  id: number,
  to: LetterStatus,
  patch: Partial<Omit<LetterRow, 'id' | 'status' | 'public_id' | 'reference' | 'created_at'>>,
  now: string,
): Promise<void> {
  if (await repo.updateLetterIfIn(db, id, statesBecoming(to), { ...patch, status: to, updated_at: now }))
    return
  const letter = await repo.findLetterById(db, id)
  if (letter) assertLetterTransition(letter.status, to)
}

/**
 * moveLetterById for several letters in one statement (the outbox moves a batch of messages'
 * letters at once); a letter sent records its Message-ID. Those in another state are refused as
 * changeLetterStatus refuses them; one that no longer exists is left alone.
 */
export async function moveLettersById(
  db: Database,
  moves: readonly { id: number; messageId?: string }[],
  to: LetterStatus,
  now: string,
): Promise<void> {
  const moved = await repo.updateLettersIfIn(
    db,
    moves,
    statesBecoming(to),
    to,
    now,
    to === 'sent' ? now : null,
  )
  for (const { id } of moves) {
    if (moved.has(id)) continue
    const letter = await repo.findLetterById(db, id)
    if (letter) assertLetterTransition(letter.status, to)
  }
}

export function findSupporterEmails(db: Database, ids: readonly number[]): Promise<Map<number, string>> {
  return repo.findSupporterEmails(db, ids)
}

/** Moves a letter to `to` (refused unless the state table allows it), with the fields that go with it. */
export async function changeLetterStatus(
  db: Database,
  letter: LetterRow,
  to: LetterStatus,
  patch: Partial<Omit<LetterRow, 'id' | 'status' | 'public_id' | 'reference' | 'created_at'>>,
  now: string,
): Promise<LetterRow> {
  assertLetterTransition(letter.status, to)
  return repo.updateLetter(db, letter.id, { ...patch, status: to, updated_at: now })
}

export function findLettersByOutboxId(db: Database, outboxId: number): Promise<LetterRow[]> {
  return repo.findLettersByOutboxId(db, outboxId)
}

export function findLetterRowByReference(db: Database, reference: string): Promise<LetterRow | undefined> {
  return repo.findLetterByReference(db, reference)
}
