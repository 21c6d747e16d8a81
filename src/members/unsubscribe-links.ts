import type { Config } from '../config.js'

/**
 * A member's one-click unsubscribe address, for update e-mails (link and List-Unsubscribe
 * header). @NOTE the form is fixed: mail providers POST to it (RFC 8058), so it must not change.
 */
export function unsubscribeUrl(config: Pick<Config, 'publicUrl'>, publicId: string): string {
  return `${config.publicUrl}/members/${encodeURIComponent(publicId)}/unsubscribe`
}

/** A member's own page (their membership, letters counted, a way to leave). */
export function memberPageUrl(config: Pick<Config, 'publicUrl'>, publicId: string): string {
  return `${config.publicUrl}/members/${encodeURIComponent(publicId)}`
}
