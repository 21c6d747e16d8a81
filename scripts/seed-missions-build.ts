import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { StateRow } from '../src/db/schema.js'
import {
  type BlueBookImportReport,
  planBlueBookImport,
  readBlueBook,
} from '../src/directory/bluebook-import.js'
import { readSeedStates, SEED_STATES_FILE, type SeedState } from '../src/directory/directory-seed.js'
import { SEED_MISSIONS_FILE, type SeedMission, type SeedMissions } from '../src/directory/seed-missions.js'
import { projectPath } from '../src/lib/paths.js'

// npx tsx scripts/seed-missions-build.ts [reference file]
// Builds data/seed/missions.json, once, from the UN Blue Book reference file beside the project
// (../shared/reference/un-bluebook-2026-01-29-heads.json by default). The facts are what an import
// of that file into a fresh directory would store: the importer's own plan computes them.

/** The Blue Book the seed is built from, as ../shared/reference/README.md describes it. */
export const SEED_REFERENCE = {
  title: 'Permanent Missions to the United Nations (the UN Blue Book), UN Protocol and Liaison Service',
  file: 'un-bluebook-2026-01-29-heads.json',
  date: '2026-01-29',
  contactsDate: '2024-12-18',
  note:
    'Heads of mission as the Blue Book listed them on 2026-01-29; addresses, phones, fax, e-mails, ' +
    'websites and correspondence languages as published on 2024-12-18, which that listing repeats.',
} as const

export const DEFAULT_REFERENCE_PATH = projectPath('..', 'shared', 'reference', SEED_REFERENCE.file)

export interface SeedMissionsBuild {
  seed: SeedMissions
  /** The importer's report of the plan: warnings, entries matched to no state, missing states. */
  report: BlueBookImportReport
}

/**
 * The seed's missions from the Blue Book text: the mission versions an import would write into a
 * directory holding only the seed's states, the e-mail addresses it would propose included (the
 * seed is reviewed data: its addresses count as approved). Pure: the same input, the same output.
 */
export function buildSeedMissions(
  text: string,
  states: readonly SeedState[],
  builtOn: string,
  reference: typeof SEED_REFERENCE = SEED_REFERENCE,
): SeedMissionsBuild {
  const plan = planBlueBookImport(readBlueBook(text), states.map(stateRow), [], {
    source: reference.file,
    sourceDate: reference.date,
  })
  const proposedEmails = new Map(plan.proposals.map((p) => [p.iso3, p.to]))
  const missions: Record<string, SeedMission> = {}
  for (const write of [...plan.writes].sort((a, b) => (a.iso3 < b.iso3 ? -1 : a.iso3 > b.iso3 ? 1 : 0))) {
    const { city, addressLines, phone, fax, website, languages, head } = write.details
    const emails = proposedEmails.get(write.iso3) ?? write.details.emails
    missions[write.iso3] = { city, addressLines, phone, fax, emails, website, languages, head }
  }
  const { title, file, date, contactsDate, note } = reference
  return {
    seed: { source: { title, file, date, contactsDate, note }, builtOn, missions },
    report: plan.report,
  }
}

/** The file's text: 2-space JSON and a final newline, as the other seed files. */
export function formatSeedMissions(seed: SeedMissions): string {
  return `${JSON.stringify(seed, null, 2)}\n`
}

function stateRow(s: SeedState): StateRow {
  return {
    iso3: s.iso3,
    iso2: s.iso2,
    iso_numeric: s.isoNumeric,
    name: s.name,
    formal_name: s.formalName,
    membership: s.membership,
    admission_date: s.admissionDate,
    regional_group: s.regionalGroup,
    regional_group_note: s.regionalGroupNote,
    aliases: JSON.stringify(s.aliases),
    source: SEED_STATES_FILE,
    created_at: '',
    updated_at: '',
  }
}

function main(argv: string[]): void {
  const input = argv[0] ?? DEFAULT_REFERENCE_PATH
  if (!fs.existsSync(input)) throw new Error(`no Blue Book at ${input} (give its path as the argument)`)
  const builtOn = new Date().toISOString().slice(0, 10)
  const { seed, report } = buildSeedMissions(fs.readFileSync(input, 'utf8'), readSeedStates(), builtOn)
  fs.writeFileSync(projectPath(SEED_MISSIONS_FILE), formatSeedMissions(seed))
  const lines = [
    `wrote ${SEED_MISSIONS_FILE}: ${Object.keys(seed.missions).length} missions from ${path.basename(input)}`,
    ...report.states
      .filter((s) => s.outcome === 'missing')
      .map((s) => `not in the file: ${s.iso3} ${s.name}`),
    ...report.notMatched.map((n) => `not matched: ${n.name} (${n.reason})`),
    ...report.headNotListed.map((h) => `no staff listed (head unknown): ${h.iso3} ${h.name}`),
    ...report.warnings.map((w) => `warning: ${w}`),
  ]
  process.stderr.write(`${lines.join('\n')}\n`)
}

// Run from the command line only: the tests import buildSeedMissions.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    main(process.argv.slice(2))
  } catch (error) {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  }
}
