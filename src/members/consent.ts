// Consent to receive the campaign's updates. The words a person agreed to are kept here, by
// version, and each member row stores the version it was given to (member.consent_version), so
// that what anyone agreed to can be shown word for word years later.
// @NOTE never edit a wording once it is live: add a new version and point CONSENT_VERSION at it.

const WORDINGS = {
  '2026-11-30':
    'Yes, e-mail me the Code Blue campaign’s updates: news of the campaign, calls to act and invitations. I can stop them at any time with the link at the end of each update, and my address is never passed to anyone outside the campaign.',
} as const satisfies Record<string, string>

export type ConsentVersion = keyof typeof WORDINGS

/** The wording shown next to every consent checkbox today. */
export const CONSENT_VERSION: ConsentVersion = '2026-11-30'
export const CONSENT_TEXT: string = WORDINGS[CONSENT_VERSION]

/** The exact words of a stored consent version, or null for a version this code does not know. */
export function consentWording(version: string | null): string | null {
  return version !== null && Object.hasOwn(WORDINGS, version) ? WORDINGS[version as ConsentVersion] : null
}
