import countries from 'i18n-iso-countries'
import type { MemberKind } from '../db/schema.js'
import { english, type Translate } from '../i18n/catalogue.js'
import { type FieldErrors, fieldsOf, listOf, oneLine } from '../lib/form-fields.js'
import { type InputNotice, parseSourceCode } from '../lib/source-code.js'
import { isPlausibleEmail } from '../lib/text-safety.js'
import { isMemberHelp, isOrganizationKind, type MemberHelp, type OrganizationKind } from './member-helps.js'

// The join form, checked. It shows both field sets at once (it works without JavaScript): the
// radio button `kind` says which one counts, and the other one's fields are ignored, whatever
// they hold. Field names are also the elements' ids, so an error links to its field.

/** What a person asks for when joining, checked and normalized. */
export interface MemberRequest {
  kind: MemberKind
  /** The person, or the organization's contact person. */
  name: string
  /** Lower-cased: one membership per address, however it was typed. */
  email: string
  /** ISO 3166-1 alpha-2, upper case. */
  country: string
  organizationName: string | null
  organizationKind: OrganizationKind | null
  website: string | null
  helps: MemberHelp[]
  /** The consent checkbox was ticked (it is never ticked in advance). */
  consent: boolean
  /** The partner's or channel's code the person came from (field `source`); null when none or not valid. */
  source: string | null
}

export const MEMBER_LIMITS = { name: 120, organizationName: 160, email: 254, website: 300 } as const

/**
 * Checks the join form, naming every field at fault rather than stopping at the first. `source`
 * is never at fault: one that is not valid is left out, with a notice.
 */
export function parseJoinForm(
  raw: unknown,
  t: Translate = english,
): { request: MemberRequest; notices: InputNotice[] } | { errors: FieldErrors } {
  const body = fieldsOf(raw)
  const errors: FieldErrors = {}
  const kind: MemberKind | null =
    body.kind === 'individual' || body.kind === 'organization' ? body.kind : null
  if (!kind) errors.kind = t('members.input.kindMissing')
  // Without a kind chosen, a set is checked only if something was typed into it: the page then
  // points at the choice and at that set's problems, not at fields nobody meant to fill in.
  const asPerson = kind === 'individual' || (!kind && typedInto(body, PERSON_FIELDS))
  const asOrganization = kind === 'organization' || (!kind && typedInto(body, ORGANIZATION_FIELDS))

  let person: Pick<MemberRequest, 'name' | 'email' | 'country'> | null = null
  if (asPerson) {
    const name = personName(
      body.name,
      'name',
      t('members.input.nameLabel'),
      t('members.input.nameMissing'),
      errors,
      t,
    )
    const email = emailAddress(body.email, 'email', errors, t)
    const country = countryCode(body.country, 'country', t('members.input.countryMissing'), errors, t)
    person = { name, email, country }
  }
  let organization: Pick<
    MemberRequest,
    'name' | 'email' | 'country' | 'organizationName' | 'organizationKind' | 'website'
  > | null = null
  if (asOrganization) {
    const organizationName = oneLine(
      body.org_name,
      'org_name',
      t('members.input.orgNameLabel'),
      MEMBER_LIMITS.organizationName,
      errors,
      t,
    )
    if (!organizationName) errors.org_name ??= t('members.input.orgNameMissing')
    const organizationKind = choice(body.org_kind, isOrganizationKind)
    if (!organizationKind) errors.org_kind = t('members.input.orgKindMissing')
    const country = countryCode(
      body.org_country,
      'org_country',
      t('members.input.orgCountryMissing'),
      errors,
      t,
    )
    const website = parseWebsite(body.org_website, errors, t)
    const name = personName(
      body.org_contact,
      'org_contact',
      t('members.input.contactLabel'),
      t('members.input.contactMissing'),
      errors,
      t,
    )
    const email = emailAddress(body.org_email, 'org_email', errors, t)
    organization = { name, email, country, organizationName, organizationKind, website }
  }

  const helps = parseHelps(body.helps, errors, t)
  const consent = parseConsentBox(body.consent, 'consent', errors, t)
  const { source, notice } = parseSourceCode(body.source)
  if (Object.keys(errors).length > 0 || !kind) return { errors }
  const base = { kind, helps, consent, source }
  const notices = notice ? [notice] : []
  if (kind === 'individual' && person)
    return {
      request: { ...base, ...person, organizationName: null, organizationKind: null, website: null },
      notices,
    }
  return { request: { ...base, ...organization! }, notices }
}

/**
 * A consent checkbox: ticked ("yes") or not (absent). Anything else is refused rather than
 * guessed: consent is never inferred.
 */
export function parseConsentBox(
  value: unknown,
  field: string,
  errors: FieldErrors,
  t: Translate = english,
): boolean {
  if (value === undefined || value === null || value === '') return false
  if (value === 'yes' || value === true) return true
  errors[field] = t('members.input.consentInvalid')
  return false
}

const PERSON_FIELDS = ['name', 'email', 'country']
const ORGANIZATION_FIELDS = ['org_name', 'org_kind', 'org_country', 'org_website', 'org_contact', 'org_email']

function typedInto(body: Record<string, unknown>, fields: string[]): boolean {
  return fields.some((field) => body[field] !== undefined && body[field] !== null && body[field] !== '')
}

function personName(
  value: unknown,
  field: string,
  label: string,
  missing: string,
  errors: FieldErrors,
  t: Translate,
): string {
  const name = oneLine(value, field, label, MEMBER_LIMITS.name, errors, t)
  if (!name) errors[field] ??= missing
  return name ?? ''
}

/** Lower-cased: one membership per address, however it was typed. */
function emailAddress(value: unknown, field: string, errors: FieldErrors, t: Translate): string {
  const email = oneLine(value, field, t('members.input.emailLabel'), MEMBER_LIMITS.email, errors, t)
  if (!email) errors[field] ??= t('members.input.emailMissing')
  else if (!isPlausibleEmail(email)) errors[field] = t('members.input.emailInvalid')
  return (email ?? '').toLowerCase()
}

function countryCode(
  value: unknown,
  field: string,
  missing: string,
  errors: FieldErrors,
  t: Translate,
): string {
  const code = oneLine(value, field, t('members.input.countryLabel'), 2, errors, t)?.toUpperCase()
  if (!code || !countries.isValid(code)) errors[field] ??= missing
  return code ?? ''
}

function choice<T extends string>(value: unknown, valid: (code: string) => code is T): T | null {
  return typeof value === 'string' && valid(value) ? value : null
}

function parseHelps(value: unknown, errors: FieldErrors, t: Translate): MemberHelp[] {
  const chosen: MemberHelp[] = []
  for (const item of listOf(value)) {
    const code = choice(item, isMemberHelp)
    if (!code) {
      errors.helps = t('members.input.helpsInvalid')
      return []
    }
    if (!chosen.includes(code)) chosen.push(code)
  }
  return chosen
}

/** An http(s) address; "example.org" alone is taken as https://example.org. */
function parseWebsite(value: unknown, errors: FieldErrors, t: Translate): string | null {
  const text = oneLine(
    value,
    'org_website',
    t('members.input.websiteLabel'),
    MEMBER_LIMITS.website,
    errors,
    t,
  )
  if (!text) return null
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(text) ? text : `https://${text}`
  let url: URL | null = null
  try {
    url = new URL(withScheme)
  } catch {
    url = null
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname.includes('.')) {
    errors.org_website = t('members.input.websiteInvalid')
    return null
  }
  if (url.username || url.password) {
    errors.org_website = t('members.input.websiteCredentials')
    return null
  }
  if (url.href.length > MEMBER_LIMITS.website) {
    errors.org_website = t('members.input.websiteTooLong', { max: MEMBER_LIMITS.website })
    return null
  }
  return url.href
}
