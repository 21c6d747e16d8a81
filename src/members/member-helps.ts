// The join form's lists: the ways a member can help (the campaign's activities) and the kinds of
// organization. Codes are stored (member.helps, member.organization_kind); labels are shown.
// @NOTE a code, once stored, keeps its meaning: reword a label freely, never reuse a code.

export const MEMBER_HELPS = [
  { code: 'letters', label: 'Writing to ambassadors at the UN and to governments' },
  { code: 'events', label: 'Ideas for events and occasions to put the campaign before the public' },
  { code: 'contacts', label: 'Suggesting key people in governments, at the UN and elsewhere' },
  {
    code: 'documentation',
    label: 'Documenting cases of sexual exploitation and abuse that were reported but never dealt with',
  },
  { code: 'field_reports', label: 'Reporting on what happens inside peacekeeping operations' },
  { code: 'commentary', label: 'Expert commentary in the media and in public debate' },
  { code: 'research', label: 'Research and legal analysis' },
  { code: 'social_media', label: 'Social media campaigns' },
] as const

export type MemberHelp = (typeof MEMBER_HELPS)[number]['code']

export const ORGANIZATION_KINDS = [
  { code: 'ngo', label: 'Non-governmental organization' },
  { code: 'faith_based', label: 'Faith-based organization' },
  { code: 'academic', label: 'University, school or research institute' },
  { code: 'professional', label: 'Professional association' },
  { code: 'union', label: 'Trade union' },
  { code: 'other', label: 'Another kind of organization' },
] as const

export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number]['code']

const HELP_LABELS = new Map<string, string>(MEMBER_HELPS.map((h) => [h.code, h.label]))
const KIND_LABELS = new Map<string, string>(ORGANIZATION_KINDS.map((k) => [k.code, k.label]))

export function isMemberHelp(code: string): code is MemberHelp {
  return HELP_LABELS.has(code)
}

export function isOrganizationKind(code: string): code is OrganizationKind {
  return KIND_LABELS.has(code)
}

/** The label of a way to help (a code no longer offered shows as itself). */
export function helpLabel(code: string): string {
  return HELP_LABELS.get(code) ?? code
}

/** The label of a kind of organization (an unknown code shows as itself). */
export function organizationKindLabel(code: string): string {
  return KIND_LABELS.get(code) ?? code
}
