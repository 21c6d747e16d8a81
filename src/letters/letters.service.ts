import type { AppContext } from '../app-context.js'
import { currentAskIdFor } from '../asks/index.js'
import type { LetterRow } from '../db/schema.js'
import type { StateDto } from '../directory/index.js'
import { getStateForLetters, listStates, type StateTag } from '../directory/index.js'
import type { SiteLanguage, Translate } from '../i18n/index.js'
import { NotFoundError, ValidationError } from '../lib/errors.js'
import { hashToken, newPublicId, newReferenceCode } from '../lib/tokens.js'
import {
  type AddresseeSnapshot,
  composeLetter,
  defaultLanguage,
  defaultPaperSize,
  snapshotAddressee,
} from './letter-compose.js'
import type { LetterDocument } from './letter-document.js'
import {
  type FieldErrors,
  type InputNotice,
  type LetterInput,
  parseLetterInput,
  type SupporterInput,
} from './letter-input.js'
import { addresseeOf, letterDocumentOf, supporterAddressLinesOf } from './letter-read-model.js'
import { foldEmail } from './letter-redaction.js'
import { isEditable } from './letter-states.js'
import { type ResolvedTemplate, resolveLetterTemplate } from './letter-template-versions.service.js'
import type { LetterTemplate } from './letter-templates.js'
import * as repo from './letters.repository.js'

type Ctx = Pick<AppContext, 'db' | 'clock' | 'config'>

export const DEFAULT_TEMPLATE = 'supporter'

/** A letter as its writer sees it (the e-mail address is never shown back). */
export interface LetterView {
  id: string
  reference: string
  state: { iso3: string; name: string }
  template: string
  language: LetterDocument['language']
  paperSize: LetterDocument['paperSize']
  status: string
  /** Whether its writer may still change it (not yet on its way by e-mail). */
  editable: boolean
  /** Whether the letter carries the mission's street address: a letter without one is not printed. */
  printable: boolean
  supporter: Omit<SupporterInput, 'email'>
  personalNote: string | null
  /** How the letter travels by e-mail (no addresses: they are not shown back). */
  delivery: { channel: 'email' | null; confirmedAt: string | null; sentAt: string | null }
  addressee: AddresseeSnapshot
  document: LetterDocument
  createdAt: string
  updatedAt: string
}

/**
 * A letter just written or rewritten, with what its input check set aside rather than refused (a
 * `source` code that is not valid: `{ field: 'source', message }`), for the page to tell the writer.
 */
export interface WrittenLetter extends LetterView {
  notices: InputNotice[]
}

/**
 * Writes a new letter from a supporter's request (`state` is the ISO alpha-3 code written to);
 * throws a ValidationError naming every field at fault, the state among them. A valid `source`
 * is stored with it; one that is not valid is dropped, never an error (see `notices`).
 */
export async function createLetter(
  ctx: Ctx,
  raw: unknown,
  options: {
    allowCampaign?: boolean
    draftTokenHash?: string
    t?: Translate
    /** The site's language the writer used: their e-mails are written in it. */
    siteLanguage?: SiteLanguage
  } = {},
): Promise<WrittenLetter> {
  const parsed = parseLetterInput(raw, options.t)
  const errors: FieldErrors = 'errors' in parsed ? { ...parsed.errors } : {}
  const found = await findStateOrError(ctx, (raw as { state?: unknown } | null)?.state, errors)
  if (!found || 'errors' in parsed || Object.keys(errors).length > 0) throw new ValidationError(errors)
  const { state, missionVersionId, tags } = found
  const input = parsed.input
  // Written within the newest running ask aimed at the state, else the first ask (asks/), with
  // that ask's published template (else the first ask's).
  const askId = await currentAskIdFor(ctx, state.iso3)
  const template = await chooseTemplate(ctx, askId, input, state, options.allowCampaign === true)
  const now = ctx.clock.nowIso()
  const row = await ctx.db.transaction().execute(async (trx) => {
    const reference = await uniqueReference(trx)
    const previous = await previousLetter(trx, template, state.iso3, input)
    const document = compose(ctx, { template, state, tags, input, reference, now, previous })
    return repo.insertLetter(trx, {
      public_id: newPublicId(),
      reference,
      state_iso3: state.iso3,
      template_id: template.id,
      language: template.language,
      paper_size: document.paperSize,
      status: 'draft',
      ...supporterColumns(input),
      addressee: JSON.stringify(snapshotAddressee(state)),
      document: JSON.stringify(document),
      mission_version_id: missionVersionId,
      printed_at: null,
      draft_token_hash: options.draftTokenHash ?? null,
      site_language: options.siteLanguage ?? 'en',
      source: input.source,
      ask_id: askId,
      created_at: now,
      updated_at: now,
      template_version_id: template.versionId,
    })
  })
  return { ...toView(row), notices: input.notices }
}

/**
 * Rewrites a draft with new input, keeping its id and reference. The addressee is taken afresh
 * from the directory: an edit is a new writing of the letter. From a browser that does not hold
 * the draft's secret (`draftSecret`), the form did not show the e-mail address: left blank, the
 * address stays as it was. The source the letter was first written from stays; a letter written
 * without one takes the edit's valid `source`.
 */
export async function updateLetter(
  ctx: Ctx,
  publicId: string,
  raw: unknown,
  draftSecret?: string,
  t?: Translate,
): Promise<WrittenLetter> {
  const existing = await requireLetter(ctx, publicId)
  if (existing.status !== 'draft')
    throw new ValidationError({ letter: 'This letter has been sent and can no longer be changed.' })
  const { state, missionVersionId, tags } = await getStateForLetters(ctx, existing.state_iso3)
  const typed = parseOrThrow(raw, t)
  const input =
    typed.supporter.email || holdsDraft(existing, draftSecret)
      ? typed
      : { ...typed, supporter: { ...typed.supporter, email: existing.supporter_email } }
  // Rewritten with the template its ask publishes now: the document is written afresh.
  const template = await chooseTemplate(ctx, existing.ask_id, input, state, false)
  const now = ctx.clock.nowIso()
  const previous = await previousLetter(ctx.db, template, state.iso3, input, existing)
  const document = compose(ctx, {
    template,
    state,
    tags,
    input,
    reference: existing.reference,
    now,
    previous,
  })
  const row = await repo.updateLetter(ctx.db, existing.id, {
    template_id: template.id,
    language: template.language,
    paper_size: document.paperSize,
    ...supporterColumns(input),
    addressee: JSON.stringify(snapshotAddressee(state)),
    document: JSON.stringify(document),
    mission_version_id: missionVersionId,
    source: existing.source ?? input.source,
    updated_at: now,
    template_version_id: template.versionId,
  })
  return { ...toView(row), notices: input.notices }
}

export async function getLetter(ctx: Ctx, publicId: string): Promise<LetterView> {
  return toView(await requireLetter(ctx, publicId))
}

/**
 * The input a letter was written from, to fill the edit form again (with its e-mail), and the
 * source it came from (for a membership asked for with it: joinFromLetter's `source`).
 */
export async function getLetterInput(
  ctx: Ctx,
  publicId: string,
): Promise<{ view: LetterView; email: string | null; source: string | null }> {
  const row = await requireLetter(ctx, publicId)
  return { view: toView(row), email: row.supporter_email, source: row.source }
}

/**
 * The letter to fill the edit form with. Its e-mail address only while it is a draft, and only
 * for the browser holding the draft's secret: anyone else with the letter's link sees none.
 */
export async function getLetterForEdit(
  ctx: Ctx,
  publicId: string,
  draftSecret: string | undefined,
): Promise<{ view: LetterView; email: string | null; emailHidden: boolean }> {
  const row = await requireLetter(ctx, publicId)
  const shown = holdsDraft(row, draftSecret)
  return {
    view: toView(row),
    email: shown ? row.supporter_email : null,
    emailHidden: !shown && row.status === 'draft' && row.supporter_email !== null,
  }
}

/** Whether `draftSecret` is that of the draft at `publicId`, written to `iso3`, still a draft. */
export async function isOwnDraft(
  ctx: Ctx,
  publicId: string,
  iso3: string,
  draftSecret: string,
): Promise<boolean> {
  const row = await repo.findLetterByPublicId(ctx.db, publicId)
  return row !== undefined && row.state_iso3 === iso3 && holdsDraft(row, draftSecret)
}

function holdsDraft(row: LetterRow, draftSecret: string | undefined): boolean {
  return (
    row.status === 'draft' &&
    row.draft_token_hash !== null &&
    draftSecret !== undefined &&
    hashToken(draftSecret) === row.draft_token_hash
  )
}

/** Records that the letter was printed (downloaded as PDF); the first time counts. */
export async function markLetterPrinted(ctx: Ctx, publicId: string): Promise<void> {
  const row = await requireLetter(ctx, publicId)
  await repo.markPrinted(ctx.db, row.id, ctx.clock.nowIso())
}

/**
 * A member state that needs letters: drawn at random, each weighted by 1 / (1 + letters)²,
 * so states with none are four times as likely as those with one, nine times as those with two.
 */
export async function suggestState(ctx: Ctx, random: () => number = Math.random): Promise<StateDto> {
  const [{ states }, counts] = await Promise.all([
    listStates(ctx, { membership: 'member' }),
    repo.countLettersByState(ctx.db),
  ])
  const weights = states.map((s) => 1 / (1 + (counts.get(s.iso3) ?? 0)) ** 2)
  let pick = random() * weights.reduce((a, b) => a + b, 0)
  for (let i = 0; i < states.length; i++) {
    pick -= weights[i]!
    if (pick < 0) return states[i]!
  }
  return states[states.length - 1]!
}

interface ComposeParts {
  template: LetterTemplate
  state: StateDto
  tags: StateTag[]
  input: LetterInput
  reference: string
  now: string
  previous: { reference: string; createdAt: string } | null
}

function compose(ctx: Ctx, parts: ComposeParts): LetterDocument {
  return composeLetter({
    template: parts.template,
    state: parts.state,
    tags: parts.tags,
    supporter: parts.input.supporter,
    personalNote: parts.input.personalNote,
    paperSize: parts.input.paperSize ?? defaultPaperSize(parts.input.supporter.country),
    reference: parts.reference,
    now: parts.now,
    campaign: ctx.config.campaign,
    previous: parts.previous,
  })
}

/** The composition of a letter not stored: the write form's preview (letter-draft-preview.ts). */
export const composeDraft = compose

async function findStateOrError(ctx: Ctx, value: unknown, errors: FieldErrors) {
  const iso3 = typeof value === 'string' ? value.trim().toUpperCase() : ''
  if (!/^[A-Z]{3}$/.test(iso3)) {
    errors.state = 'Choose the state to write to (its ISO alpha-3 code, such as FRA).'
    return null
  }
  try {
    return await getStateForLetters(ctx, iso3)
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error
    errors.state = `No UN member or observer state has the code ${iso3}.`
    return null
  }
}

function parseOrThrow(raw: unknown, t?: Translate): LetterInput {
  const parsed = parseLetterInput(raw, t)
  if ('errors' in parsed) throw new ValidationError(parsed.errors)
  return parsed.input
}

/**
 * The template asked for (the supporter's letter by default) in the language asked for (the
 * mission's), as the ask `askId` publishes it (else the first ask).
 */
export async function chooseTemplate(
  ctx: Ctx,
  askId: number | null,
  input: LetterInput,
  state: StateDto,
  allowCampaign: boolean,
): Promise<ResolvedTemplate> {
  const id = input.templateId ?? DEFAULT_TEMPLATE
  const language = input.language ?? defaultLanguage(state)
  const errors: FieldErrors = {}
  const template = await resolveLetterTemplate(ctx, askId, id, language)
  if (!template && !(await resolveLetterTemplate(ctx, askId, id, 'en')))
    errors.template = `There is no letter template "${id}".`
  else if (!template) errors.language = `The template "${id}" is not written in this language.`
  else if (template.audience === 'campaign' && !allowCampaign) {
    errors.template =
      "This template is the campaign's own letter; choose the supporter or organization letter."
  } else {
    for (const field of template.requiredFields) {
      const name = field.replace(/^supporter\./, '') as keyof LetterInput['supporter']
      if (field.startsWith('supporter.') && !input.supporter[name]) {
        errors[field] =
          field === 'supporter.organization'
            ? 'A letter from an organization needs its name.'
            : 'This field is required.'
      }
    }
  }
  if (Object.keys(errors).length > 0 || !template) throw new ValidationError(errors)
  return template
}

/**
 * The supporter's latest earlier letter to the same state, for a follow-up to cite: any template
 * (an earlier follow-up too) and any language, draft or sent, found by the writer's e-mail address
 * whatever its case. `rewriting`, the follow-up being rewritten: only letters written before it.
 */
async function previousLetter(
  db: Ctx['db'],
  template: LetterTemplate,
  iso3: string,
  input: LetterInput,
  rewriting?: LetterRow,
) {
  if (template.id !== 'follow-up' || !input.supporter.email) return null
  const before = rewriting ? { id: rewriting.id, createdAt: rewriting.created_at } : undefined
  const earlier = await repo.findLatestLetterFrom(db, iso3, foldEmail(input.supporter.email), before)
  return earlier ? { reference: earlier.reference, createdAt: earlier.created_at } : null
}

async function uniqueReference(db: Ctx['db']): Promise<string> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const reference = newReferenceCode()
    if (!(await repo.referenceExists(db, reference))) return reference
  }
  throw new Error('could not draw an unused reference code in 10 attempts')
}

async function requireLetter(ctx: Ctx, publicId: string): Promise<LetterRow> {
  const row = await repo.findLetterByPublicId(ctx.db, publicId)
  if (!row) throw new NotFoundError('There is no letter at this address.')
  return row
}

function supporterColumns(input: LetterInput) {
  return {
    supporter_name: input.supporter.name,
    supporter_organization: input.supporter.organization,
    supporter_role: input.supporter.role,
    supporter_address_lines: JSON.stringify(input.supporter.addressLines),
    supporter_city: input.supporter.city,
    supporter_country: input.supporter.country,
    supporter_email: input.supporter.email,
    personal_note: input.personalNote,
  }
}

export function toView(row: LetterRow): LetterView {
  const addressee = addresseeOf(row)
  return {
    id: row.public_id,
    reference: row.reference,
    state: { iso3: row.state_iso3, name: addressee.stateName },
    template: row.template_id,
    language: row.language,
    paperSize: row.paper_size,
    status: row.status,
    editable: isEditable(row.status),
    printable: addressee.addressLines.length > 0,
    supporter: {
      name: row.supporter_name,
      organization: row.supporter_organization,
      role: row.supporter_role,
      addressLines: supporterAddressLinesOf(row),
      city: row.supporter_city,
      country: row.supporter_country,
    },
    personalNote: row.personal_note,
    delivery: { channel: row.channel, confirmedAt: row.confirmed_at, sentAt: row.sent_at },
    addressee,
    document: letterDocumentOf(row),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}
