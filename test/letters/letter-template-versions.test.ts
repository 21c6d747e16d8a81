import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { createAsk } from '../../src/asks/index.js'
import { checkTemplateContent } from '../../src/letters/letter-template-check.js'
import { seedLetterTemplates } from '../../src/letters/letter-template-seed.js'
import {
  createTemplateDraft,
  listLetterTemplates,
  publishTemplateVersion,
  resolveLetterTemplate,
  updateTemplateDraft,
} from '../../src/letters/letter-template-versions.service.js'
import { listTemplateFiles } from '../../src/letters/letter-templates.js'
import { createLetter } from '../../src/letters/letters.service.js'
import { ConflictError, ValidationError } from '../../src/lib/errors.js'
import { listAuditEvents } from '../../src/organizers/audit.repository.js'
import { createOrganizer } from '../helpers/organizer-session.js'
import { createTestContext } from '../helpers/test-context.js'

// Letter templates versioned per ask and language (migration 0023): the files seed the first ask;
// an organizer's draft, once published, supersedes the version before; a published version is
// never changed (service and triggers); a letter records its version and keeps it; an ask without
// its own version of a template writes with the first ask's.

const ctx = await createTestContext()
const { organizer } = await createOrganizer(ctx, { role: 'coordinator', name: 'Pat Coordinator' })
const ACTOR = { kind: 'organizer', id: organizer.id, name: 'Pat Coordinator' } as const
const versions = () => ctx.db.selectFrom('letter_template_version').selectAll().orderBy('id').execute()
const SENTENCE = 'The fifteen members of the Council hold the key to this reform.'

describe('the seed from templates/letters/', () => {
  it('publishes version 1 of each file for the first ask, and starting again changes nothing', async () => {
    const files = listTemplateFiles()
    const rows = await versions()
    expect(rows).toHaveLength(files.length)
    expect(files.length).toBe(24)
    for (const row of rows) {
      expect(row).toMatchObject({ ask_id: 1, version: 1, status: 'published', origin: 'file' })
      const file = files.find((f) => f.meta.id === row.template_id && f.meta.language === row.language)!
      expect(row.body).toBe(file.body)
    }
    const again = await seedLetterTemplates(ctx)
    expect(again.published).toEqual([])
    expect(await versions()).toEqual(rows)
  })

  it('publishes a changed file as a new version, until an organizer publishes one of their own', async () => {
    const files = listTemplateFiles()
    const follow = files.find((f) => f.file === 'follow-up.en.hbs')!
    const changed = [{ ...follow, body: `${follow.body}\nA sentence the file gained.\n` }]
    expect((await seedLetterTemplates(ctx, changed)).published).toEqual(['follow-up.en.hbs'])
    expect((await seedLetterTemplates(ctx, changed)).published).toEqual([])
    const mine = async () =>
      (await versions()).filter((v) => v.ask_id === 1 && v.template_id === 'follow-up' && v.language === 'en')
    expect((await mine()).map((v) => [v.version, v.status, v.origin])).toEqual([
      [1, 'superseded', 'file'],
      [2, 'published', 'file'],
    ])

    const { version: draft } = await createTemplateDraft(ctx, ACTOR, 1, 'follow-up', 'en')
    expect(draft.body).toContain('A sentence the file gained.')
    await publishTemplateVersion(ctx, ACTOR, draft.id)
    const again = [{ ...follow, body: `${follow.body}\nYet another sentence.\n` }]
    const result = await seedLetterTemplates(ctx, again)
    expect(result.published).toEqual([])
    expect(result.keptOrganizers).toEqual(['follow-up.en.hbs'])
    expect((await mine()).map((v) => [v.version, v.status, v.origin])).toEqual([
      [1, 'superseded', 'file'],
      [2, 'superseded', 'file'],
      [3, 'published', 'organizer'],
    ])
  })
})

describe('versions of an ask', () => {
  let askId = 0
  let firstLetter = ''
  let v1 = 0

  it('a draft starts from the first ask’s version, is checked, previewable once valid, and published', async () => {
    askId = await createAsk(ctx, ACTOR, {
      title: 'Council wave',
      purpose: 'The fifteen',
      targetKind: 'security_council',
      councilOn: '2026-06-01',
      startsOn: '2026-06-01',
    })
    const { version: draft, created } = await createTemplateDraft(ctx, ACTOR, askId, 'supporter', 'en')
    expect(created).toBe(true)
    expect(draft).toMatchObject({ askId, version: 1, status: 'draft', origin: 'organizer' })
    expect(draft.body).toBe(listTemplateFiles().find((f) => f.file === 'supporter.en.hbs')!.body)
    // Opening again gives the same draft.
    expect((await createTemplateDraft(ctx, ACTOR, askId, 'supporter', 'en')).version.id).toBe(draft.id)

    const content = {
      title: draft.title,
      audience: draft.audience,
      requiredFields: draft.requiredFields,
      subject: draft.subject,
    }
    await expect(
      updateTemplateDraft(ctx, ACTOR, draft.id, {
        ...content,
        body: '{{{state.of}}} and {{state.nickname}}',
      }),
    ).rejects.toThrow(ValidationError)
    await updateTemplateDraft(ctx, ACTOR, draft.id, { ...content, body: `${SENTENCE}\n\n${draft.body}` })
    // Letters within the ask still use the first ask's until the draft is published.
    expect((await resolveLetterTemplate(ctx, askId, 'supporter', 'en'))!.askId).toBe(1)
    const published = await publishTemplateVersion(ctx, ACTOR, draft.id)
    v1 = published.id
    expect(published).toMatchObject({ status: 'published', publishedBy: 'Pat Coordinator' })
    const resolved = await resolveLetterTemplate(ctx, askId, 'supporter', 'en')
    expect(resolved).toMatchObject({ askId, versionId: v1, version: 1 })
    const audit = (await listAuditEvents(ctx.db, { subjectType: 'letter_template_version' })).map(
      (e) => e.action,
    )
    expect(audit).toEqual(expect.arrayContaining(['template.create', 'template.edit', 'template.publish']))
  })

  it('writes a letter to a Council member within the ask with its version, recorded', async () => {
    const letter = await createLetter(ctx, {
      state: 'GBR',
      language: 'en',
      supporter: { name: 'Ada Obi', city: 'Lagos', country: 'NG' },
    })
    firstLetter = letter.id
    expect(letter.document.paragraphs[0]).toBe(SENTENCE)
    const row = await ctx.db
      .selectFrom('letter')
      .select(['ask_id', 'template_version_id'])
      .where('public_id', '=', letter.id)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ ask_id: askId, template_version_id: v1 })
    // A state the ask does not aim at writes within the first ask, with its version.
    const kenya = await createLetter(ctx, { state: 'KEN', language: 'en', supporter: { name: 'Ada Obi' } })
    expect(kenya.document.paragraphs[0]).not.toBe(SENTENCE)
    const kenyaRow = await ctx.db
      .selectFrom('letter')
      .select(['ask_id', 'template_version_id'])
      .where('public_id', '=', kenya.id)
      .executeTakeFirstOrThrow()
    const firstAsks = (await versions()).find(
      (v) =>
        v.ask_id === 1 && v.template_id === 'supporter' && v.language === 'en' && v.status === 'published',
    )!
    expect(kenyaRow).toEqual({ ask_id: 1, template_version_id: firstAsks.id })
  })

  it('falls back to the first ask’s version for a template the ask has none of', async () => {
    const org = await resolveLetterTemplate(ctx, askId, 'organization', 'fr')
    expect(org!.askId).toBe(1)
    const list = await listLetterTemplates(ctx, askId)
    expect(list).toHaveLength(24)
    expect(list.filter((t) => t.askId === askId).map((t) => `${t.id}.${t.language}`)).toEqual([
      'supporter.en',
    ])
    const letter = await createLetter(ctx, {
      state: 'FRA',
      language: 'fr',
      template: 'organization',
      supporter: { name: 'Léa Martin', organization: 'Ligue' },
    })
    const row = await ctx.db
      .selectFrom('letter')
      .select(['ask_id', 'template_version_id'])
      .where('public_id', '=', letter.id)
      .executeTakeFirstOrThrow()
    expect(row.ask_id).toBe(askId)
    expect(row.template_version_id).toBe(org!.versionId)
  })

  it('publishing a newer version supersedes the one before; the letter keeps its version and text', async () => {
    const before = await ctx.db
      .selectFrom('letter')
      .select(['template_version_id', 'document'])
      .where('public_id', '=', firstLetter)
      .executeTakeFirstOrThrow()
    const { version: draft } = await createTemplateDraft(ctx, ACTOR, askId, 'supporter', 'en')
    expect(draft.version).toBe(2)
    expect(draft.body.startsWith(SENTENCE)).toBe(true)
    await updateTemplateDraft(ctx, ACTOR, draft.id, {
      title: draft.title,
      audience: draft.audience,
      requiredFields: draft.requiredFields,
      subject: draft.subject,
      body: draft.body.replace(SENTENCE, 'A second wording.'),
    })
    await publishTemplateVersion(ctx, ACTOR, draft.id)
    const own = (await versions()).filter((v) => v.ask_id === askId && v.template_id === 'supporter')
    expect(own.map((v) => [v.version, v.status])).toEqual([
      [1, 'superseded'],
      [2, 'published'],
    ])
    const after = await ctx.db
      .selectFrom('letter')
      .select(['template_version_id', 'document'])
      .where('public_id', '=', firstLetter)
      .executeTakeFirstOrThrow()
    expect(after).toEqual(before)
    expect(after.template_version_id).toBe(v1)
    const next = await createLetter(ctx, { state: 'GBR', language: 'en', supporter: { name: 'Ada Obi' } })
    expect(next.document.paragraphs[0]).toBe('A second wording.')
  })

  it('never changes a published or superseded version: the service refuses, and so does the database', async () => {
    const content = {
      title: 'T',
      audience: 'supporter',
      requiredFields: ['supporter.name'],
      subject: 'S',
      body: 'B',
    }
    await expect(updateTemplateDraft(ctx, ACTOR, v1, content)).rejects.toThrow(ConflictError)
    await expect(publishTemplateVersion(ctx, ACTOR, v1)).rejects.toThrow(ConflictError)
    const update = (set: string) =>
      sql.raw(`update letter_template_version set ${set} where id = ${v1}`).execute(ctx.db)
    await expect(update(`body = 'changed'`)).rejects.toThrow(/never changed/)
    await expect(update(`status = 'published'`)).rejects.toThrow(/never changed/)
    await expect(update(`status = 'draft'`)).rejects.toThrow(/never changed/)
    await expect(
      sql.raw(`delete from letter_template_version where id = ${v1}`).execute(ctx.db),
    ).rejects.toThrow(/never changed/)
    const row = (await versions()).find((v) => v.id === v1)!
    expect(row.status).toBe('superseded')
    expect(row.body.startsWith(SENTENCE)).toBe(true)
  })

  it('opens one draft when two organizers open it at once', async () => {
    const [a, b] = await Promise.all([
      createTemplateDraft(ctx, ACTOR, askId, 'follow-up', 'ru'),
      createTemplateDraft(ctx, ACTOR, askId, 'follow-up', 'ru'),
    ])
    expect(a.version.id).toBe(b.version.id)
    expect([a.created, b.created].sort()).toEqual([false, true])
    const drafts = (await versions()).filter((v) => v.ask_id === askId && v.template_id === 'follow-up')
    expect(drafts).toHaveLength(1)
  })

  it('allows one published version per ask, template and language (the index)', async () => {
    const published = (await versions()).find((v) => v.ask_id === askId && v.status === 'published')!
    const { id: _id, ...copy } = published
    await expect(
      ctx.db
        .insertInto('letter_template_version')
        .values({ ...copy, version: 99 })
        .execute(),
    ).rejects.toThrow()
  })
})

describe('the check every template passes', () => {
  const good = {
    title: 'Letter',
    audience: 'supporter',
    requiredFields: ['supporter.name'],
    subject: 'About {{state.name}}',
    body: 'Dear friends {{state.of}}.\n\n{{#if personalNote}}\n{{personalNote}}\n\n{{/if}}\nThanks.',
  }
  it('passes a sound template', () => {
    expect(checkTemplateContent(good)).toEqual({})
  })
  it('names each field at fault', () => {
    expect(checkTemplateContent({ ...good, title: ' ' }).title).toMatch(/title/)
    expect(checkTemplateContent({ ...good, audience: 'everyone' }).audience).toMatch(
      /supporter, organization, campaign/,
    )
    expect(checkTemplateContent({ ...good, requiredFields: ['supporter.email'] }).requiredFields).toMatch(
      /supporter.email: not data a template may require/,
    )
    expect(
      checkTemplateContent({ ...good, audience: 'organization', requiredFields: ['supporter.name'] })
        .requiredFields,
    ).toMatch(/must require supporter.organization/)
    expect(checkTemplateContent({ ...good, subject: '' }).subject).toMatch(/subject/)
    expect(checkTemplateContent({ ...good, subject: '{{{state.name}}}' }).subject).toMatch(/triple-stash/)
    expect(checkTemplateContent({ ...good, body: 'One.\n\n{{{state.of}}}' }).body).toMatch(
      /^line 3: a triple-stash/,
    )
    expect(checkTemplateContent({ ...good, body: 'Hi {{& state.of}}' }).body).toMatch(/triple-stash/)
    expect(checkTemplateContent({ ...good, body: 'Hi {{state.nickname}}' }).body).toMatch(
      /\{\{state.nickname\}\} is not a placeholder/,
    )
    expect(checkTemplateContent({ ...good, body: 'Hi {{supporter.email}}' }).body).toMatch(/supporter.email/)
    expect(checkTemplateContent({ ...good, body: '{{#each tags}}x{{/each}}' }).body).toMatch(/#each/)
    expect(checkTemplateContent({ ...good, body: '{{> letter}}' }).body).toMatch(/partial/)
    expect(checkTemplateContent({ ...good, body: 'One.\n{{#if}}x{{/if}}' }).body).toMatch(
      /^line 2: \{\{#if\}\} takes one placeholder/,
    )
    expect(checkTemplateContent({ ...good, body: '{{#unless state.of council}}x{{/unless}}' }).body).toMatch(
      /takes one/,
    )
    expect(checkTemplateContent({ ...good, body: '{{lookup state "of"}}' }).body).toMatch(/helper call/)
    expect(checkTemplateContent({ ...good, body: '{{#if state.of}}open' }).body).toMatch(
      /Not a valid template/,
    )
    expect(checkTemplateContent({ ...good, body: '' }).body).toMatch(/text/)
  })
})
