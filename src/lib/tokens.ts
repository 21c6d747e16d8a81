import { randomBytes, randomInt } from 'node:crypto'

/** 128 random bits, URL-safe: an id nobody can guess or enumerate. */
export function newPublicId(): string {
  return randomBytes(16).toString('base64url')
}

// No 0/O, 1/I/L, U: a code read aloud over the phone or typed from paper stays unambiguous.
const REFERENCE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ'

/** "CB-7K3M9Q": short enough to print and quote, 30^6 = 729 million codes. */
export function newReferenceCode(): string {
  let code = ''
  for (let i = 0; i < 6; i++) code += REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)]
  return `CB-${code}`
}

export const PUBLIC_ID_PATTERN = '^[A-Za-z0-9_-]{22}$'
