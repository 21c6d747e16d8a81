import type { OrganizerRole } from '../db/schema.js'

// What each role may do, as data: one table from role to permissions, one check (`can`), and
// one route guard built on it (requirePermission in organizer-auth.ts). A new permission fails
// to compile until each role's row says whether it has it.

export const ORGANIZER_ROLES = [
  'viewer',
  'organizer',
  'coordinator',
  'admin',
] as const satisfies readonly OrganizerRole[]

export type Permission =
  /** Dashboard, coverage (and its CSV: counts, no people), state desks, engagement logs. */
  | 'canvassing.view'
  /** Log engagements, record positions, mark paper letters delivered. */
  | 'canvassing.edit'
  /** Supporters' names and organizations on the state desk. */
  | 'personal_data.view'
  /** Download personal data: the members CSV, a state's dossier PDF (it names supporters). */
  | 'personal_data.export'
  /** The members list (names and e-mail addresses). */
  | 'members.view'
  /** Draft, test and send campaign updates to members. */
  | 'members.send_updates'
  /** Correct missions, upload and import Blue Books (e-mail addresses still need an admin). */
  | 'directory.edit'
  /** Approve or reject a change of a mission's e-mail address. */
  | 'directory.approve_email'
  /** The outbox's counts and what needs an organizer. */
  | 'outbox.view'
  /** Settle an uncertain or failed e-mail of a letter (delivered, or send again) once the mission was asked. */
  | 'outbox.resolve'
  /** Download outbox messages (.eml files: supporters' letters and addresses). */
  | 'outbox.download'
  /** Print letters in batches (postal addresses and names on paper). */
  | 'letters.print'
  /** Read held letters and approve, refuse or edit them; keep the list of words that hold a letter (issue 18). */
  | 'letters.review'
  /** Add, edit and remove the campaign's partners (name, source code, website). */
  | 'partners.manage'
  /** Create and edit the campaign's asks (waves): targets, goals, dates (issue 18). */
  | 'asks.manage'
  /** The audit log. */
  | 'audit.view'
  /** Write, preview and publish an ask's letter templates in each language (issue 18). */
  | 'templates.manage'
  /** Invite organizers, disable and re-enable accounts. */
  | 'accounts.manage'

const VIEWER = ['canvassing.view'] as const satisfies readonly Permission[]
const ORGANIZER = [
  ...VIEWER,
  'canvassing.edit',
  'personal_data.view',
  'directory.edit',
  'outbox.view',
  'outbox.resolve',
  'letters.review',
  'audit.view',
] as const satisfies readonly Permission[]
const COORDINATOR = [
  ...ORGANIZER,
  'personal_data.export',
  'members.view',
  'members.send_updates',
  'outbox.download',
  'letters.print',
  'partners.manage',
  'asks.manage',
  'templates.manage',
] as const satisfies readonly Permission[]
const ADMIN = [
  ...COORDINATOR,
  'directory.approve_email',
  'accounts.manage',
] as const satisfies readonly Permission[]

/** Each role's permissions. @NOTE an existing 'organizer' kept everything that is not personal data. */
export const ROLE_PERMISSIONS: Record<OrganizerRole, readonly Permission[]> = {
  viewer: VIEWER,
  organizer: ORGANIZER,
  coordinator: COORDINATOR,
  admin: ADMIN,
}

/** One line per role, for the team page's role choice and the README. */
export const ROLE_LABELS: Record<OrganizerRole, string> = {
  viewer: 'Viewer: reads the dashboard, coverage and state desks; changes nothing, sees no personal data',
  organizer:
    'Organizer: canvassing, the directory, the outbox, reviewing held letters; no export of personal data, no member updates',
  coordinator:
    'Coordinator: an organizer who may also export personal data, print letters, send member updates, manage partners, create and edit asks and publish their letter templates',
  admin: 'Admin: everything, including accounts and approving mission e-mail addresses',
}

export function can(role: OrganizerRole | null | undefined, permission: Permission): boolean {
  return role ? ROLE_PERMISSIONS[role].includes(permission) : false
}

export function isOrganizerRole(value: unknown): value is OrganizerRole {
  return typeof value === 'string' && (ORGANIZER_ROLES as readonly string[]).includes(value)
}
