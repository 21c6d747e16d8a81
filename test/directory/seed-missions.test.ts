import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { buildSeedMissions, formatSeedMissions, SEED_REFERENCE } from '../../scripts/seed-missions-build.js'
import { importBlueBook } from '../../src/directory/bluebook-import.js'
import { findCurrentMission } from '../../src/directory/directory.repository.js'
import { readSeedStates } from '../../src/directory/directory-seed.js'
import { fieldSourcesFromRow, missionDetailsFromRow } from '../../src/directory/mission-details.js'
import { readSeedMissions, SEED_MISSIONS_FILE } from '../../src/directory/seed-missions.js'
import { createLetter } from '../../src/letters/letters.service.js'
import { projectPath } from '../../src/lib/paths.js'
import { createTestContext, referenceFile } from '../helpers/test-context.js'

// Issue 14, item 6: a fresh database (a new clone's first start) addresses letters to the
// missions' streets, from data/seed/missions.json, without any Blue Book import.

const ctx = await createTestContext()

async function mission(iso3: string) {
  const row = await findCurrentMission(ctx.db, iso3)
  expect(row, iso3).toBeDefined()
  return { row: row!, details: missionDetailsFromRow(row!), sources: fieldSourcesFromRow(row!) }
}

const WRITER = {
  name: 'Hélène Seed-First',
  addressLines: ['12 rue des Lettres'],
  city: 'Lyon',
  country: 'FR',
  email: 'helene.seed@example.org',
}

describe('the seeded missions, before any import', () => {
  it("gives France's mission its street, phone, e-mail, language and head, sourced to missions.json", async () => {
    const france = await mission('FRA')
    expect(france.row.version).toBe(1)
    expect(france.row.import_id).toBeNull()
    expect(france.details.name).toBe('Permanent Mission of France to the United Nations')
    expect(france.details.addressLines).toEqual([
      'One Dag Hammarskjöld Plaza',
      '245 East 47th Street, 44th Floor',
      'New York, NY 10017',
    ])
    expect(france.details.phone).toBe('212-702-4900')
    expect(france.details.emails).toEqual(['france@franceonu.org'])
    expect(france.details.languages).toEqual(['fr'])
    expect(france.details.head).toMatchObject({
      status: 'filled',
      honorific: 'H.E. Mr.',
      name: 'Jérôme Bonnafont',
      function: 'Permanent Representative',
    })
    const seed = readSeedMissions()
    expect(france.sources.addressLines).toEqual({
      kind: 'seed',
      ref: SEED_MISSIONS_FILE,
      date: seed.source.contactsDate,
    })
    expect(france.sources.emails?.ref).toBe(SEED_MISSIONS_FILE)
    expect(france.sources.head).toEqual({ kind: 'seed', ref: SEED_MISSIONS_FILE, date: seed.source.date })
    // The name stays that of states.json, which mends the Blue Book's where it errs.
    expect(france.sources.name?.ref).toBe('data/seed/states.json')
    // Nothing waits for approval: the seed's addresses are the missions' own.
    expect(await ctx.db.selectFrom('mission_email_change').selectAll().execute()).toEqual([])
  })

  it('gives every state the file lists a street address in New York; São Tomé and Príncipe keeps its name only', async () => {
    const seed = readSeedMissions()
    const states = readSeedStates()
    const listed = states.filter((s) => seed.missions[s.iso3])
    expect(listed.length).toBe(194)
    expect(states.filter((s) => !seed.missions[s.iso3]).map((s) => s.iso3)).toEqual(['STP'])
    // Observer states too.
    expect(seed.missions.PSE?.addressLines.length).toBeGreaterThan(1)
    expect(seed.missions.VAT?.addressLines.length).toBeGreaterThan(1)
    for (const s of listed) {
      const { details } = await mission(s.iso3)
      expect(details.addressLines.at(-1), s.iso3).toMatch(/^New York, NY 1\d{4}(-\d{4})?$/)
      expect(details.addressLines.length, s.iso3).toBeGreaterThanOrEqual(2)
      expect(details.emails.length, s.iso3).toBeGreaterThan(0)
      expect(details.name, s.iso3).toBe(s.missionName)
    }
    const stp = await mission('STP')
    expect(stp.details.addressLines).toEqual([])
    expect(stp.details.head.status).toBe('unknown')
    expect(seed.source.date).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    expect(seed.builtOn).toMatch(/^\d{4}-\d{2}-\d{2}$/)
  })

  it('addresses a letter to France, in French, to the street, not to "New York, NY" alone', async () => {
    const letter = await createLetter(ctx, { state: 'FRA', language: 'fr', supporter: WRITER })
    expect(letter.language).toBe('fr')
    const recipient = letter.document.recipient
    expect(recipient).toContain('245 East 47th Street, 44th Floor')
    expect(recipient).toContain('New York, NY 10017')
    expect(recipient[0]).toContain('Jérôme Bonnafont')
    expect(recipient.indexOf('245 East 47th Street, 44th Floor')).toBeLessThan(
      recipient.indexOf('New York, NY 10017'),
    )
  })
})

describe('a Blue Book import over the seeded directory', async () => {
  const imported = await createTestContext()
  const before = missionDetailsFromRow((await findCurrentMission(imported.db, 'FRA'))!)

  /** A one-state Blue Book: France with a new phone number and its seeded street. */
  const blueBook = JSON.stringify({
    countries: [
      {
        MC_EntityBB: 'France',
        MC_Category: '1',
        MC_Address:
          'Permanent Mission of France\r\nto the United Nations\r\nOne Dag Hammarskjöld Plaza\r\n245 East 47th Street, 44th Floor\r\nNew York, NY 10017',
        MC_Telephone: '212-702-4999',
        MC_eMail: 'france@franceonu.org',
      },
    ],
  })

  it('still updates a changed field, sourced to the file, the seed kept as source of the others', async () => {
    const report = await importBlueBook(imported, blueBook, {
      source: 'bluebook-2027.json',
      sourceDate: '2027-01-15',
    })
    const france = report.states.find((s) => s.iso3 === 'FRA')
    expect(france?.changedFields).toContain('phone')
    expect(france?.changedFields).not.toContain('addressLines')
    const row = (await findCurrentMission(imported.db, 'FRA'))!
    expect(row.version).toBe(2)
    expect(row.import_id).toBe(report.importId)
    const after = missionDetailsFromRow(row)
    expect(after.phone).toBe('212-702-4999')
    expect(after.addressLines).toEqual(before.addressLines)
    expect(after.emails).toEqual(['france@franceonu.org'])
    const sources = fieldSourcesFromRow(row)
    expect(sources.phone).toEqual({ kind: 'import', ref: 'bluebook-2027.json', date: '2027-01-15' })
    expect(sources.addressLines?.ref).toBe(SEED_MISSIONS_FILE)
    expect(sources.head?.ref).toBe(SEED_MISSIONS_FILE)
  })
})

const reference = referenceFile(SEED_REFERENCE.file)
if (!reference.file) console.warn(`seed-missions.test.ts: ${reference.reason}`)

describe.skipIf(!reference.file)('building missions.json from the Blue Book', () => {
  const text = reference.file ? fs.readFileSync(reference.file, 'utf8') : ''

  it('gives the same output every time it runs on the same input', () => {
    const states = readSeedStates()
    const first = formatSeedMissions(buildSeedMissions(text, states, '2026-12-05').seed)
    const second = formatSeedMissions(buildSeedMissions(text, states, '2026-12-05').seed)
    expect(second).toBe(first)
    expect(Object.keys(JSON.parse(first).missions)).toEqual(Object.keys(JSON.parse(first).missions).sort())
  })

  it('holds what an import of that file stores: importing it over the seed changes only Lesotho’s mended name', async () => {
    const report = await importBlueBook(ctx, text, {
      source: SEED_REFERENCE.file,
      sourceDate: SEED_REFERENCE.date,
      dryRun: true,
    })
    expect(report.counts).toMatchObject({ entries: 194, changed: 0, missing: 1, pendingEmails: 0 })
    // states.json mends the Blue Book's "Permanent Mission of the Kingdom of Lesotho the United Nations".
    expect(
      report.states.filter((s) => s.changedFields.length > 0).map((s) => [s.iso3, s.changedFields]),
    ).toEqual([['LSO', ['name']]])
  })

  it('is what the committed data/seed/missions.json holds, but for the day it was built', () => {
    const committed = fs.readFileSync(projectPath(SEED_MISSIONS_FILE), 'utf8')
    const { builtOn } = JSON.parse(committed) as { builtOn: string }
    const built = formatSeedMissions(buildSeedMissions(text, readSeedStates(), builtOn).seed)
    expect(built).toBe(committed)
  })
})
