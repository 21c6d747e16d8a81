import type { AppContext } from '../app-context.js'
import { ConflictError, NotFoundError } from '../lib/errors.js'
import { actorOf, recordAudit, type SignedInOrganizer } from '../organizers/index.js'
import * as repo from './campaign-updates.repository.js'
import { describeAudience } from './members-admin.service.js'
import { type Audience, audienceFromJson, parseUpdateInput } from './update-input.js'

// Campaign updates: an organizer drafts one, sends a test to their own address, then sends it.
// Sending queues one outbox message per member in one transaction; the outbox then delivers them
// at UPDATES_PER_MINUTE (member-kinds.ts), checking each member again as their copy leaves.

type Ctx = Pick<AppContext, 'db' | 'clock' | 'config' | 'outbox'>

/** An update as its page shows it. */
export interface CampaignUpdateView {
  id: number
  subject: string
  body: string
  audience: Audience
  audienceText: string
  createdBy: string
  createdAt: string
  testSentAt: string | null
  sentBy: string | null
  sentAt: string | null
  recipients: number
  state: 'draft' | 'tested' | 'sent'
}

/** Where a sent update's messages are: waiting, delivered, held back, failed. */
export interface UpdateProgress {
  waiting: number
  sent: number
  /** Not sent: the member left, or withdrew consent, before their copy went out. */
  held: number
  failed: number
}

/** Saves a draft (the form's fields: subject, body, kind, country, help); audited. */
export async function createUpdate(ctx: Ctx, organizer: SignedInOrganizer, raw: unknown) {
  const input = parseUpdateInput(raw)
  const now = ctx.clock.nowIso()
  return ctx.db.transaction().execute(async (trx) => {
    const row = await repo.insertUpdate(trx, {
      subject: input.subject,
      body: input.body,
      audience: JSON.stringify(input.audience),
      created_by: organizer.id,
      created_at: now,
    })
    await recordAudit(trx, actorOf(organizer), now, {
      action: 'update.create',
      subjectType: 'campaign_update',
      subjectId: String(row.id),
      summary: `Drafted the update “${row.subject}”`,
      details: { audience: input.audience },
    })
    return row
  })
}

/** The latest updates (at most 100), the newest first. */
export async function listCampaignUpdates(ctx: Pick<AppContext, 'db'>): Promise<CampaignUpdateView[]> {
  return (await repo.listUpdates(ctx.db, 100)).map(toView)
}

/** One update, with how many members it reaches now (or reached) and, once sent, its progress. */
export async function getCampaignUpdate(ctx: Pick<AppContext, 'db'>, id: number) {
  const update = await findOrFail(ctx.db, id)
  const reach =
    update.state === 'sent' ? update.recipients : await repo.countAudience(ctx.db, update.audience)
  const progress = update.state === 'sent' ? progressOf(await repo.countUpdateMessages(ctx.db, id)) : null
  return { update, reach, progress }
}

/** Queues the update to the organizer's own address, marked as a test; audited. */
export async function sendTestUpdate(ctx: Ctx, organizer: SignedInOrganizer, id: number): Promise<void> {
  const now = ctx.clock.nowIso()
  await ctx.db.transaction().execute(async (trx) => {
    const update = await findOrFail(trx, id)
    if (update.state === 'sent')
      throw new ConflictError(
        'This update has already been sent to the members: there is nothing left to test.',
      )
    // No member: the test goes to the organizer alone, and its unsubscribe link to nobody.
    await ctx.outbox.queue(trx, { kind: 'member_update', updateId: id, recipients: [organizer.email] })
    await repo.setTestSent(trx, id, now)
    await recordAudit(trx, actorOf(organizer), now, {
      action: 'update.test',
      subjectType: 'campaign_update',
      subjectId: String(id),
      summary: `Sent a test of the update “${update.subject}” to their own address`,
    })
  })
  ctx.outbox.wake()
}

/**
 * Sends the update, once, to every confirmed member of its audience who agreed to updates: one
 * outbox message each, the update marked sent and the audit event, in one transaction.
 * 409 before a test was sent, once it was sent, and when it would reach nobody.
 */
export async function sendUpdate(
  ctx: Ctx,
  organizer: SignedInOrganizer,
  id: number,
): Promise<{ recipients: number }> {
  const now = ctx.clock.nowIso()
  const recipients = await ctx.db.transaction().execute(async (trx) => {
    const update = await findOrFail(trx, id)
    if (update.sentAt)
      throw new ConflictError(
        `This update was already sent, to ${members(update.recipients)} on ${update.sentAt.slice(0, 10)}: it goes to each member once.`,
      )
    if (!update.testSentAt)
      throw new ConflictError(
        'Send yourself a test first, and read it in your inbox: the update can be sent to the members after that.',
      )
    const queued = await repo.queueUpdateToAudience(trx, update, now, ctx.outbox.messageIdDomain)
    if (queued === 0)
      throw new ConflictError(
        'No confirmed member who agreed to receive updates matches this audience: nothing was sent.',
      )
    if (!(await repo.markSent(trx, id, { sent_at: now, sent_by: organizer.id, recipients: queued })))
      throw new ConflictError('This update was sent meanwhile, by another organizer.')
    await recordAudit(trx, actorOf(organizer), now, {
      action: 'update.send',
      subjectType: 'campaign_update',
      subjectId: String(id),
      summary: `Sent the update “${update.subject}” to ${members(queued)}`,
      details: { recipients: queued, audience: update.audience },
    })
    return queued
  })
  ctx.outbox.wake()
  return { recipients }
}

const members = (n: number) => `${n} ${n === 1 ? 'member' : 'members'}`

async function findOrFail(db: Ctx['db'], id: number): Promise<CampaignUpdateView> {
  const row = await repo.findUpdateById(db, id)
  if (!row) throw new NotFoundError(`There is no update number ${id}.`)
  return toView(row)
}

function toView(row: repo.UpdateWithNames): CampaignUpdateView {
  const audience = audienceFromJson(row.audience)
  return {
    id: row.id,
    subject: row.subject,
    body: row.body,
    audience,
    audienceText: describeAudience(audience),
    createdBy: row.created_by_name,
    createdAt: row.created_at,
    testSentAt: row.test_sent_at,
    sentBy: row.sent_by_name,
    sentAt: row.sent_at,
    recipients: row.recipients,
    state: row.sent_at ? 'sent' : row.test_sent_at ? 'tested' : 'draft',
  }
}

function progressOf(rows: Awaited<ReturnType<typeof repo.countUpdateMessages>>): UpdateProgress {
  const progress: UpdateProgress = { waiting: 0, sent: 0, held: 0, failed: 0 }
  for (const { status, held, n } of rows) {
    if (status === 'sent') progress.sent += n
    else if (status === 'failed' && held) progress.held += n
    else if (status === 'failed' || status === 'uncertain') progress.failed += n
    else progress.waiting += n
  }
  return progress
}
