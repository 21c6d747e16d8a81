import { type DestinationStream, type Logger, pino } from 'pino'
import type { Config } from '../config.js'

// The log is read by whoever runs the server, kept by hosting providers and pasted into bug
// reports: it must never hold a supporter's e-mail address or the paragraph they wrote. Two
// layers, because one would miss things:
// - `redact` blanks the fields known to hold personal data, at any of the depths we log them;
// - every line, once serialized (message, values, error messages and stacks, request URLs), has
//   anything shaped like an e-mail address replaced, so an address inside a mail server's error
//   message or a query string is caught too.

const PERSONAL_KEYS = [
  'email',
  'supporter_email',
  'supporterEmail',
  'recipients',
  'replyTo',
  'personal_note',
  'personalNote',
  'password',
  'passwordAgain',
  'supporter_name',
  'supporter_address_lines',
  'document',
]

/** Field paths blanked in every log line (pino `redact` syntax). */
export const REDACTED_PATHS: readonly string[] = [
  ...PERSONAL_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
  // A form's body holds what a person typed; cookies and credentials are secrets.
  'req.body',
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
]

export const EMAIL_PLACEHOLDER = '[e-mail]'

// Shaped like an address, also when URL-encoded (%40) in a logged URL. Unicode letters are
// allowed on both sides; quotes, braces and spaces are not, so a match never spans JSON syntax.
// The last label starts with a letter, as top-level domains do: "pino@10.4.0" is left alone.
// The lookbehind lets a match start only where a run of address characters starts: tried from
// each character of a long run, the match scanned the rest of it each time (quadratic, issue 12).
// A "%" of the address itself is never the "%" of an encoded "@" (%40), so the two cannot trade
// characters: each place in a run of "%40%40…" is either one or the other.
const EMAIL_LIKE =
  /(?<![\p{L}\p{N}._%+-])(?:[\p{L}\p{N}._+-]|%(?!40))+(?:@|%40)(?:[\p{L}\p{N}-]+\.)+\p{L}[\p{L}\p{N}-]*/giu

/** `text` with every e-mail address in it replaced by "[e-mail]". */
export function maskEmails(text: string): string {
  return text.replace(EMAIL_LIKE, EMAIL_PLACEHOLDER)
}

/**
 * The application's logger: pino at `config.logLevel`, writing JSON lines to `destination`
 * (standard output by default), with personal data removed from every line.
 */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: DestinationStream): Logger {
  const options = {
    level: config.logLevel,
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    // @NOTE on the serialized line, after redact and the error serializer: whatever reached the
    // line (a nested field, an Error's message or stack) is covered, child loggers included.
    hooks: { streamWrite: maskEmails },
  }
  return destination ? pino(options, destination) : pino(options)
}
