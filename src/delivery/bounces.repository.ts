import type { Insertable, Kysely } from 'kysely'
import type { BounceRow, BounceTable, DB, OutboxMessageRow } from '../db/schema.js'

// The queries of bounces (bounces.ts).

type Db = Kysely<DB>

export function findOutboxMessageByMessageId(
  db: Db,
  messageId: string,
): Promise<OutboxMessageRow | undefined> {
  return db.selectFrom('outbox_message').selectAll().where('message_id', '=', messageId).executeTakeFirst()
}

/** Records a bounce; false when this report already recorded one for this address. */
export async function insertBounce(db: Db, row: Insertable<BounceTable>): Promise<boolean> {
  const result = await db
    .insertInto('bounce')
    .values(row)
    .onConflict((oc) => oc.columns(['report_id', 'email']).doNothing())
    .executeTakeFirst()
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0
}

export function findBouncesOfMessage(db: Db, outboxId: number): Promise<BounceRow[]> {
  return db.selectFrom('bounce').selectAll().where('outbox_id', '=', outboxId).orderBy('id').execute()
}
