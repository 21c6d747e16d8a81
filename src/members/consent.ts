import { english, type Translate } from '../i18n/catalogue.js'

// Consent to receive the campaign's updates. The words a person agreed to are kept by version, in
// each language, in locales/<language>/members.json (`members.consent.<version>`), and each member
// row stores the version it was given to (member.consent_version), so that what anyone agreed to
// can be shown word for word years later.
// @NOTE never edit a wording once it is live, in any language: add a new version (a new key in
// every language) and point CONSENT_VERSION at it.

const VERSIONS = ['2026-11-30'] as const

export type ConsentVersion = (typeof VERSIONS)[number]

/** The wording shown next to every consent checkbox today. */
export const CONSENT_VERSION: ConsentVersion = '2026-11-30'

/** Today's wording in `t`'s language (the checkbox of the join form and of the letter form). */
export function consentText(t: Translate = english): string {
  return t(`members.consent.${CONSENT_VERSION}`)
}

/** Today's wording in English. */
export const CONSENT_TEXT: string = consentText()

/** The exact words of a stored consent version, or null for a version this code does not know. */
export function consentWording(version: string | null, t: Translate = english): string | null {
  return version !== null && (VERSIONS as readonly string[]).includes(version)
    ? t(`members.consent.${version}`)
    : null
}
