import type { Position, ReplyChannel } from '../db/schema.js'
import { type FieldErrors, fieldsOf, multiLine } from '../lib/form-fields.js'
import { POSITIONS } from './coverage-rules.js'
import { ENGAGEMENT_LIMITS, oneOf, pastDate } from './engagement-input.js'
import { checkReplyFile, type ReplyFile } from './reply-file.js'

// A mission's reply as an organizer types it (form or JSON): every field at fault named at once.

export const REPLY_CHANNELS = [
  'email',
  'letter',
  'note_verbale',
  'meeting',
  'phone',
  'other',
] as const satisfies readonly ReplyChannel[]

export const REPLY_CHANNEL_LABELS: Record<ReplyChannel, string> = {
  email: 'E-mail',
  letter: 'Letter',
  note_verbale: 'Note verbale',
  meeting: 'In a meeting',
  phone: 'Phone call',
  other: 'Other',
}

/** The most letters one reply may answer (a mission answering a wave of letters at once). */
export const MAX_LETTERS_PER_REPLY = 200

const REFERENCE = /^CB-[A-Z0-9]{6}$/

export interface MissionReplyInput {
  references: string[]
  receivedOn: string
  channel: ReplyChannel
  summary: string
  position: Position | null
  file: ReplyFile | null
}

/** The reply's fields; `letters` is checked only when `withLetters` (the API names its letter in the path). */
export function parseMissionReplyInput(
  raw: unknown,
  today: string,
  withLetters = true,
): { input: MissionReplyInput } | { errors: FieldErrors } {
  const body = fieldsOf(raw)
  const errors: FieldErrors = {}
  const references = withLetters ? parseReferences(body.letters, errors) : []
  const receivedOn = pastDate(body.receivedOn, today, 'receivedOn', 'The date the reply was received', errors)
  const channel = oneOf(body.channel, REPLY_CHANNELS, 'channel', 'Choose how the reply came.', errors)
  const summary = multiLine(body.summary, 'summary', 'The summary', ENGAGEMENT_LIMITS.text, errors)
  if (summary === '' && !errors.summary) errors.summary = 'Summarize what the reply says.'
  const noPosition = body.position === undefined || body.position === null || body.position === ''
  const position = noPosition
    ? null
    : oneOf(body.position, POSITIONS, 'position', 'Choose the position the reply states, or none.', errors)
  const checked = checkReplyFile(body.file)
  if ('error' in checked) errors.file = checked.error
  if (Object.keys(errors).length > 0 || !receivedOn || !channel || summary === null) return { errors }
  const file = 'file' in checked ? checked.file : null
  return { input: { references, receivedOn, channel, summary, position, file } }
}

/** Reference codes (CB-XXXXXX) from a list or from text parted by spaces, commas or lines. */
function parseReferences(value: unknown, errors: FieldErrors): string[] {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? [value] : []
  const words = items
    .filter((item): item is string => typeof item === 'string')
    .flatMap((item) => item.slice(0, 20_000).split(/[\s,;]+/))
    .filter(Boolean)
    .map((word) => word.toUpperCase())
  const unique = [...new Set(words)]
  const wrong = unique.filter((word) => !REFERENCE.test(word))
  if (unique.length === 0) errors.letters = 'Choose the letter(s) the reply answers.'
  else if (wrong.length > 0)
    errors.letters = `Not a letter’s reference code (CB- and six letters or digits): ${wrong.slice(0, 3).join(', ')}.`
  else if (unique.length > MAX_LETTERS_PER_REPLY)
    errors.letters = `A reply may answer at most ${MAX_LETTERS_PER_REPLY} letters.`
  return unique
}
