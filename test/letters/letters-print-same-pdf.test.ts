import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { createLetter } from '../../src/letters/letters.service.js'
import { signInOrganizer } from '../helpers/organizer-session.js'
import { pdfPagesText } from '../helpers/pdf-text.js'
import { buildTestApp } from '../helpers/test-app.js'

// Issue 18, item 6: the organizers' batch printing in the browser (/organizers/letters, which
// asks /api/letters/print) makes the same letters, pages and text as `npm run letters:print` with
// the same filters, on the same database.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const TSX = path.join(ROOT, 'node_modules/.bin/tsx')
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-same-pdf-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

const { app, ctx } = await buildTestApp()
const coordinator = await signInOrganizer(app, ctx, { role: 'coordinator' })

describe('printing in the browser and at the command line', () => {
  it('gives the same pages for the same filters (states, paper, duplex)', { timeout: 60_000 }, async () => {
    for (const state of ['FRA', 'KEN', 'BRA'])
      await createLetter(ctx, {
        state,
        language: 'en',
        supporter: { name: `Writer to ${state}`, city: 'Lyon' },
      })
    const browser = await app.inject({
      method: 'GET',
      url: '/api/letters/print?state=FRA,KEN&paper=a4&duplex=true',
      headers: { cookie: coordinator.cookie },
    })
    expect(browser.statusCode).toBe(200)
    const out = path.join(tmp, 'cli.pdf')
    const cli = await new Promise<{ status: number; stderr: string }>((resolve) =>
      execFile(
        TSX,
        ['scripts/letters-print.ts', '--state', 'FRA,KEN', '--paper', 'a4', '--duplex', '--out', out],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            DATABASE_PATH: ctx.config.databasePath,
            DATABASE_URL: ctx.config.databaseUrl ?? '',
            OUTBOX_DIR: ctx.config.mail.outboxDir,
            LOG_LEVEL: 'silent',
          },
        },
        (error, _stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stderr }),
      ),
    )
    expect(cli.stderr).not.toMatch(/failed/)
    expect(cli.status).toBe(0)
    const [fromBrowser, fromCli] = await Promise.all([
      pdfPagesText(browser.rawPayload),
      pdfPagesText(fs.readFileSync(out)),
    ])
    expect(fromBrowser.length).toBeGreaterThanOrEqual(2)
    expect(fromBrowser.join('\n')).toContain('Writer to KEN')
    expect(fromBrowser.join('\n')).not.toContain('Writer to BRA')
    expect(fromCli).toEqual(fromBrowser)
  })
})
