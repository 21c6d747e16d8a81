import { describe, expect, it } from 'vitest'
import type { OrganizerRole } from '../../src/db/schema.js'
import { listAuditEvents } from '../../src/organizers/audit.repository.js'
import { type OrganizerSession, signInOrganizer } from '../helpers/organizer-session.js'
import { buildTestApp } from '../helpers/test-app.js'

// The organizers' pages of letter templates: only templates.manage (coordinators, admins) reach
// them; a draft is opened, checked with each field named, previewed as a letter (HTML and PDF)
// and published, every change with its CSRF token and audited.

const { app, ctx } = await buildTestApp()
const sessions = {} as Record<OrganizerRole, OrganizerSession>
for (const role of ['organizer', 'coordinator'] as const)
  sessions[role] = await signInOrganizer(app, ctx, { role, name: `Pat ${role}` })

const get = (role: OrganizerRole, url: string) =>
  app.inject({ method: 'GET', url, headers: { cookie: sessions[role].cookie } })
const post = (
  role: OrganizerRole,
  url: string,
  fields: Record<string, string> = {},
  csrf = sessions[role].csrfToken,
) =>
  app.inject({
    method: 'POST',
    url,
    headers: { cookie: sessions[role].cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
  })
const SENTENCE = 'Your Council seat gives your voice a particular weight in this.'

describe('/organizers/asks/:id/templates', () => {
  let draftUrl = ''
  let fields: Record<string, string> = {}

  it('is for templates.manage only, and linked from the navigation and the ask’s edit page', async () => {
    expect((await get('organizer', '/organizers/asks/1/templates')).statusCode).toBe(403)
    expect(
      (await post('organizer', '/organizers/asks/1/templates', { templateId: 'supporter', language: 'en' }))
        .statusCode,
    ).toBe(403)
    expect((await get('organizer', '/organizers')).body).not.toContain('href="/organizers/templates"')
    expect((await get('coordinator', '/organizers')).body).toContain('href="/organizers/templates"')
    expect((await get('coordinator', '/organizers/asks/1/edit')).body).toContain(
      'href="/organizers/asks/1/templates"',
    )
    const page = await get('coordinator', '/organizers/asks/1/templates')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('data-template="supporter" data-language="ar"')
    expect(page.body).toMatch(/version 1<\/a> \(this ask’s\)/)
    expect((await get('coordinator', '/organizers/asks/999/templates')).statusCode).toBe(404)
  })

  it('opens a draft with its CSRF token, audited', async () => {
    const refused = await post(
      'coordinator',
      '/organizers/asks/1/templates',
      { templateId: 'supporter', language: 'en' },
      '',
    )
    expect(refused.statusCode).toBe(403)
    const bad = await post('coordinator', '/organizers/asks/1/templates', {
      templateId: 'poem',
      language: 'en',
    })
    expect(bad.statusCode).toBe(422)
    expect(bad.body).toContain('The template must be one of')
    const res = await post('coordinator', '/organizers/asks/1/templates', {
      templateId: 'supporter',
      language: 'en',
    })
    expect(res.statusCode).toBe(303)
    draftUrl = res.headers.location as string
    expect(draftUrl).toMatch(/^\/organizers\/templates\/\d+$/)
    const form = await get('coordinator', draftUrl)
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('name="body"')
    const value = (name: string) => {
      const input = new RegExp(`name="${name}" value="([^"]*)"`).exec(form.body)
      return input ? input[1]! : ''
    }
    const body = /<textarea id="body" name="body"[^>]*>([\s\S]*?)<\/textarea>/.exec(form.body)![1]!
    const decode = (s: string) =>
      s
        .replace(/&#x27;/g, "'")
        .replace(/&quot;/g, '"')
        .replace(/&#x3D;/g, '=')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&#x60;/g, '`')
        .replace(/&amp;/g, '&')
    fields = {
      title: decode(value('title')),
      audience: 'supporter',
      requiredFields: decode(value('requiredFields')),
      subject: decode(value('subject')),
      body: decode(body),
    }
    expect(fields.requiredFields).toBe('supporter.name')
    const audit = (await listAuditEvents(ctx.db, {})).find((e) => e.action === 'template.create')
    expect(audit).toMatchObject({ actor_label: 'Pat coordinator', subject_type: 'letter_template_version' })
  })

  it('names each field at fault and keeps what was typed', async () => {
    const res = await post('coordinator', draftUrl, {
      ...fields,
      title: '',
      requiredFields: 'supporter.email',
      body: `{{{state.of}}} ${SENTENCE}`,
    })
    expect(res.statusCode).toBe(422)
    expect(res.body).toContain('href="#title"')
    expect(res.body).toContain('supporter.email: not data a template may require')
    expect(res.body).toContain('line 1: a triple-stash {{{…}}} is not allowed')
    expect(res.body).toContain(`{{{state.of}}} ${SENTENCE}`.replace(/'/g, '&#x27;'))
    const unknown = await post('coordinator', draftUrl, { ...fields, body: 'To {{state.capital}}.' })
    expect(unknown.statusCode).toBe(422)
    expect(unknown.body).toContain('{{state.capital}} is not a placeholder')
  })

  it('previews the draft as a letter to a chosen state, in HTML and PDF, without saving it', async () => {
    const withSentence = { ...fields, body: `${SENTENCE}\n\n${fields.body}`, previewState: 'GBR' }
    const noState = await post('coordinator', `${draftUrl}/preview`, { ...withSentence, previewState: '' })
    expect(noState.statusCode).toBe(422)
    expect(noState.body).toContain('Choose the state to write the letter to.')
    const html = await post('coordinator', `${draftUrl}/preview`, withSentence)
    expect(html.statusCode).toBe(200)
    expect(html.body).toContain('class="paper"')
    expect(html.body).toContain(SENTENCE.replace(/'/g, '&#x27;'))
    expect(html.body).toContain('Preview: the letter to United Kingdom')
    const pdf = await post('coordinator', `${draftUrl}/preview.pdf`, withSentence)
    expect(pdf.statusCode).toBe(200)
    expect(pdf.headers['content-type']).toBe('application/pdf')
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-')
    // Not saved by a preview.
    expect((await get('coordinator', draftUrl)).body).not.toContain(SENTENCE.replace(/'/g, '&#x27;'))
  })

  it('saves and publishes, superseding the version before; a published version has no form', async () => {
    const saved = await post('coordinator', draftUrl, { ...fields, body: `${SENTENCE}\n\n${fields.body}` })
    expect(saved.statusCode).toBe(303)
    expect(saved.headers.location).toBe(`${draftUrl}?done=saved`)
    const published = await post('coordinator', `${draftUrl}/publish`)
    expect(published.statusCode).toBe(303)
    expect(published.headers.location).toBe('/organizers/asks/1/templates?done=published')
    const page = await get('coordinator', '/organizers/asks/1/templates?done=published')
    expect(page.body).toContain('The version is published.')
    expect(page.body).toMatch(/v2<\/a> published/)
    expect(page.body).toMatch(/v1<\/a> superseded/)
    const view = await get('coordinator', draftUrl)
    expect(view.body).not.toContain('name="body"')
    expect(view.body).not.toContain('/publish"')
    const again = await post('coordinator', draftUrl, fields)
    expect(again.statusCode).toBe(409)
    expect(again.body).toContain('a published version is never changed')
    const actions = (await listAuditEvents(ctx.db, {})).map((e) => e.action)
    expect(actions).toEqual(expect.arrayContaining(['template.create', 'template.edit', 'template.publish']))
    const templates = await app.inject({ method: 'GET', url: '/api/templates' })
    const supporter = templates
      .json()
      .templates.find((t: { id: string; language: string }) => t.id === 'supporter' && t.language === 'en')
    expect(supporter).toMatchObject({ version: 2, askId: 1 })
    expect((await app.inject({ method: 'GET', url: '/api/templates?ask=999' })).statusCode).toBe(404)
  })
})
