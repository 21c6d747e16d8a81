/**
 * Several processes starting at once on one empty PostgreSQL database (issue 17, item 3): each
 * opens its own pool, migrates, seeds and issues its setup link, as `npm start` does, and every
 * one of them must start, with the directory seeded once and each migration recorded once. Runs
 * on PostgreSQL whatever the run's engine: the run's server under TEST_ENGINE=postgres, else a
 * throwaway cluster started for this file (skipped, saying why, where PostgreSQL is not installed).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { onPostgres } from '../../scripts/lib/test-postgres.js'
import { loadConfig } from '../../src/config.js'
import { type AppContext, createContext } from '../../src/context.js'
import { openDatabase } from '../../src/db/connection.js'
import { knownMigrationNames } from '../../src/db/migrator.js'
import { withStartUpLock } from '../../src/db/start-up-lock.js'
import { readSeedCouncil, readSeedStates, readSeedTags } from '../../src/directory/directory-seed.js'
import {
  acceptInvite,
  issueSetupLinkIfNeeded,
  openInvite,
} from '../../src/organizers/organizer-accounts.service.js'
import { onEmptyPostgresDatabase, postgresMissing } from '../helpers/borrowed-postgres.js'

/** Instances started at once: eight left one dead at start in 6 of 20 tries before the lock. */
const INSTANCES = 12

describe.skipIf(postgresMissing !== null)(
  `processes starting together on one PostgreSQL database${postgresMissing ? ` (${postgresMissing})` : ''}`,
  () => {
    it('take the start-up lock one at a time, each on its own pool', () =>
      onEmptyPostgresDatabase(async (url) => {
        const pools = [openDatabase(url), openDatabase(url), openDatabase(url)]
        const events: string[] = []
        await Promise.all(
          pools.map((db, i) =>
            withStartUpLock(db, async () => {
              events.push(`in ${i}`)
              await new Promise((resolve) => setTimeout(resolve, 100))
              events.push(`out ${i}`)
            }),
          ),
        )
        await Promise.all(pools.map((db) => db.destroy()))
        // Never two inside at once: each "in" is followed by its own "out".
        for (let e = 0; e < events.length; e += 2) {
          expect(events[e + 1]).toBe(events[e]!.replace('in', 'out'))
        }
        expect(events).toHaveLength(6)
      }))

    it(
      `all ${INSTANCES} start; the directory is seeded once and each migration recorded once`,
      () =>
        onEmptyPostgresDatabase(async (url) => {
          const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-start-'))
          const config = loadConfig({
            DATABASE_URL: url,
            OUTBOX_DIR: path.join(dir, 'outbox'),
            LOG_LEVEL: 'silent',
          })
          const started = await Promise.allSettled(
            Array.from({ length: INSTANCES }, () =>
              createContext(config, { log: pino({ level: 'silent' }) }),
            ),
          )
          const contexts = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))
          try {
            expect(started.flatMap((s) => (s.status === 'rejected' ? [String(s.reason)] : []))).toEqual([])

            const counts = await onPostgres(url, async (c) => {
              const count = async (table: string) =>
                Number((await c.query(`select count(*) n from ${table}`)).rows[0].n)
              return {
                states: await count('state'),
                missions: await count('mission_version'),
                seats: await count('security_council_seat'),
                tags: await count('state_tag'),
                migrations: (await c.query('select name from kysely_migration order by name')).rows.map(
                  (r) => r.name,
                ),
              }
            })
            const council = readSeedCouncil()
            expect(counts).toEqual({
              states: readSeedStates().length,
              missions: readSeedStates().length,
              seats: council.permanent.length + council.elected.length,
              tags: readSeedTags().tags.length,
              migrations: [...knownMigrationNames],
            })
            expect(counts.states).toBe(195)

            await firstAdminAcrossInstances(contexts)
          } finally {
            await Promise.all(contexts.map((ctx) => ctx.close()))
            fs.rmSync(dir, { recursive: true, force: true })
          }
        }),
      120_000,
    )
  },
)

/**
 * Each instance prints a setup link of its own (all issued at once here): every one works until
 * one of them has made the first admin, which ends the others; then no instance issues another.
 */
async function firstAdminAcrossInstances(contexts: AppContext[]): Promise<void> {
  const issued = await Promise.allSettled(contexts.map((ctx) => issueSetupLinkIfNeeded(ctx)))
  expect(issued.flatMap((s) => (s.status === 'rejected' ? [String(s.reason)] : []))).toEqual([])
  const tokens = issued.map((s) => (s.status === 'fulfilled' ? s.value?.url.split('/').pop() : undefined))
  expect(tokens.every((t) => typeof t === 'string')).toBe(true)
  expect(new Set(tokens).size).toBe(contexts.length)
  for (const [i, token] of tokens.entries())
    await expect(openInvite(contexts[i]!, token!)).resolves.toBeTruthy()

  const password = 'a long enough passphrase'
  await acceptInvite(contexts[1]!, tokens[0]!, {
    name: 'Amina Admin',
    email: 'amina@example.org',
    password,
    passwordAgain: password,
  })
  for (const [i, token] of tokens.entries()) {
    await expect(openInvite(contexts[(i + 2) % contexts.length]!, token!)).rejects.toThrow(
      i === 0 ? /already been used/ : /expired/,
    )
  }
  const again = await Promise.all(contexts.map((ctx) => issueSetupLinkIfNeeded(ctx)))
  expect(again.every((link) => link === null)).toBe(true)
}
