import type { AppContext } from '../app-context.js'
import type { LetterTemplateVersionRow } from '../db/schema.js'
import * as repo from './letter-template-versions.repository.js'
import { listTemplateFiles, type TemplateFile } from './letter-templates.js'

// The files of templates/letters/ seed the first ask's templates, at every start (context.ts):
// - a (template, language) with no version yet gets version 1, published, from its file;
// - a file changed since is published as a new version (superseding the one before) only while
//   the latest version ever published is the seed's own: once an organizer has published a
//   version in the browser, theirs stands and the file is no longer read for it;
// - an unchanged file writes nothing, so starting again and again changes nothing.
// Drafts are left alone (a draft is renumbered when it is published).

type Ctx = Pick<AppContext, 'db' | 'clock' | 'log'>

const SEED_LABEL = 'templates/letters (seed)'

/** What the seed did: versions published from the files, and files set aside for an organizer's. */
export interface SeedResult {
  published: string[]
  keptOrganizers: string[]
}

/** Seeds from `files` (the files of templates/letters/; another list in tests). */
export async function seedLetterTemplates(
  ctx: Ctx,
  files: readonly TemplateFile[] = listTemplateFiles(),
): Promise<SeedResult> {
  const result: SeedResult = { published: [], keptOrganizers: [] }
  const firstAskId = await repo.findFirstAskId(ctx.db)
  if (firstAskId === null) return result
  const now = ctx.clock.nowIso()
  await ctx.db.transaction().execute(async (trx) => {
    for (const file of files) {
      const versions = await repo.findVersionsOf(trx, firstAskId, file.meta.id, file.meta.language)
      const released = versions.find((v) => v.status !== 'draft')
      if (released?.origin === 'organizer') {
        const lastSeeded = versions.find((v) => v.origin === 'file' && v.status !== 'draft')
        if (!lastSeeded || differs(lastSeeded, file)) result.keptOrganizers.push(file.file)
        continue
      }
      if (released && !differs(released, file)) continue
      await repo.supersedePublished(trx, firstAskId, file.meta.id, file.meta.language, now)
      await repo.insertVersion(trx, {
        ask_id: firstAskId,
        template_id: file.meta.id,
        language: file.meta.language,
        version: (versions[0]?.version ?? 0) + 1,
        title: file.meta.title,
        audience: file.meta.audience,
        required_fields: JSON.stringify(file.meta.requiredFields),
        subject: file.meta.subject,
        body: file.body,
        status: 'published',
        origin: 'file',
        created_at: now,
        created_by: null,
        created_by_label: SEED_LABEL,
        updated_at: now,
        published_at: now,
        published_by: null,
        published_by_label: SEED_LABEL,
      })
      result.published.push(file.file)
    }
  })
  if (result.published.length > 0)
    ctx.log.info({ files: result.published }, 'letter templates published from templates/letters')
  if (result.keptOrganizers.length > 0)
    ctx.log.warn(
      { files: result.keptOrganizers },
      'letter template files changed, but an organizer has published a version since: theirs is kept',
    )
  return result
}

function differs(row: LetterTemplateVersionRow, file: TemplateFile): boolean {
  return (
    row.title !== file.meta.title ||
    row.audience !== file.meta.audience ||
    row.required_fields !== JSON.stringify(file.meta.requiredFields) ||
    row.subject !== file.meta.subject ||
    row.body !== file.body
  )
}
