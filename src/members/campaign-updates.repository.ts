import { sql } from 'kysely'
import type { Database } from '../db/connection.js'
import { engineOf } from '../db/engine.js'
import type { CampaignUpdateRow, MemberStatus, OutboxStatus, SiteLanguageCode } from '../db/schema.js'
import { whereMembers } from './members-admin.repository.js'
import type { Audience } from './update-input.js'

// Campaign updates (campaign_update) and their messages in the outbox (kind 'member_update':
// member_id set for a member's copy, null for an organizer's test).

/** An update with the names of the organizers who wrote and sent it. */
export interface UpdateWithNames extends CampaignUpdateRow {
  created_by_name: string
  sent_by_name: string | null
}

export async function insertUpdate(
  db: Database,
  row: { subject: string; body: string; audience: string; created_by: number; created_at: string },
): Promise<CampaignUpdateRow> {
  return db
    .insertInto('campaign_update')
    .values({ ...row, recipients: 0 })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function findUpdateById(db: Database, id: number): Promise<UpdateWithNames | undefined> {
  return db
    .selectFrom('campaign_update')
    .innerJoin('organizer as author', 'author.id', 'campaign_update.created_by')
    .leftJoin('organizer as sender', 'sender.id', 'campaign_update.sent_by')
    .selectAll('campaign_update')
    .select(['author.name as created_by_name', 'sender.name as sent_by_name'])
    .where('campaign_update.id', '=', id)
    .executeTakeFirst()
}

/** The newest updates first. */
export async function listUpdates(db: Database, limit: number): Promise<UpdateWithNames[]> {
  return db
    .selectFrom('campaign_update')
    .innerJoin('organizer as author', 'author.id', 'campaign_update.created_by')
    .leftJoin('organizer as sender', 'sender.id', 'campaign_update.sent_by')
    .selectAll('campaign_update')
    .select(['author.name as created_by_name', 'sender.name as sent_by_name'])
    .orderBy('campaign_update.id', 'desc')
    .limit(limit)
    .execute()
}

export async function setTestSent(db: Database, id: number, at: string): Promise<void> {
  await db.updateTable('campaign_update').set({ test_sent_at: at }).where('id', '=', id).execute()
}

/** Marks the update sent, once: false when it already was. */
export async function markSent(
  db: Database,
  id: number,
  sent: { sent_at: string; sent_by: number; recipients: number },
): Promise<boolean> {
  const result = await db
    .updateTable('campaign_update')
    .set(sent)
    .where('id', '=', id)
    .where('sent_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** The members an update is for: confirmed, agreeing to updates, and in its audience. */
function audienceMembers(db: Database, audience: Audience) {
  return whereMembers(db, db.selectFrom('member'), { ...audience, status: 'active' })
    .where('member.consent_updates', '=', 1)
    .where('member.email', 'is not', null)
}

/**
 * Queues the update to each member of its audience, one outbox message each, in one statement:
 * the rows ctx.outbox.queue (outbox/outbox.ts) would write, with a Message-ID of the same form.
 * @NOTE one statement, not a ctx.outbox.queue call per member: 10,000 members took 3.2 s that way,
 * the server's only thread blocked throughout. Returns how many were queued.
 */
export async function queueUpdateToAudience(
  db: Database,
  update: { id: number; audience: Audience },
  now: string,
  messageIdDomain: string,
): Promise<number> {
  const postgres = engineOf(db) === 'postgres'
  const randomHex = postgres
    ? sql`substr(replace(cast(gen_random_uuid() as text), '-', ''), 1, 24)`
    : sql`lower(hex(randomblob(12)))`
  const result = await db
    .insertInto('outbox_message')
    .columns([
      'kind',
      'status',
      'recipients',
      'message_id',
      'attempts',
      'next_attempt_at',
      'created_at',
      'updated_at',
      'member_id',
      'update_id',
    ])
    .expression(
      audienceMembers(db, update.audience).select([
        sql<string>`'member_update'`.as('kind'),
        sql<string>`'queued'`.as('status'),
        // A JSON list of one address, and 12 random bytes in hex, each in its engine's words.
        (postgres
          ? sql<string>`cast(json_build_array(member.email) as text)`
          : sql<string>`json_array(member.email)`
        ).as('recipients'),
        sql<string>`'<' || ${randomHex} || '@' || ${messageIdDomain} || '>'`.as('message_id'),
        sql<number>`0`.as('attempts'),
        sql<string>`${now}`.as('next_attempt_at'),
        sql<string>`${now}`.as('created_at'),
        sql<string>`${now}`.as('updated_at'),
        'member.id',
        sql<number>`cast(${update.id} as integer)`.as('update_id'),
      ]),
    )
    .executeTakeFirst()
  return Number(result.numInsertedOrUpdatedRows ?? 0)
}

export async function countAudience(db: Database, audience: Audience): Promise<number> {
  const row = await audienceMembers(db, audience)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/**
 * An update's messages to members by status; `held` counts the failed ones never handed over
 * (the member left, or withdrew consent, before it went out).
 */
export async function countUpdateMessages(
  db: Database,
  updateId: number,
): Promise<{ status: OutboxStatus; held: number; n: number }[]> {
  const rows = await db
    .selectFrom('outbox_message')
    .select(['status', sql<number>`attempts = 0`.as('held'), (eb) => eb.fn.countAll<number>().as('n')])
    .where('update_id', '=', updateId)
    .where('member_id', 'is not', null)
    .groupBy(['status', sql`attempts = 0`])
    .execute()
  return rows.map((r) => ({ status: r.status, held: Number(r.held), n: Number(r.n) }))
}

// What the update kind's rules (member-kinds.ts) read of a member and an update.

/** What the worker checks of a member before an update goes to them, and needs to write it. */
export interface MemberForUpdate {
  status: MemberStatus
  consent_updates: 0 | 1
  email: string | null
  public_id: string
  /** The language of the lines around the update (migration 0014). */
  site_language: SiteLanguageCode
}

export async function findMemberForUpdate(db: Database, id: number): Promise<MemberForUpdate | undefined> {
  return db
    .selectFrom('member')
    .select(['status', 'consent_updates', 'email', 'public_id', 'site_language'])
    .where('id', '=', id)
    .executeTakeFirst()
}

export async function findUpdateText(
  db: Database,
  id: number,
): Promise<{ subject: string; body: string } | undefined> {
  return db.selectFrom('campaign_update').select(['subject', 'body']).where('id', '=', id).executeTakeFirst()
}
