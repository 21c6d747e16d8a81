import { type Kysely, sql } from 'kysely'

/**
 * The triggers that keep `state_letter_stats` in step with `letter` (migrations 0004 and 0005).
 * @NOTE "delivered" here must match canvassing/coverage-rules.ts: e-mail accepted by the mission's
 * server (status 'sent'), or a printed letter marked delivered. Every flag is 0 or 1, never NULL
 * (`is`, not `=`, where a column may be NULL): a NULL would fail the NOT NULL counters and with
 * them the letter's own update.
 */
export async function createLetterStatsTriggers(db: Kysely<any>): Promise<void> {
  const flags = (row: 'new' | 'old') => ({
    printed: `(${row}.printed_at is not null)`,
    // Confirmed by its writer and handed to the outbox, whatever came of it.
    emailed: `(${row}.channel is 'email' and ${row}.status in ('queued', 'sending', 'sent', 'failed', 'uncertain'))`,
    delivered: `(${row}.status = 'sent' or ${row}.printed_delivered_at is not null)`,
    failed: `(${row}.status = 'failed')`,
    deliveredAt: `(case when ${row}.status = 'sent' then coalesce(${row}.sent_at, ${row}.updated_at) else ${row}.printed_delivered_at end)`,
  })
  const n = flags('new')
  const o = flags('old')
  const ensureRow = (row: 'new' | 'old') =>
    `insert into state_letter_stats (state_iso3) values (${row}.state_iso3) on conflict (state_iso3) do nothing;`
  const addNew = `update state_letter_stats set
      written = written + 1,
      printed = printed + ${n.printed},
      emailed = emailed + ${n.emailed},
      delivered = delivered + ${n.delivered},
      failed = failed + ${n.failed},
      first_delivered_at = case when ${n.delivered} then min(coalesce(first_delivered_at, ${n.deliveredAt}), ${n.deliveredAt}) else first_delivered_at end,
      last_delivered_at = case when ${n.delivered} then max(coalesce(last_delivered_at, ${n.deliveredAt}), ${n.deliveredAt}) else last_delivered_at end
    where state_iso3 = new.state_iso3;`
  const removeOld = `update state_letter_stats set
      written = written - 1,
      printed = printed - ${o.printed},
      emailed = emailed - ${o.emailed},
      delivered = delivered - ${o.delivered},
      failed = failed - ${o.failed}
    where state_iso3 = old.state_iso3;`

  await sql
    .raw(`create trigger letter_stats_insert after insert on letter begin ${ensureRow('new')} ${addNew} end`)
    .execute(db)
  await sql
    .raw(`create trigger letter_stats_delete after delete on letter begin ${removeOld} end`)
    .execute(db)
  // Only when a counted fact changes: most letter updates (drafts, tokens) touch none of them.
  await sql
    .raw(
      `create trigger letter_stats_update after update of status, printed_at, channel, printed_delivered_at, sent_at, state_iso3 on letter
       begin ${removeOld} ${ensureRow('new')} ${addNew} end`,
    )
    .execute(db)
}

export async function dropLetterStatsTriggers(db: Kysely<any>): Promise<void> {
  for (const name of ['letter_stats_insert', 'letter_stats_delete', 'letter_stats_update']) {
    await sql.raw(`drop trigger if exists ${name}`).execute(db)
  }
}
