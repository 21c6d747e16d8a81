import { stringify } from 'csv-stringify/sync'
import { neutralizeFormula } from '../lib/csv-cells.js'
import type { SourceFigures, SourceKind } from './source-figures.service.js'

// The figures per source as a spreadsheet, in the coverage CSV's conventions: UTF-8 with a BOM
// (Excel reads accents), CRLF, a header row, labels rather than codes, and every cell that a
// spreadsheet would run as a formula neutralized (a partner's name is typed by an organizer).

const COLUMNS = [
  { key: 'code', header: 'Source code' },
  { key: 'partner', header: 'Partner' },
  { key: 'kind', header: 'Kind' },
  { key: 'letters', header: 'Letters written' },
  { key: 'emailed', header: 'Letters e-mailed' },
  { key: 'members', header: 'New members' },
] as const

const KIND_LABELS: Record<SourceKind, string> = {
  partner: 'Partner',
  unknown: 'Code of no partner',
  none: 'No source',
}

/** One row a source, as the dashboard's "By source" table (every code, none left out). */
export function sourcesCsv(figures: SourceFigures): string {
  const records = figures.rows.map((row) => ({
    code: row.code ?? '',
    partner: row.partner ?? '',
    kind: KIND_LABELS[row.kind],
    letters: row.letters,
    emailed: row.emailed,
    members: row.members,
  }))
  return stringify(records, {
    bom: true,
    header: true,
    columns: COLUMNS.map((c) => ({ key: c.key, header: c.header })),
    record_delimiter: 'windows',
    cast: { string: neutralizeFormula },
  })
}

export { KIND_LABELS as SOURCE_KIND_LABELS }
