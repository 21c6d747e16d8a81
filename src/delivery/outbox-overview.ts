import fs from 'node:fs'
import path from 'node:path'
import type { AppContext } from '../app-context.js'
import { listMissionEmailFailures } from '../directory/index.js'
import { NotFoundError } from '../lib/errors.js'
import { type Actor, recordExport } from '../organizers/index.js'
import * as repo from './delivery.repository.js'

type Ctx = Pick<AppContext, 'db' | 'config'>

const EML_NAME = /^[A-Za-z0-9@._-]+\.eml$/

/** What organizers see of the outbox: counts, what needs them, failing addresses, .eml files. */
export async function getOutboxOverview(ctx: Ctx) {
  const [counts, attention, failing] = await Promise.all([
    repo.countMessagesByStatus(ctx.db),
    repo.findMessagesNeedingAttention(ctx.db),
    listMissionEmailFailures(ctx.db),
  ])
  return { counts, attention, failing, files: listEmlFiles(ctx), smtp: ctx.config.mail.smtpUrl !== null }
}

/** The .eml files written without SMTP_URL, newest first (at most 500). */
export function listEmlFiles(ctx: Ctx): { name: string; size: number; writtenAt: string }[] {
  const dir = ctx.config.mail.outboxDir
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir)
    .filter((name) => EML_NAME.test(name))
    .map((name) => {
      const stat = fs.statSync(path.join(dir, name))
      return { name, size: stat.size, writtenAt: stat.mtime.toISOString() }
    })
    .sort((a, b) => b.writtenAt.localeCompare(a.writtenAt))
    .slice(0, 500)
}

/** One .eml file's bytes; the name must be one the outbox wrote (no paths, no traversal). */
export function readEmlFile(ctx: Ctx, name: string): Buffer {
  if (!EML_NAME.test(name)) throw new NotFoundError('There is no such message file.')
  const file = path.join(ctx.config.mail.outboxDir, name)
  if (!fs.existsSync(file)) throw new NotFoundError('There is no such message file.')
  return fs.readFileSync(file)
}

/** One .eml file's bytes for an organizer's download, written to the audit log first. */
export async function downloadEmlFile(
  ctx: Ctx & Pick<AppContext, 'clock'>,
  actor: Actor,
  name: string,
): Promise<Buffer> {
  const bytes = readEmlFile(ctx, name)
  await recordExport(ctx.db, actor, ctx.clock.nowIso(), {
    what: 'outbox_message',
    subjectType: 'outbox_file',
    subjectId: name,
    summary: `Downloaded the outbox message ${name}`,
    rows: 1,
    details: { bytes: bytes.length },
  })
  return bytes
}
