import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { DEFAULT_MIGRATION_TABLE } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { onPostgres } from '../../scripts/lib/test-postgres.js'
import { setPosition } from '../../src/canvassing/engagements.service.js'
import { backupDatabase } from '../../src/db/backup.js'
import { openDatabase } from '../../src/db/connection.js'
import { BackupError } from '../../src/db/database-file.js'
import { knownMigrationNames, migrateTo } from '../../src/db/migrator.js'
import { publicTables, quoteIdentifier, tablesInDependencyOrder } from '../../src/db/postgres-tables.js'
import { moveSqliteToPostgres } from '../../src/db/sqlite-to-postgres.js'
import { joinCampaign } from '../../src/members/members.service.js'
import { actorOf } from '../../src/organizers/index.js'
import { addPartner } from '../../src/partners/partners.service.js'
import { confirmedLetter, FRANCE_EMAIL, pass, transportFor } from '../delivery/delivery-helpers.js'
import { runDbScript } from '../helpers/database-files.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { signInOrganizer } from '../helpers/organizer-session.js'
import { postgresServerForFile } from '../helpers/postgres-server.js'
import { buildTestApp } from '../helpers/test-app.js'
import { createPostgresDatabaseOn } from '../helpers/test-context.js'

// npm run db:migrate-to-postgres (issue 17): a campaign on SQLite, written through the app (states
// seeded, letters in the six languages, e-mail delivery with its outbox, a printed letter's PDF,
// organizers, engagements, positions, members, partners, the audit log), moved into an empty
// PostgreSQL database: every row equal, the same coverage served, and the next letter written.

const server = await postgresServerForFile([])
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-move-'))
const file = (name: string) => path.join(tmp, name)
const drops: (() => Promise<void>)[] = []
afterAll(async () => {
  for (const drop of drops) await drop()
  fs.rmSync(tmp, { recursive: true, force: true })
})

async function emptyDatabase(): Promise<string> {
  const database = await createPostgresDatabaseOn(server.url!)
  drops.push(database.drop)
  return database.url
}

const LETTERS = [
  {
    state: 'EGY',
    language: 'ar',
    name: 'ليلى حسن',
    note: 'أكتب إليكم لأن ضحايا الاستغلال والانتهاك الجنسيين يستحقون العدالة.',
  },
  {
    state: 'CHN',
    language: 'zh',
    name: '王小明',
    note: '我写信是因为受害者应当得到正义，维和人员不应享有豁免。',
  },
  { state: 'RUS', language: 'ru', name: 'Ольга Смирнова', note: 'Пострадавшие заслуживают правосудия.' },
  { state: 'MEX', language: 'es', name: 'José Núñez', note: 'Las víctimas merecen justicia.' },
  { state: 'SEN', language: 'fr', name: 'Aïssatou Diallo', note: 'Les victimes méritent justice.' },
  { state: 'KEN', language: 'en', name: 'Wanjiru Kamau', note: 'Victims deserve a court.' },
] as const

/** Every row of every table of the SQLite file, as comparable values (bytes as hex), sorted. */
function sqliteRows(db: SQLite.Database, table: string, columns: string[]): string[] {
  const rows = db
    .prepare(`select ${columns.map(quoteIdentifier).join(', ')} from ${quoteIdentifier(table)}`)
    .raw()
    .all() as unknown[][]
  return rows.map(comparable).sort()
}

const comparable = (row: unknown[]) =>
  JSON.stringify(row.map((value) => (Buffer.isBuffer(value) ? `bytes:${value.toString('hex')}` : value)))

describe.skipIf(!server.url)(`npm run db:migrate-to-postgres ${server.reason}`, () => {
  const sqliteFile = file('app.sqlite')
  let target: string
  let sqliteCoverage: unknown
  let move: Awaited<ReturnType<typeof runDbScript>>

  beforeAll(async () => {
    const { app, ctx } = await buildTestApp({
      env: { DATABASE_PATH: sqliteFile, DATABASE_URL: '', OUTBOX_DIR: file('outbox') },
    })
    await setMission(ctx, 'FRA', { ...FRANCE, emails: [FRANCE_EMAIL] })
    const admin = await signInOrganizer(app, ctx, { role: 'admin', name: 'Amani Admin' })
    for (const letter of LETTERS) {
      const answer = await app.inject({
        method: 'POST',
        url: '/api/letters',
        payload: {
          state: letter.state,
          language: letter.language,
          supporter: { name: letter.name, country: 'KE', email: `${letter.language}@supporters.example` },
          personalNote: letter.note,
        },
      })
      expect(answer.statusCode).toBe(201)
      // The Chinese letter is printed: its PDF is kept (bytes), and it counts as printed.
      if (letter.language === 'zh') {
        const pdf = await app.inject({ method: 'GET', url: `/api/letters/${answer.json().id}/pdf` })
        expect(pdf.statusCode).toBe(200)
      }
    }
    // Two letters e-mailed to France, one in Arabic: confirmation, mission e-mail, attempts.
    const transport = transportFor(ctx)
    await confirmedLetter(ctx, transport, { language: 'ar', name: 'سارة' })
    await confirmedLetter(ctx, transport, { language: 'fr' })
    await pass(ctx, transport)
    for (const [iso3, kind] of [
      ['CHL', 'reply_received'],
      ['KEN', 'meeting'],
    ] as const) {
      const logged = await app.inject({
        method: 'POST',
        url: `/api/states/${iso3}/engagements`,
        headers: admin.apiHeaders,
        payload: { kind, occurredOn: '2026-05-30', text: `Réunion ${iso3} — 会议` },
      })
      expect(logged.statusCode).toBe(201)
    }
    await setPosition(ctx, actorOf(admin.organizer), 'KEN', {
      position: 'supportive',
      notedOn: '2026-05-31',
      note: 'يدعم',
    })
    await joinCampaign(ctx, {
      kind: 'individual',
      name: 'Amina 阿米娜',
      email: 'amina@example.org',
      country: 'KE',
    })
    await joinCampaign(ctx, {
      kind: 'organization',
      org_name: 'Juristes sans frontières',
      org_kind: 'professional',
      org_country: 'FR',
      org_contact: 'Claire Martin',
      org_email: 'contact@juristes.example.org',
    })
    await addPartner(ctx, actorOf(admin.organizer), {
      name: 'Amnesty International Kenya',
      code: 'amnesty-ke',
    })
    sqliteCoverage = (await app.inject({ method: 'GET', url: '/api/coverage' })).json()

    target = await emptyDatabase()
    // The service still has the file open, as it may: the move reads one snapshot, read-only.
    move = await runDbScript('migrate-to-postgres', target, '--from', sqliteFile)
  }, 120_000)

  it('copies every table, row for row and value for value, and says so', async () => {
    expect(move.stderr).toBe('')
    expect(move.status).toBe(0)
    const source = new SQLite(sqliteFile, { readonly: true })
    try {
      await onPostgres(target, async (client) => {
        const tables = await tablesInDependencyOrder(client)
        expect(tables.length).toBeGreaterThan(20)
        const filled: string[] = []
        for (const table of tables) {
          const { rows } = await client.query({
            text: `select * from ${quoteIdentifier(table)}`,
            rowMode: 'array',
          })
          const columns = (
            await client.query<{ column_name: string }>(
              `select column_name from information_schema.columns where table_schema = 'public' and table_name = $1 order by ordinal_position`,
              [table],
            )
          ).rows.map((row) => row.column_name)
          const expected = sqliteRows(source, table, columns)
          expect(rows.map(comparable).sort(), table).toEqual(expected)
          expect(move.stdout, table).toMatch(
            new RegExp(`  ${table} +${expected.length.toLocaleString('en')} rows `),
          )
          if (expected.length > 0) filled.push(table)
        }
        // The data reached every kind of table this test means to carry over.
        expect(filled).toEqual(
          expect.arrayContaining([
            'state',
            'mission_version',
            'letter',
            'letter_pdf',
            'outbox_message',
            'delivery_attempt',
            'state_letter_stats',
            'engagement',
            'state_position',
            'member',
            'partner',
            'organizer',
            'organizer_session',
            'audit_event',
          ]),
        )
        const { rows: migrations } = await client.query<{ name: string }>(
          `select name from ${DEFAULT_MIGRATION_TABLE} order by name`,
        )
        expect(migrations.map((row) => row.name)).toEqual([...knownMigrationNames])
      })
    } finally {
      source.close()
    }
    expect(move.stdout).toMatch(/Moved [\d,]+ rows in \d+ tables in [\d.]+ s: every table holds as many rows/)
    expect(move.stdout).toContain(`last migration   ${knownMigrationNames.at(-1)}`)
  })

  it('serves the same coverage on PostgreSQL, and takes the next letter with the next id, counted once', async () => {
    const { app } = await buildTestApp({ env: { DATABASE_URL: target } })
    expect((await app.inject({ method: 'GET', url: '/api/coverage' })).json()).toEqual(sqliteCoverage)
    const written = () =>
      onPostgres(target, async (client) => {
        const { rows } = await client.query<{ written: number; max: number }>(
          `select (select written from state_letter_stats where state_iso3 = 'EGY') as written,
                  (select max(id) from letter) as max`,
        )
        return rows[0]!
      })
    const before = await written()
    const answer = await app.inject({
      method: 'POST',
      url: '/api/letters',
      payload: { state: 'EGY', language: 'ar', supporter: { name: 'بعد النقل', country: 'EG' } },
    })
    expect(answer.statusCode).toBe(201)
    const after = await written()
    expect(after).toEqual({ written: before.written + 1, max: before.max + 1 })
  }, 60_000)

  it('refuses a database that is not empty, changing nothing', async () => {
    const letters = () =>
      onPostgres(
        target,
        async (client) => (await client.query('select public_id from letter order by 1')).rows,
      )
    const before = await letters()
    const again = await runDbScript('migrate-to-postgres', target, '--from', sqliteFile)
    expect(again.status).toBe(1)
    expect(again.stderr).toMatch(
      /is not empty \(.*letter: \d+ rows.*\): the move goes into an empty database only/,
    )
    expect(again.stderr).not.toMatch(/\n\s+at /)
    expect(await letters()).toEqual(before)
  }, 30_000)

  it('refuses an SQLite file at an older or a newer migration, or no SQLite file, leaving the target empty', async () => {
    const empty = await emptyDatabase()
    const older = file('older.sqlite')
    const db = openDatabase(older)
    await migrateTo(db, '0016-outbox-sending')
    await db.destroy()
    const refusal = (from: string) =>
      moveSqliteToPostgres(from, empty).then(
        () => null,
        (error: unknown) => error,
      )
    const olderError = await refusal(older)
    expect(olderError).toBeInstanceOf(BackupError)
    expect((olderError as Error).message).toMatch(
      new RegExp(
        `older\\.sqlite is at migration 0016-outbox-sending, older than this code's ${knownMigrationNames.at(-1)}: start the service once on it with SQLite`,
      ),
    )
    const newer = file('newer.sqlite')
    await backupDatabase(sqliteFile, newer)
    const write = new SQLite(newer)
    write
      .prepare(`insert into ${DEFAULT_MIGRATION_TABLE} values ('9999-from-the-future', '2027-01-01')`)
      .run()
    write.close()
    expect(((await refusal(newer)) as Error).message).toMatch(
      /newer\.sqlite comes from a newer version of code-blue-letters \(its last migration, 9999-from-the-future/,
    )
    fs.writeFileSync(file('notes.txt'), 'not a database')
    expect(((await refusal(file('notes.txt'))) as Error).message).toMatch(
      /notes\.txt is not an SQLite database/,
    )
    expect(await onPostgres(empty, publicTables)).toEqual([])
  }, 30_000)

  it('leaves PostgreSQL without a row when a table fails to copy, and moves once the cause is gone', async () => {
    const broken = file('broken.sqlite')
    // A whole copy of the live file (its -wal included), as db:backup makes it.
    await backupDatabase(sqliteFile, broken)
    const write = new SQLite(broken)
    // SQLite keeps a NUL character in text; PostgreSQL refuses it: the copy fails part-way.
    write
      .prepare('update audit_event set summary = ? where id = (select max(id) from audit_event)')
      .run('cut\u0000here')
    write.close()
    const empty = await emptyDatabase()
    const error = await moveSqliteToPostgres(broken, empty).catch((e: unknown) => e)
    expect((error as Error).message).toMatch(
      /^Copying audit_event failed, and PostgreSQL was left as it was: /,
    )
    const counts = await onPostgres(empty, async (client) => {
      const tables = await tablesInDependencyOrder(client)
      const { rows } = await client.query<{ table: string; n: number }>(
        tables
          .map((table) => `select '${table}' as table, count(*)::int as n from ${quoteIdentifier(table)}`)
          .join(' union all '),
      )
      return rows
    })
    // As the migrations left it: no row but the first ask they write (migration 0019) and its
    // title and purpose in five languages (0025).
    expect(counts.filter((c) => c.n > 0)).toEqual([
      { table: 'ask', n: 1 },
      { table: 'ask_text', n: 5 },
    ])
    expect(counts.length).toBeGreaterThan(20)
    // The migrated, empty database is taken as empty: the move runs again once the row is mended.
    const mend = new SQLite(broken)
    mend.prepare("update audit_event set summary = 'mended' where summary like 'cut%'").run()
    mend.close()
    const report = await moveSqliteToPostgres(broken, empty)
    expect(report.tables.find((table) => table.table === 'letter')?.rows).toBe(LETTERS.length + 2)
  }, 60_000)
})
