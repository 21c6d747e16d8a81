import type { Database } from '../db/connection.js'
import { foldEmail, type RedactedLetter } from '../letters/index.js'
import { escapeRegExp } from '../lib/text.js'
import * as repo from './erasure.repository.js'

// The outbox's side of an erasure: the person's address in messages' recipients and payloads,
// in mail servers' answers and in the bounces that came back, and the .eml copies to delete once
// the transaction has committed.

/** What stands in for an address removed from a text (a mail server's answer, say). */
export const ERASED_ADDRESS = '[erased]'

const TO_MISSIONS = new Set(['mission_letter', 'digest'])
const CANCELLED = 'cancelled: its recipient asked for their data to be erased'

export interface OutboxScrub {
  messages: number
  attempts: number
  /** Bounces recorded for the address (deleted) or quoting it (masked). */
  bounces: number
  /** Message-IDs whose .eml copies hold the person's data: their messages and their letters'. */
  messageIds: string[]
}

/**
 * Removes the address from the outbox, in the caller's transaction. Messages to the person lose
 * recipients and payload (one not sent yet is cancelled: there is nobody left to send it to);
 * messages to missions keep the missions' addresses; any text that quotes the address loses it.
 */
export async function scrubOutbox(
  db: Database,
  email: string,
  letters: readonly RedactedLetter[],
  memberIds: number[],
  now: string,
): Promise<OutboxScrub> {
  const folded = foldEmail(email)
  const letterIds = new Set(letters.map((l) => l.id))
  const traces = await repo.findOutboxTraces(db, folded, [...letterIds], memberIds)
  const messageIds = new Set<string>()
  let messages = 0
  for (const trace of traces) {
    const recipients = JSON.parse(trace.recipients) as string[]
    const addressed = recipients.some((r) => foldEmail(r) === folded)
    const ofLetter = trace.letter_id !== null && letterIds.has(trace.letter_id)
    const ofMember = trace.member_id !== null && memberIds.includes(trace.member_id)
    // To the person: their letters' confirmations, copies and questions, their member messages,
    // their erasure links. A mission's message keeps its recipients: they are the mission's.
    const theirs = !TO_MISSIONS.has(trace.kind) && (addressed || ofLetter || ofMember)
    const patch: Parameters<typeof repo.scrubOutboxMessage>[2] = {}
    if (theirs) {
      patch.recipients = JSON.stringify(recipients.filter((r) => foldEmail(r) !== folded))
      patch.payload = null
      if (trace.status === 'queued') Object.assign(patch, { status: 'failed', last_response: CANCELLED })
    } else if (trace.payload && maskAddress(trace.payload, folded) !== trace.payload) {
      patch.payload = maskAddress(trace.payload, folded)
    }
    const answer = patch.last_response ?? trace.last_response
    if (answer && maskAddress(answer, folded) !== answer) patch.last_response = maskAddress(answer, folded)
    if (theirs || ofLetter) messageIds.add(trace.message_id)
    if (Object.keys(patch).length === 0) continue
    await repo.scrubOutboxMessage(db, trace.id, { ...patch, updated_at: now })
    messages++
  }
  // The messages that carried the letters to their missions (their own, or their day's digest).
  const carriers = letters.map((l) => l.outboxId).filter((id): id is number => id !== null)
  for (const id of await repo.findMessageIds(db, carriers)) messageIds.add(id)

  let attempts = 0
  for (const attempt of await repo.findAttemptsMentioning(db, folded)) {
    const masked = maskAddress(attempt.response, folded)
    if (masked === attempt.response) continue
    await repo.setAttemptResponse(db, attempt.id, masked)
    attempts++
  }
  let bounces = await repo.deleteBouncesOf(db, folded)
  for (const bounce of await repo.findBouncesMentioning(db, folded)) {
    await repo.setBounceDiagnostic(db, bounce.id, maskAddress(bounce.diagnostic, folded))
    bounces++
  }
  return { messages, attempts, bounces, messageIds: [...messageIds] }
}

/**
 * `text` with the address (`folded`, any case) replaced wherever it stands as a whole address:
 * "ada@example.org" inside "lada@example.org" is someone else's and stays.
 */
export function maskAddress(text: string, folded: string): string {
  const escaped = escapeRegExp(folded)
  const whole = new RegExp(`(?<![\\p{L}\\p{N}._%+-])${escaped}(?![\\p{L}\\p{N}-]|\\.[\\p{L}\\p{N}])`, 'giu')
  return text.replace(whole, ERASED_ADDRESS)
}
