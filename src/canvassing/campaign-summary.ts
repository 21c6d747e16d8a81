import type { AppContext } from '../app-context.js'
import { type Coverage, getCoverage } from './coverage.service.js'
import { COVERAGE_STATUSES, type CoverageStatus } from './coverage-rules.js'

/** The campaign's reach in a few figures, for the home page: no state named, nobody's data. */
export interface CampaignSummary {
  memberStates: number
  canvassed: number
  /** Letters to member states, drafts included, as /progress counts them. */
  lettersWritten: number
  lettersDelivered: number
  /** How many member states have each status, the most engaged first. */
  byStatus: { status: CoverageStatus; count: number }[]
  /** One status per member state, the most engaged first: a square each on the home page. */
  cells: CoverageStatus[]
  /** The five permanent members of the Security Council, the campaign's first addressees. */
  permanentMembers: { total: number; canvassed: number }
}

const MOST_ENGAGED_FIRST = [...COVERAGE_STATUSES].reverse()

/**
 * The coverage of the member states today, summed up (the same figures as /progress); `read` is
 * coverage already read for this answer (not read twice).
 */
export async function getCampaignSummary(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  read?: Coverage,
): Promise<CampaignSummary> {
  const { totals, council } = read ?? (await getCoverage(ctx, 'public'))
  const byStatus = MOST_ENGAGED_FIRST.map((status) => ({ status, count: totals.byStatus[status] }))
  return {
    memberStates: totals.memberStates,
    canvassed: totals.canvassed,
    lettersWritten: totals.lettersWritten,
    lettersDelivered: totals.lettersDelivered,
    byStatus,
    cells: byStatus.flatMap(({ status, count }) => Array<CoverageStatus>(count).fill(status)),
    permanentMembers: {
      total: council.permanent.length,
      canvassed: council.permanent.filter((s) => s.canvassed).length,
    },
  }
}
