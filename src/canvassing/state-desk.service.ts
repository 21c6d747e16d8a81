import type { AppContext } from '../app-context.js'
import type { StateLetterStatsRow, StateTagName } from '../db/schema.js'
import type { StateDto } from '../directory/index.js'
import { getStateForLetters } from '../directory/index.js'
import { canMarkPrintedDelivered } from '../letters/index.js'
import { NotFoundError } from '../lib/errors.js'
import { type Actor, recordExport } from '../organizers/index.js'
import { getCoverage, type LetterCounts, type StateCoverage } from './coverage.service.js'
import {
  type EngagementDto,
  listEngagements,
  type PositionDto,
  positionHistory,
} from './engagements.service.js'
import { listStateReplies, type MissionReplyDto } from './mission-replies.service.js'
import * as repo from './state-desk.repository.js'

// What organizers see of one state on its page and in its dossier, gathered in one place. The
// coverage status is coverage.service's own row for the state: its rules are never restated here.

type Ctx = Pick<AppContext, 'db' | 'clock'>

export const LETTERS_PER_PAGE = 50
/** An organizers' log longer than this is cut short in the dossier (and says so). */
export const DOSSIER_ENGAGEMENTS = 2000
/** How many of the latest letters the dossier lists. */
export const DOSSIER_LETTERS = 40

export const STATE_TAG_LABELS: Record<StateTagName, string> = {
  troop_contributor: 'Troop contributor',
  police_contributor: 'Police contributor',
  peacekeeping_host: 'Hosts a peacekeeping mission',
}

const LETTER_STATUS_LABELS: Record<string, string> = {
  draft: 'Draft',
  awaiting_confirmation: 'Awaiting confirmation',
  queued: 'Queued for e-mail',
  sending: 'Sending',
  sent: 'Delivered by e-mail',
  failed: 'E-mail failed',
  expired: 'Confirmation expired',
  uncertain: 'E-mail uncertain',
  held: 'Held for review',
  rejected: 'Refused at review',
}

/** A letter in the organizers' list: its writer's name is shown to organizers only. */
export interface DeskLetter {
  publicId: string
  reference: string
  createdAt: string
  template: string
  language: 'en' | 'fr' | 'es' | 'ar' | 'zh' | 'ru'
  status: string
  channel: 'email' | null
  printedAt: string | null
  printedDeliveredAt: string | null
  sentAt: string | null
  supporterName: string
  supporterOrganization: string | null
  /** How far it got, in words: "Delivered by hand", "Printed, not yet delivered", "Queued for e-mail"... */
  statusLabel: string
  /** When it was delivered (by hand or e-mail), else null. */
  deliveredAt: string | null
  /** Printed and not yet delivered: the page offers "Mark delivered". */
  canMarkDelivered: boolean
  /** Marked delivered on paper: the page offers to undo it or change its day. */
  canCorrectDelivery: boolean
}

export interface DeskLetterCounts extends LetterCounts {
  firstDeliveredAt: string | null
  lastDeliveredAt: string | null
  /** Writers asked "did the mission reply?", and their latest answers (kept by triggers). */
  replies: { asked: number; replied: number; acknowledged: number; noReply: number }
}

interface StateBasics {
  state: StateDto
  tags: { tag: StateTagName; label: string; note: string | null }[]
  /** The state's coverage row; null for an observer state, which coverage does not count. */
  coverage: StateCoverage | null
  counts: DeskLetterCounts
  engagements: EngagementDto[]
  /** Every recorded position, the current one first. */
  positions: PositionDto[]
}

export interface StateDesk extends StateBasics {
  letters: { items: DeskLetter[]; page: number; pages: number; total: number; perPage: number }
}

export interface StateDossier extends StateBasics {
  latestLetters: DeskLetter[]
  /**
   * The mission's replies on record (not withdrawn), newest first: when and how each came, what it
   * says, the position it states, the letters it answers (by reference) and its file, if any.
   * @NOTE never their letters' writers: a reply holds only the references.
   */
  replies: MissionReplyDto[]
  generatedAt: string
  /**
   * The hand-over version: no supporter's personal data (names, organizations, addresses,
   * e-mails, paragraphs) and none of the organizers' own words or names, which may quote people.
   */
  handOver: boolean
}

/** The organizers' page of a state: `page` (from 1) of its letters, newest first. */
export async function getStateDesk(ctx: Ctx, iso3: string, page = 1): Promise<StateDesk> {
  const basics = await getBasics(ctx, iso3)
  const total = basics.counts.written
  const pages = Math.max(1, Math.ceil(total / LETTERS_PER_PAGE))
  if (!Number.isInteger(page) || page < 1 || page > pages) {
    throw new NotFoundError(
      `There is no page ${page} of letters: ${basics.state.name}'s letters fill ${pages} ${pages === 1 ? 'page' : 'pages'}.`,
    )
  }
  const rows =
    total === 0
      ? []
      : await repo.findStateLettersPage(ctx.db, basics.state.iso3, {
          limit: LETTERS_PER_PAGE,
          offset: (page - 1) * LETTERS_PER_PAGE,
        })
  return {
    ...basics,
    letters: { items: rows.map(toDeskLetter), page, pages, total, perPage: LETTERS_PER_PAGE },
  }
}

/**
 * What the dossier PDF holds: the page's facts and the latest letters. It names supporters, so
 * each one made for `actor` is written to the audit log (with how many letters it lists).
 */
export async function getStateDossier(ctx: Ctx, iso3: string, actor: Actor): Promise<StateDossier> {
  const basics = await getBasics(ctx, iso3)
  const [rows, organizersLog, replies] = await Promise.all([
    repo.findStateLettersPage(ctx.db, basics.state.iso3, { limit: DOSSIER_LETTERS, offset: 0 }),
    // Organizers' own entries only, however many supporters' answers came after them.
    listEngagements(ctx, basics.state.iso3, { source: 'organizer', limit: DOSSIER_ENGAGEMENTS }),
    listStateReplies(ctx, basics.state.iso3),
  ])
  await recordExport(ctx.db, actor, ctx.clock.nowIso(), {
    what: 'dossier',
    subjectType: 'state',
    subjectId: basics.state.iso3,
    summary: `Downloaded the dossier of ${basics.state.name}: ${rows.length} ${rows.length === 1 ? 'letter' : 'letters'} with their writers' names`,
    rows: rows.length,
  })
  return {
    ...basics,
    // What is on record now: a withdrawn entry stays on the desk, struck out, not in a dossier.
    engagements: organizersLog.filter((e) => !e.withdrawn),
    positions: basics.positions.filter((p) => !p.withdrawn),
    latestLetters: rows.map(toDeskLetter),
    replies: replies.filter((r) => !r.withdrawn),
    generatedAt: ctx.clock.nowIso(),
    handOver: false,
  }
}

/**
 * The dossier to hand over (to a partner, a delegation): the same facts with no supporter's
 * personal data. @NOTE emptied here, before the PDF is drawn, so no layout can print what it does
 * not receive. Contacts keep their kind and day, positions their value and day; the organizers'
 * texts, notes and names are left out, as they may quote or name people. Audited as an export.
 */
export async function getStateHandOverDossier(ctx: Ctx, iso3: string, actor: Actor): Promise<StateDossier> {
  const basics = await getBasics(ctx, iso3)
  const [rows, organizersLog, replies] = await Promise.all([
    repo.findStateLettersPage(ctx.db, basics.state.iso3, { limit: DOSSIER_LETTERS, offset: 0 }),
    listEngagements(ctx, basics.state.iso3, { source: 'organizer', limit: DOSSIER_ENGAGEMENTS }),
    listStateReplies(ctx, basics.state.iso3),
  ])
  await recordExport(ctx.db, actor, ctx.clock.nowIso(), {
    what: 'dossier_handover',
    subjectType: 'state',
    subjectId: basics.state.iso3,
    summary: `Downloaded the hand-over dossier of ${basics.state.name} (no supporter's personal data)`,
    rows: 0,
  })
  return {
    ...basics,
    engagements: organizersLog
      .filter((e) => !e.withdrawn)
      .map((e) => ({ ...e, text: '', author: '', letterReference: null })),
    positions: basics.positions.filter((p) => !p.withdrawn).map((p) => ({ ...p, note: '', author: '' })),
    latestLetters: rows.map(toDeskLetter).map((letter) => ({
      ...letter,
      supporterName: '',
      supporterOrganization: null,
    })),
    // When, how, the position stated, the letters by reference, whether a file came: the summary
    // (the organizer's words, which may quote a writer), the file's name and who recorded it stay out.
    replies: replies
      .filter((r) => !r.withdrawn)
      .map((r) => ({
        ...r,
        summary: '',
        recordedBy: '',
        file: r.file ? { ...r.file, name: '' } : null,
      })),
    generatedAt: ctx.clock.nowIso(),
    handOver: true,
  }
}

async function getBasics(ctx: Ctx, iso3: string): Promise<StateBasics> {
  // Checked here too: only a well-formed code reaches the database, whatever the route let through.
  if (typeof iso3 !== 'string' || !/^[A-Za-z]{3}$/.test(iso3)) {
    throw new NotFoundError('There is no UN member or observer state with this code.')
  }
  const code = iso3.toUpperCase()
  const { state, tags } = await getStateForLetters(ctx, code)
  const [coverage, stats, engagements, positions] = await Promise.all([
    getCoverage(ctx, 'organizers'),
    repo.findStateLetterStats(ctx.db, code),
    listEngagements(ctx, code),
    positionHistory(ctx, code),
  ])
  return {
    state,
    tags: tags.map((t) => ({ ...t, label: STATE_TAG_LABELS[t.tag] ?? t.tag })),
    coverage: coverage.states.find((s) => s.iso3 === code) ?? null,
    counts: countsOf(stats),
    engagements,
    positions,
  }
}

function countsOf(stats: StateLetterStatsRow | undefined): DeskLetterCounts {
  return {
    written: stats?.written ?? 0,
    printed: stats?.printed ?? 0,
    emailed: stats?.emailed ?? 0,
    delivered: stats?.delivered ?? 0,
    failed: stats?.failed ?? 0,
    withPersonalNote: stats?.with_personal_note ?? 0,
    firstDeliveredAt: stats?.first_delivered_at ?? null,
    lastDeliveredAt: stats?.last_delivered_at ?? null,
    replies: {
      asked: stats?.reply_asked ?? 0,
      replied: stats?.reply_replied ?? 0,
      acknowledged: stats?.reply_acknowledged ?? 0,
      noReply: stats?.reply_no_reply ?? 0,
    },
  }
}

function toDeskLetter(row: repo.StateLetterRow): DeskLetter {
  return {
    publicId: row.public_id,
    reference: row.reference,
    createdAt: row.created_at,
    template: row.template_id,
    language: row.language,
    status: row.status,
    channel: row.channel,
    printedAt: row.printed_at,
    printedDeliveredAt: row.printed_delivered_at,
    sentAt: row.sent_at,
    supporterName: row.supporter_name,
    supporterOrganization: row.supporter_organization,
    statusLabel: statusLabelOf(row),
    deliveredAt: row.printed_delivered_at ?? (row.status === 'sent' ? row.sent_at : null),
    canMarkDelivered: canMarkPrintedDelivered(row),
    canCorrectDelivery: row.printed_delivered_at !== null,
  }
}

function statusLabelOf(row: repo.StateLetterRow): string {
  if (row.printed_delivered_at) return 'Delivered by hand'
  if (row.printed_at && (row.status === 'draft' || row.status === 'expired'))
    return 'Printed, not yet delivered'
  return LETTER_STATUS_LABELS[row.status] ?? row.status
}
