import { type Kysely, sql } from 'kysely'
import { engineOf } from '../engine.js'

/**
 * Asks and waves (issue 18): a campaign runs several asks over time, each with its targets, goals
 * and dates, and every letter belongs to one. The existing letters go into a first ask, "all 193
 * member states", which starts on the day of the first letter (or today, with none yet).
 *
 * `ask_letter_stats` counts an ask's letters per state, kept by triggers as `state_letter_stats`
 * is: the figures of an ask never count `letter` rows (a million of them).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = engineOf(db) === 'postgres'
  await db.schema
    .createTable('ask')
    .addColumn('id', 'integer', (c) =>
      postgres ? c.generatedByDefaultAsIdentity().primaryKey() : c.primaryKey(),
    )
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    // all_members | security_council | troop_police_contributors | mission_hosts | regional_group | state_list
    .addColumn('target_kind', 'text', (c) => c.notNull())
    // The day whose Council is targeted (security_council only).
    .addColumn('target_council_on', 'text')
    // The regional group targeted (regional_group only).
    .addColumn('target_group', 'text')
    .addColumn('goal_states_canvassed', 'integer')
    .addColumn('goal_supportive_states', 'integer')
    .addColumn('goal_letters', 'integer')
    .addColumn('starts_on', 'text', (c) => c.notNull())
    .addColumn('ends_on', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()

  // The hand-picked states of a `state_list` ask.
  await db.schema
    .createTable('ask_state')
    .addColumn('ask_id', 'integer', (c) => c.notNull().references('ask.id').onDelete('cascade'))
    .addColumn('state_iso3', 'text', (c) => c.notNull().references('state.iso3'))
    .addPrimaryKeyConstraint('ask_state_pk', ['ask_id', 'state_iso3'])
    .execute()

  await db.schema
    .createTable('ask_letter_stats')
    .addColumn('ask_id', 'integer', (c) => c.notNull())
    .addColumn('state_iso3', 'text', (c) => c.notNull())
    .addColumn('written', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('ask_letter_stats_pk', ['ask_id', 'state_iso3'])
    .execute()

  // @NOTE no REFERENCES: SQLite cannot drop a column that is a foreign key without rebuilding
  // `letter` (a million rows); asks are never deleted, and the service writes only ids it read.
  await db.schema.alterTable('letter').addColumn('ask_id', 'integer').execute()

  const first = await db
    .selectFrom('letter')
    .select((eb) => eb.fn.min('created_at').as('first'))
    .executeTakeFirst()
  const now = new Date().toISOString()
  const startsOn = (first?.first as string | null | undefined)?.slice(0, 10) ?? now.slice(0, 10)
  const ask = await db
    .insertInto('ask')
    .values({
      title: 'All 193 member states',
      purpose:
        'Ask every UN member state to back an independent Special Court Mechanism for sexual exploitation and abuse by UN peacekeeping personnel.',
      target_kind: 'all_members',
      goal_states_canvassed: 193,
      starts_on: startsOn,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db.updateTable('letter').set({ ask_id: ask.id }).execute()
  await sql`insert into ask_letter_stats (ask_id, state_iso3, written)
    select ask_id, state_iso3, count(*) from letter group by ask_id, state_iso3`.execute(db)

  for (const statement of postgres ? POSTGRES_TRIGGERS : SQLITE_TRIGGERS) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  if (engineOf(db) === 'postgres') {
    for (const name of TRIGGER_NAMES) await sql.raw(`drop trigger ${name} on letter`).execute(db)
    await sql.raw('drop function ask_letter_stats_count()').execute(db)
  } else {
    for (const name of TRIGGER_NAMES) await sql.raw(`drop trigger ${name}`).execute(db)
  }
  await db.schema.alterTable('letter').dropColumn('ask_id').execute()
  await db.schema.dropTable('ask_letter_stats').execute()
  await db.schema.dropTable('ask_state').execute()
  await db.schema.dropTable('ask').execute()
}

const TRIGGER_NAMES = ['ask_letter_stats_insert', 'ask_letter_stats_delete', 'ask_letter_stats_update']

const addNew = `insert into ask_letter_stats (ask_id, state_iso3, written) values (new.ask_id, new.state_iso3, 1)
  on conflict (ask_id, state_iso3) do update set written = ask_letter_stats.written + 1;`
const removeOld = `update ask_letter_stats set written = written - 1
  where ask_id = old.ask_id and state_iso3 = old.state_iso3;`

// A letter with no ask (none is written so, but a NULL must not fail the letter's own write) is
// not counted.
const SQLITE_TRIGGERS = [
  `create trigger ask_letter_stats_insert after insert on letter when new.ask_id is not null
    begin ${addNew} end`,
  `create trigger ask_letter_stats_delete after delete on letter when old.ask_id is not null
    begin ${removeOld} end`,
  `create trigger ask_letter_stats_update after update of ask_id, state_iso3 on letter
    begin
      update ask_letter_stats set written = written - 1
        where old.ask_id is not null and ask_id = old.ask_id and state_iso3 = old.state_iso3;
      insert into ask_letter_stats (ask_id, state_iso3, written)
        select new.ask_id, new.state_iso3, 1 where new.ask_id is not null
        on conflict (ask_id, state_iso3) do update set written = ask_letter_stats.written + 1;
    end`,
]

const POSTGRES_TRIGGERS = [
  `create function ask_letter_stats_count() returns trigger language plpgsql as $$
    begin
      if tg_op in ('UPDATE', 'DELETE') and old.ask_id is not null then
        ${removeOld}
      end if;
      if tg_op in ('INSERT', 'UPDATE') and new.ask_id is not null then
        ${addNew}
      end if;
      return null;
    end $$`,
  // Three triggers as SQLite's, named alike: the engines' schemas are compared (schema-engines.test.ts).
  'create trigger ask_letter_stats_insert after insert on letter for each row execute function ask_letter_stats_count()',
  'create trigger ask_letter_stats_delete after delete on letter for each row execute function ask_letter_stats_count()',
  `create trigger ask_letter_stats_update after update of ask_id, state_iso3 on letter
    for each row execute function ask_letter_stats_count()`,
]
