import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { pino } from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { type AppContext, createContext } from '../../src/context.js'
import { listAuditEvents } from '../../src/organizers/audit.repository.js'
import { confirmedLetter, FRANCE_EMAIL, transportFor } from '../delivery/delivery-helpers.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { createOrganizer } from '../helpers/organizer-session.js'
import { createTestDatabase, referenceFile } from '../helpers/test-context.js'

// Issue 18, item 6: what the commands change is in the audit log, under the organizer `--as`
// names (marked "(command line)") or "command line": a Blue Book import, the mailing
// (letters:print --campaign) and settling a delivery (outbox:resolve). Each script runs as an
// organizer would run it, on a database of its own (PostgreSQL under TEST_ENGINE=postgres).

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const TSX = path.join(ROOT, 'node_modules/.bin/tsx')
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-cli-audit-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))
const database = await createTestDatabase(path.join(tmp, 'cli.sqlite'))
const env = { ...database.env, OUTBOX_DIR: path.join(tmp, 'outbox'), LOG_LEVEL: 'silent' }

function run(script: string, ...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      [`scripts/${script}`, ...args],
      { cwd: ROOT, env: { ...process.env, ...env } },
      (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    )
  })
}

/** A context on the scripts' database, opened for one step and closed (the scripts open their own). */
async function withContext<T>(work: (ctx: AppContext) => Promise<T>): Promise<T> {
  const ctx = await createContext(loadConfig(env), { log: pino({ level: 'silent' }) })
  try {
    return await work(ctx)
  } finally {
    await ctx.close()
  }
}

const { organizer, email } = await withContext(async (ctx) => {
  const { organizer } = await createOrganizer(ctx, { role: 'coordinator', name: 'Ines Coordinator' })
  const row = await ctx.db
    .selectFrom('organizer')
    .select('email')
    .where('id', '=', organizer.id)
    .executeTakeFirstOrThrow()
  return { organizer, email: row.email }
})
const audit = (action: string) =>
  withContext(async (ctx) =>
    (await listAuditEvents(ctx.db, { limit: 1000 })).filter((e) => e.action === action),
  )

describe('command-line actions in the audit log', () => {
  it('outbox:resolve without --as: under "command line", with the check; the letter is queued again', {
    timeout: 60_000,
  }, async () => {
    const { reference, outboxId } = await withContext(async (ctx) => {
      await setMission(ctx, 'FRA', { ...FRANCE, emails: [FRANCE_EMAIL] })
      const transport = transportFor(ctx)
      try {
        const { id } = await confirmedLetter(ctx, transport)
        const letter = await ctx.db
          .selectFrom('letter')
          .select(['reference', 'outbox_id'])
          .where('public_id', '=', id)
          .executeTakeFirstOrThrow()
        // The mail server refused it for good: the message and its letter fail.
        await ctx.db
          .updateTable('outbox_message')
          .set({ status: 'failed' })
          .where('id', '=', letter.outbox_id!)
          .execute()
        await ctx.db.updateTable('letter').set({ status: 'failed' }).where('public_id', '=', id).execute()
        return { reference: letter.reference, outboxId: letter.outbox_id! }
      } finally {
        transport.close()
      }
    })
    const unknown = await run('outbox-resolve.ts', reference, '--resend', '--as', 'nobody@example.org')
    expect(unknown.status).toBe(1)
    expect(unknown.stderr.trim()).toBe(
      '--as nobody@example.org: no organizer account has this e-mail address.',
    )
    expect(await audit('delivery.resolve_resend')).toEqual([])

    const result = await run(
      'outbox-resolve.ts',
      reference,
      '--resend',
      '--how',
      'phone',
      '--found',
      'Not received, said the registry',
    )
    expect(result.stderr).toBe('')
    expect(result.stdout).toContain(`${reference}: queued to be sent again`)
    const [row] = await audit('delivery.resolve_resend')
    expect(row).toMatchObject({ actor_label: 'command line', organizer_id: null, subject_id: reference })
    expect(JSON.parse(row!.details)).toMatchObject({
      was: 'failed',
      check: { checkedBy: 'command line', how: 'phone', found: 'Not received, said the registry' },
    })
    const status = await withContext(
      async (ctx) =>
        (
          await ctx.db
            .selectFrom('outbox_message')
            .select('status')
            .where('id', '=', outboxId)
            .executeTakeFirstOrThrow()
        ).status,
    )
    expect(status).toBe('queued')
  })

  it('letters:print --campaign --as EMAIL: the letters written and the printing, under that organizer', {
    timeout: 180_000,
  }, async () => {
    const out = path.join(tmp, 'mailing.pdf')
    const result = await run(
      'letters-print.ts',
      '--campaign',
      '--state',
      'FRA,KEN',
      '--as',
      email,
      '--out',
      out,
    )
    expect(result.stderr).not.toMatch(/error/i)
    expect(result.status).toBe(0)
    const [written] = await audit('letters.campaign_write')
    expect(written).toMatchObject({
      organizer_id: organizer.id,
      actor_label: 'Ines Coordinator (command line)',
    })
    expect(JSON.parse(written!.details).written).toBeGreaterThan(190)
    const [printed] = await audit('export.letters_print')
    expect(printed).toMatchObject({
      organizer_id: organizer.id,
      actor_label: 'Ines Coordinator (command line)',
    })
    expect(JSON.parse(printed!.details)).toMatchObject({
      rows: 2,
      filter: { iso3s: ['FRA', 'KEN'], templateId: 'campaign' },
    })
  })

  const ref = referenceFile('un-bluebook-2024-12-18.json')
  it.skipIf(!ref.file)(
    'directory:import: the import, under "command line" (a dry run writes no row)',
    { timeout: 120_000 },
    async () => {
      const dry = await run('directory-import.ts', ref.file!, '--dry-run')
      expect(dry.status).toBe(0)
      expect(await audit('directory.import')).toEqual([])
      const real = await run('directory-import.ts', ref.file!)
      expect(real.status).toBe(0)
      const rows = await audit('directory.import')
      expect(rows).toHaveLength(1)
      expect(rows[0]).toMatchObject({ actor_label: 'command line', subject_type: 'directory_import' })
      expect(JSON.parse(rows[0]!.details).sha256).toMatch(/^[0-9a-f]{64}$/)
    },
  )
})
