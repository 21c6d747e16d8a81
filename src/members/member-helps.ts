import { english, type Translate } from '../i18n/catalogue.js'

// The join form's lists: the ways a member can help (the campaign's activities) and the kinds of
// organization. Codes are stored (member.helps, member.organization_kind); labels are shown, in
// the page's language, from locales/<language>/members.json (`members.helps.<code>`,
// `members.organizationKinds.<code>`).
// @NOTE a code, once stored, keeps its meaning: reword a label freely, never reuse a code.

const HELP_CODES = [
  'letters',
  'events',
  'contacts',
  'documentation',
  'field_reports',
  'commentary',
  'research',
  'social_media',
] as const

const KIND_CODES = ['ngo', 'faith_based', 'academic', 'professional', 'union', 'other'] as const

export type MemberHelp = (typeof HELP_CODES)[number]
export type OrganizationKind = (typeof KIND_CODES)[number]

/** The ways to help, in the form's order, each with its label in `t`'s language (English by default). */
export function memberHelps(t: Translate = english): { code: MemberHelp; label: string }[] {
  return HELP_CODES.map((code) => ({ code, label: t(`members.helps.${code}`) }))
}

/** The kinds of organization, in the form's order, each with its label in `t`'s language. */
export function organizationKinds(t: Translate = english): { code: OrganizationKind; label: string }[] {
  return KIND_CODES.map((code) => ({ code, label: t(`members.organizationKinds.${code}`) }))
}

/** The ways to help with their English labels (the organizers' pages). */
export const MEMBER_HELPS: readonly { code: MemberHelp; label: string }[] = memberHelps()
/** The kinds of organization with their English labels (the organizers' pages). */
export const ORGANIZATION_KINDS: readonly { code: OrganizationKind; label: string }[] = organizationKinds()

export function isMemberHelp(code: string): code is MemberHelp {
  return (HELP_CODES as readonly string[]).includes(code)
}

export function isOrganizationKind(code: string): code is OrganizationKind {
  return (KIND_CODES as readonly string[]).includes(code)
}

/** The English label of a way to help (a code no longer offered shows as itself). */
export function helpLabel(code: string): string {
  return helpLabels([code])[0] ?? code
}

/** The labels of ways to help in `t`'s language (a code no longer offered shows as itself). */
export function helpLabels(codes: readonly string[], t: Translate = english): string[] {
  return codes.map((code) => (isMemberHelp(code) ? t(`members.helps.${code}`) : code))
}

/** The label of a kind of organization (an unknown code shows as itself). */
export function organizationKindLabel(code: string, t: Translate = english): string {
  return isOrganizationKind(code) ? t(`members.organizationKinds.${code}`) : code
}
