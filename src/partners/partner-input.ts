import { type FieldErrors, fieldsOf, oneLine } from '../lib/form-fields.js'
import { isSourceCode, SOURCE_CODE_MAX, SOURCE_CODE_RULE } from '../lib/source-code.js'

// The partner form, checked: a name, the source code its links carry, and an optional website.
// Field names are also the elements' ids, so an error links to its field.

export const PARTNER_LIMITS = { name: 160, code: SOURCE_CODE_MAX, website: 300 } as const

export interface PartnerInput {
  name: string
  /** A source code (src/lib/source-code.ts), lower case. */
  code: string
  /** An http(s) address, or null. */
  website: string | null
}

/** What the form holds as typed, to show it again beside its errors. */
export interface PartnerFormValues {
  name: string
  code: string
  website: string
}

/** Checks the partner form, naming every field at fault rather than stopping at the first. */
export function parsePartnerInput(raw: unknown): { input: PartnerInput } | { errors: FieldErrors } {
  const body = fieldsOf(raw)
  const errors: FieldErrors = {}
  const name = oneLine(body.name, 'name', 'The name', PARTNER_LIMITS.name, errors)
  if (!name) errors.name ??= 'Give the partner’s name, as organizers will read it on the dashboard.'
  const code = parseCode(body.code, errors)
  const website = parseWebsite(body.website, errors)
  if (Object.keys(errors).length > 0 || !name || !code) return { errors }
  return { input: { name, code, website } }
}

/** The form's fields as typed (text only), for the page shown again with its errors. */
export function partnerFormValues(raw: unknown): PartnerFormValues {
  const body = fieldsOf(raw)
  const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, 1000) : '')
  return { name: text(body.name), code: text(body.code), website: text(body.website) }
}

function parseCode(value: unknown, errors: FieldErrors): string | null {
  const typed = oneLine(value, 'code', 'The code', PARTNER_LIMITS.code, errors)
  if (errors.code) return null
  if (!typed) {
    errors.code = 'Give the code the partner’s links carry, such as amnesty-ke.'
    return null
  }
  const code = typed.toLowerCase()
  if (!isSourceCode(code)) {
    errors.code = `The code can have only ${SOURCE_CODE_RULE}: for example amnesty-ke or newsletter-2027-01.`
    return null
  }
  return code
}

/** An http or https address with a dotted host; "www.example.org" alone is taken as https. */
function parseWebsite(value: unknown, errors: FieldErrors): string | null {
  const text = oneLine(value, 'website', 'The website', PARTNER_LIMITS.website, errors)
  if (!text) return null
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(text) ? text : `https://${text}`
  let url: URL | null = null
  try {
    url = new URL(withScheme)
  } catch {
    url = null
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname.includes('.')) {
    errors.website =
      'The website must be a web address starting with https:// or http://, such as https://www.example.org.'
    return null
  }
  if (url.username || url.password) {
    errors.website = 'The website’s address may not contain a user name or password.'
    return null
  }
  if (url.href.length > PARTNER_LIMITS.website) {
    errors.website = `The website’s address can be at most ${PARTNER_LIMITS.website} characters.`
    return null
  }
  return url.href
}
