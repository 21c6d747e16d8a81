import { type Kysely, sql } from 'kysely'

/**
 * The outbox hands several messages over at once: the update throttle counts the updates being
 * handed over beside those accepted in the last minute, on every claim, from an index of its own.
 * @NOTE the query (outbox.repository.ts, countUpdatesSentSinceOrSending) repeats the condition
 * word for word, as 0008's do.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index outbox_update_sending on outbox_message (id)
    where status = 'sending' and kind = 'member_update'`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index outbox_update_sending`.execute(db)
}
