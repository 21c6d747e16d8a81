import type { LetterRow, LetterStatus, ReplyAnswer } from '../../src/db/schema.js'
import type { Random } from './demo-random.js'

// When the demo letters were written, and what became of each: the columns of a letter's life
// (status, confirmation, sending, printing, the question "did the mission reply?").

export const DAY = 86_400_000
const MINUTE = 60_000
const HOUR = 3_600_000

/**
 * How many letters were written on each of `days` days, summing to `letters`: a campaign that
 * grows, is quieter at weekends, and has three pushes (a mailing, a news story, a deadline).
 */
export function lettersPerDay(letters: number, days: number, startMs: number): number[] {
  const weights: number[] = []
  for (let d = 0; d < days; d++) {
    const t = d / days
    const weekday = new Date(startMs + d * DAY).getUTCDay()
    let w = (0.35 + 0.65 * t) * (weekday === 0 || weekday === 6 ? 0.55 : 1)
    for (const [at, height] of [
      [0.22, 3],
      [0.55, 5],
      [0.86, 2.5],
    ] as const) {
      w += height * Math.exp(-(((t - at) * days) ** 2) / 18)
    }
    weights.push(w)
  }
  const total = weights.reduce((a, b) => a + b, 0)
  const counts: number[] = []
  let cumulative = 0
  let given = 0
  for (const w of weights) {
    cumulative += w
    const upTo = Math.round((cumulative / total) * letters)
    counts.push(upTo - given)
    given = upTo
  }
  return counts
}

/** What happened to a letter after it was written: by e-mail, printed, or left a draft. */
export type LetterPath = 'email' | 'print' | 'draft'

type LifeColumns = Pick<
  LetterRow,
  | 'status'
  | 'channel'
  | 'printed_at'
  | 'confirm_token_hash'
  | 'confirm_expires_at'
  | 'confirm_requested_at'
  | 'reminded_at'
  | 'confirmed_at'
  | 'sent_at'
  | 'message_id'
  | 'printed_delivered_at'
  | 'reply_token_hash'
  | 'reply_requested_at'
  | 'reply_answer'
  | 'reply_answered_at'
  | 'updated_at'
>

const iso = (ms: number): string => new Date(ms).toISOString()
const ANSWERS: readonly ReplyAnswer[] = [
  'no_reply',
  'no_reply',
  'no_reply',
  'acknowledged',
  'acknowledged',
  'replied',
]

export interface LifeOptions {
  /** Chance that a writer asked "did the mission reply?" answered it. */
  answerRate: number
}

/** The life of one letter written at `created`, as seen at `now`. */
export function letterLife(
  rng: Random,
  path: LetterPath,
  created: number,
  now: number,
  reference: string,
  options: LifeOptions,
): LifeColumns {
  const life: LifeColumns = {
    status: 'draft',
    channel: null,
    printed_at: null,
    confirm_token_hash: null,
    confirm_expires_at: null,
    confirm_requested_at: null,
    reminded_at: null,
    confirmed_at: null,
    sent_at: null,
    message_id: null,
    printed_delivered_at: null,
    reply_token_hash: null,
    reply_requested_at: null,
    reply_answer: null,
    reply_answered_at: null,
    updated_at: iso(created),
  }
  let last = created
  const at = (ms: number): string => {
    last = Math.max(last, ms)
    return iso(ms)
  }
  if (path === 'print') {
    const printed = created + MINUTE + rng.int(50 * MINUTE)
    if (printed > now) return life
    life.printed_at = at(printed)
    // Organizers take printed letters to the missions in batches, and mark them delivered.
    const delivered = printed + 3 * DAY + rng.int(25 * DAY)
    if (rng.chance(0.45) && delivered < now) life.printed_delivered_at = at(delivered)
  } else if (path === 'email') {
    emailLife(rng, life, created, now, reference, options, at)
  }
  life.updated_at = iso(last)
  return life
}

function emailLife(
  rng: Random,
  life: LifeColumns,
  created: number,
  now: number,
  reference: string,
  options: LifeOptions,
  at: (ms: number) => string,
): void {
  const requested = created + 2 * MINUTE + rng.int(28 * MINUTE)
  if (requested > now) return
  life.channel = 'email'
  life.confirm_requested_at = at(requested)
  life.confirm_expires_at = iso(requested + 7 * DAY)
  // Most writers click the link within the hour; some after days; about one in twenty never.
  const confirmed = rng.chance(0.055)
    ? Number.POSITIVE_INFINITY
    : requested + MINUTE + Math.floor(rng.next() ** 4 * 6 * DAY)
  if (confirmed > now || confirmed > requested + 7 * DAY) {
    const expired = requested + 7 * DAY <= now
    if (requested + 3 * DAY <= now) life.reminded_at = at(requested + 3 * DAY)
    life.status = expired ? 'expired' : 'awaiting_confirmation'
    if (expired) at(requested + 7 * DAY)
    else life.confirm_token_hash = rng.hex(32)
    return
  }
  life.confirmed_at = at(confirmed)
  const sent = confirmed + 20_000 + Math.floor(rng.next() ** 3 * 8 * HOUR)
  const outcome: LetterStatus = rng.chance(0.022) ? 'failed' : rng.chance(0.002) ? 'uncertain' : 'sent'
  if (sent > now) {
    life.status = 'queued'
    return
  }
  life.status = outcome
  life.message_id = `<demo.${reference.slice(3).toLowerCase()}@example.org>`
  if (outcome !== 'sent') {
    at(sent)
    return
  }
  life.sent_at = at(sent)
  // Fourteen days on, the writer is asked whether the mission replied.
  const asked = sent + 14 * DAY + rng.int(2 * HOUR)
  if (asked > now) return
  life.reply_requested_at = at(asked)
  life.reply_token_hash = rng.hex(32)
  const answered = asked + HOUR + Math.floor(rng.next() ** 2 * 10 * DAY)
  if (rng.chance(options.answerRate) && answered <= now) {
    life.reply_answer = rng.pick(ANSWERS)
    life.reply_answered_at = at(answered)
  }
}
