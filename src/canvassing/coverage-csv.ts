import { stringify } from 'csv-stringify/sync'
import { neutralizeFormula } from '../lib/csv-cells.js'
import { COVERAGE_STATUS_LABELS, POSITION_LABELS, REGIONAL_GROUP_LABELS } from '../lib/labels.js'
import { personalNoteShare, type StateCoverage } from './coverage.service.js'
import type { AskFilter } from './dashboard-ask.js'
import type { ResponsivenessRow } from './engagements.service.js'

// The coverage of the member states as a spreadsheet for organizers. Labels rather than codes
// (except ISO3), so that it reads well in Excel; dates stay YYYY-MM-DD, which Excel sorts.

const COLUMNS = [
  { key: 'iso3', header: 'ISO3' },
  { key: 'name', header: 'State' },
  { key: 'group', header: 'Regional group' },
  { key: 'council', header: 'Security Council seat' },
  { key: 'status', header: 'Status' },
  { key: 'canvassed', header: 'Canvassed' },
  { key: 'canvassedOn', header: 'Canvassed on' },
  { key: 'position', header: 'Position' },
  { key: 'positionNotedOn', header: 'Position noted on' },
  { key: 'written', header: 'Letters written' },
  { key: 'printed', header: 'Letters printed' },
  { key: 'emailed', header: 'Letters e-mailed' },
  { key: 'delivered', header: 'Letters delivered' },
  { key: 'failed', header: 'Letters failed' },
  { key: 'withPersonalNote', header: 'Letters with a personal paragraph' },
  { key: 'personalNoteShare', header: 'Share with a personal paragraph (%)' },
  { key: 'firstContactOn', header: 'First contact' },
  { key: 'lastContactOn', header: 'Last contact' },
  { key: 'asked', header: 'Writers asked about a reply' },
  { key: 'replied', header: 'Replied' },
  { key: 'acknowledged', header: 'Acknowledged' },
  { key: 'noReply', header: 'No reply' },
] as const

const COUNCIL_LABELS: Record<string, string> = { permanent: 'Permanent', elected: 'Elected' }

/**
 * Member states' coverage as CSV: UTF-8 with a BOM (Excel reads accents), one row a state, in the
 * order given (the dashboard's filters and sort).
 */
export function coverageCsv(
  states: readonly StateCoverage[],
  responsiveness: readonly ResponsivenessRow[],
  ask?: AskFilter,
): string {
  const replies = new Map(responsiveness.map((r) => [r.iso3, r]))
  const records = states.map((s) => {
    const reply = replies.get(s.iso3)
    const share = personalNoteShare(s.letters)
    return {
      iso3: s.iso3,
      name: s.name,
      group: s.regionalGroup ? REGIONAL_GROUP_LABELS[s.regionalGroup] : '',
      council: s.councilSeat ? COUNCIL_LABELS[s.councilSeat] : '',
      status: COVERAGE_STATUS_LABELS[s.status] ?? s.status,
      canvassed: s.canvassed ? 'yes' : 'no',
      canvassedOn: s.canvassedOn ?? '',
      position: POSITION_LABELS[s.position] ?? s.position,
      positionNotedOn: s.positionNotedOn ?? '',
      ...s.letters,
      // One decimal: a recount over the letters gives the same figure.
      personalNoteShare: share === null ? '' : (Math.round(share * 1000) / 10).toFixed(1),
      firstContactOn: s.firstContactOn ?? '',
      lastContactOn: s.lastContactOn ?? '',
      asked: reply?.asked ?? 0,
      replied: reply?.replied ?? 0,
      acknowledged: reply?.acknowledged ?? 0,
      noReply: reply?.noReply ?? 0,
      ...(ask ? { askId: ask.ask.id, askLetters: ask.lettersTo(s.iso3) } : {}),
    }
  })
  // Filtered by an ask: two columns more, last, so that the others keep their places.
  const columns = ask
    ? [...COLUMNS, { key: 'askId', header: 'Ask' }, { key: 'askLetters', header: 'Letters within the ask' }]
    : COLUMNS
  return stringify(records, {
    bom: true,
    header: true,
    columns: columns.map((c) => ({ key: c.key, header: c.header })),
    record_delimiter: 'windows',
    cast: { string: neutralizeFormula },
  })
}
