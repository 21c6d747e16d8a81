import type { Kysely } from 'kysely'
import type { AuditEventRow, DB } from '../db/schema.js'

/**
 * Who made a change: a signed-in organizer, someone at the server's shell, or a command (an
 * import, the mailing, settling a delivery) run without naming its organizer (`--as EMAIL`).
 */
export type Actor =
  | { readonly kind: 'organizer'; readonly id: number; readonly name: string }
  | { readonly kind: 'shell' }
  | { readonly kind: 'command_line' }

export const SHELL_ACTOR: Actor = { kind: 'shell' }
export const COMMAND_LINE_ACTOR: Actor = { kind: 'command_line' }

/** How the audit log names an actor. */
export function actorLabel(actor: Actor): string {
  if (actor.kind === 'organizer') return actor.name
  return actor.kind === 'shell' ? 'shell' : 'command line'
}

export interface AuditEntry {
  /** Dotted verb: 'engagement.add', 'position.set', 'mission.edit', 'directory.import', 'organizer.invite'. */
  readonly action: string
  readonly subjectType: string
  readonly subjectId: string | null
  /** One line an organizer reads in the log. */
  readonly summary: string
  readonly details?: Record<string, unknown>
}

/**
 * Records a change in the audit log. Call it with the transaction that makes the change, so the
 * change and its record are committed together or not at all.
 */
export async function recordAudit(
  db: Kysely<DB>,
  actor: Actor,
  at: string,
  entry: AuditEntry,
): Promise<void> {
  await db
    .insertInto('audit_event')
    .values({
      at,
      organizer_id: actor.kind === 'organizer' ? actor.id : null,
      actor_label: actorLabel(actor),
      action: entry.action,
      subject_type: entry.subjectType,
      subject_id: entry.subjectId,
      summary: entry.summary,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute()
}

/** The latest audit events, newest first, optionally about one subject. */
export async function listAuditEvents(
  db: Kysely<DB>,
  filter: { subjectType?: string; subjectId?: string; limit?: number } = {},
): Promise<AuditEventRow[]> {
  let query = db.selectFrom('audit_event').selectAll()
  if (filter.subjectType) query = query.where('subject_type', '=', filter.subjectType)
  if (filter.subjectId) query = query.where('subject_id', '=', filter.subjectId)
  return query
    .orderBy('id', 'desc')
    .limit(filter.limit ?? 200)
    .execute()
}

export interface ExportEntry {
  /** What left: 'members_csv', 'outbox_message', 'letters_print', 'dossier' (action 'export.<what>'). */
  readonly what: string
  readonly subjectType: string
  readonly subjectId: string | null
  readonly summary: string
  /** How many people's records (members, letters) it holds. */
  readonly rows: number
  readonly details?: Record<string, unknown>
}

/**
 * Records that personal data left the service (an export or a download): who, what, how many
 * rows. Written before the bytes are sent, so a download cut short is still on record.
 */
export async function recordExport(
  db: Kysely<DB>,
  actor: Actor,
  at: string,
  entry: ExportEntry,
): Promise<void> {
  await recordAudit(db, actor, at, {
    action: `export.${entry.what}`,
    subjectType: entry.subjectType,
    subjectId: entry.subjectId,
    summary: entry.summary,
    details: { rows: entry.rows, ...entry.details },
  })
}
