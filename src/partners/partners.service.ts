import type { AppContext } from '../app-context.js'
import type { Database } from '../db/connection.js'
import type { PartnerRow } from '../db/schema.js'
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors.js'
import type { FieldErrors } from '../lib/form-fields.js'
import { type Actor, recordAudit } from '../organizers/index.js'
import { type PartnerInput, parsePartnerInput } from './partner-input.js'
import * as repo from './partners.repository.js'

// The campaign's partners, kept by organizers in the browser: each a name, the source code its
// links carry (`?source=amnesty-ke`), and a website. Every change is audited in its transaction.
// Letters and members keep the code they came with: removing a partner, or changing its code,
// leaves their figures under that code (shown as a code no partner has).

type Ctx = Pick<AppContext, 'db' | 'clock'>

/** A partner as organizers see it. */
export interface PartnerView {
  id: number
  name: string
  code: string
  website: string | null
  createdAt: string
  updatedAt: string
}

/** The code is another partner's already: a 409, naming the field. */
export class PartnerCodeTakenError extends ConflictError {
  readonly field = 'code'
  readonly errors: FieldErrors

  constructor(code: string, partnerName: string) {
    const message = `The code “${code}” is already used by the partner “${partnerName}”: each partner needs a code of its own.`
    super(message)
    this.errors = { code: message }
  }
}

/** Every partner, by name. */
export async function listPartners(ctx: Pick<AppContext, 'db'>): Promise<PartnerView[]> {
  return (await repo.listPartnerRows(ctx.db)).map(toView)
}

/** One partner; 404 if there is none with this id. */
export async function getPartner(ctx: Pick<AppContext, 'db'>, id: number): Promise<PartnerView> {
  return toView(await requirePartner(ctx.db, id))
}

/** Adds a partner from the form's fields (name, code, website); 400 naming each field at fault, 409 for a code in use. */
export async function addPartner(ctx: Ctx, actor: Actor, raw: unknown): Promise<PartnerView> {
  const input = parseOrThrow(raw)
  const now = ctx.clock.nowIso()
  const row = await ctx.db.transaction().execute(async (trx) => {
    await assertCodeFree(trx, input.code)
    const row = await insertOrConflict(trx, input, now)
    await recordAudit(trx, actor, now, {
      action: 'partner.add',
      subjectType: 'partner',
      subjectId: String(row.id),
      summary: `Added the partner “${row.name}” (source code ${row.code})`,
      details: { name: row.name, code: row.code, website: row.website },
    })
    return row
  })
  return toView(row)
}

/** Changes a partner's name, code or website; audited with what it was before. */
export async function editPartner(ctx: Ctx, actor: Actor, id: number, raw: unknown): Promise<PartnerView> {
  const input = parseOrThrow(raw)
  const now = ctx.clock.nowIso()
  const row = await ctx.db.transaction().execute(async (trx) => {
    const before = await requirePartner(trx, id)
    await assertCodeFree(trx, input.code, id)
    const after = await withConflict(input.code, () =>
      repo.updatePartner(trx, id, {
        name: input.name,
        code: input.code,
        website: input.website,
        updated_at: now,
      }),
    )
    await recordAudit(trx, actor, now, {
      action: 'partner.edit',
      subjectType: 'partner',
      subjectId: String(id),
      summary: `Edited the partner “${after.name}” (source code ${after.code})`,
      details: {
        before: { name: before.name, code: before.code, website: before.website },
        after: { name: after.name, code: after.code, website: after.website },
      },
    })
    return after
  })
  return toView(row)
}

/** Removes a partner; its letters and members keep their source code. Audited. */
export async function removePartner(ctx: Ctx, actor: Actor, id: number): Promise<PartnerView> {
  const now = ctx.clock.nowIso()
  const row = await ctx.db.transaction().execute(async (trx) => {
    const row = await requirePartner(trx, id)
    await repo.deletePartner(trx, id)
    await recordAudit(trx, actor, now, {
      action: 'partner.remove',
      subjectType: 'partner',
      subjectId: String(id),
      summary: `Removed the partner “${row.name}” (source code ${row.code})`,
      details: { name: row.name, code: row.code, website: row.website },
    })
    return row
  })
  return toView(row)
}

function parseOrThrow(raw: unknown): PartnerInput {
  const parsed = parsePartnerInput(raw)
  if ('errors' in parsed) throw new ValidationError(parsed.errors, 'The partner was not saved.')
  return parsed.input
}

async function requirePartner(db: Database, id: number): Promise<PartnerRow> {
  const row = await repo.findPartnerById(db, id)
  if (!row) throw new NotFoundError('There is no such partner: it may have been removed.')
  return row
}

async function assertCodeFree(db: Database, code: string, exceptId?: number): Promise<void> {
  const holder = await repo.findPartnerByCode(db, code)
  if (holder && holder.id !== exceptId) throw new PartnerCodeTakenError(code, holder.name)
}

function insertOrConflict(db: Database, input: PartnerInput, now: string): Promise<PartnerRow> {
  return withConflict(input.code, () =>
    repo.insertPartner(db, { ...input, created_at: now, updated_at: now }),
  )
}

/** The unique index's refusal, should another write slip in between the check and the write. */
async function withConflict<T>(code: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write()
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE')
      throw new PartnerCodeTakenError(code, 'another partner')
    throw error
  }
}

function toView(row: PartnerRow): PartnerView {
  return {
    id: row.id,
    name: row.name,
    code: row.code,
    website: row.website,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}
