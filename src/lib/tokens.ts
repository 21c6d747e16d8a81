import { createHash, randomBytes, randomInt } from 'node:crypto'

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

/** A secret for a link sent by e-mail (256 bits), and the digest stored in its place. */
export function newLinkToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url')
  return { token, hash: hashToken(token) }
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/** A Message-ID of our own, chosen before the first attempt and kept across retries. */
export function newMessageId(domain: string): string {
  return `<${randomBytes(12).toString('hex')}@${domain}>`
}
