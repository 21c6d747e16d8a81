import type { EngagementKind, Position } from '../db/schema.js'

/**
 * What "canvassed" and each coverage status mean: the one place these rules are written.
 *
 * A member state is **canvassed** once a letter was delivered to its mission (an e-mail accepted
 * by the mission's mail server, or a printed letter an organizer marked delivered) or an
 * organizer logged a contact with it. Its status then rises with what came back:
 *
 * - not contacted: not canvassed;
 * - contacted: canvassed, nothing heard back;
 * - replied: the mission answered (a reply or an acknowledgement, logged by an organizer or
 *   reported by a supporter);
 * - engaged: a meeting took place, the state spoke publicly on the proposal, or it took a
 *   position (supportive, opposed or committed).
 *
 * The counters behind "delivered" are kept per state by the triggers of migration 0004.
 */
export const COVERAGE_STATUSES = ['not_contacted', 'contacted', 'replied', 'engaged'] as const
export type CoverageStatus = (typeof COVERAGE_STATUSES)[number]

export const ENGAGEMENT_KINDS: readonly EngagementKind[] = [
  'meeting',
  'call',
  'reply_received',
  'acknowledgement',
  'no_reply_yet',
  'public_statement',
  'note',
]

export const POSITIONS: readonly Position[] = ['unknown', 'undecided', 'supportive', 'opposed', 'committed']

/** Kinds that are a contact with the mission: logging one canvasses the state. */
export const CONTACT_KINDS: ReadonlySet<EngagementKind> = new Set<EngagementKind>([
  'meeting',
  'call',
  'reply_received',
  'acknowledgement',
])

/** Kinds that show the mission answered. */
export const REPLY_KINDS: ReadonlySet<EngagementKind> = new Set<EngagementKind>([
  'reply_received',
  'acknowledgement',
])

/** Kinds that show the state engaged with the proposal. */
export const ENGAGED_KINDS: ReadonlySet<EngagementKind> = new Set<EngagementKind>([
  'meeting',
  'public_statement',
])

/** Positions that count as engagement: the state made up its mind, whichever way. */
export const ENGAGED_POSITIONS: ReadonlySet<Position> = new Set<Position>([
  'supportive',
  'opposed',
  'committed',
])

/** Positions that count a state as supportive in an ask's figures: it backs the proposal. */
export const SUPPORTIVE_POSITIONS: ReadonlySet<Position> = new Set<Position>(['supportive', 'committed'])

/** The facts about one state that its status depends on. */
export interface CoverageFacts {
  /** Letters delivered to its mission (e-mail accepted, or printed and marked delivered). */
  readonly lettersDelivered: number
  /** Kinds of engagement on record for it, whoever logged them. */
  readonly engagementKinds: ReadonlySet<EngagementKind>
  readonly position: Position
}

export function isCanvassed(facts: CoverageFacts): boolean {
  return facts.lettersDelivered > 0 || [...facts.engagementKinds].some((kind) => CONTACT_KINDS.has(kind))
}

export function coverageStatus(facts: CoverageFacts): CoverageStatus {
  if (!isCanvassed(facts)) return 'not_contacted'
  const kinds = [...facts.engagementKinds]
  if (ENGAGED_POSITIONS.has(facts.position) || kinds.some((kind) => ENGAGED_KINDS.has(kind))) return 'engaged'
  if (kinds.some((kind) => REPLY_KINDS.has(kind))) return 'replied'
  return 'contacted'
}

/**
 * The day a state became canvassed: its first delivered letter or first logged contact,
 * whichever came first (null while it is not canvassed).
 */
export function canvassedOn(firstDeliveredAt: string | null, firstContactOn: string | null): string | null {
  const days = [firstDeliveredAt?.slice(0, 10), firstContactOn].filter((day): day is string => Boolean(day))
  return days.length ? days.sort()[0]! : null
}
