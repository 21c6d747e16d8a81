import { describe, expect, it } from 'vitest'
import { csrfFieldOf, nextCookie, signInOrganizer } from '../helpers/organizer-session.js'
import { pdfPagesText } from '../helpers/pdf-text.js'
import { buildTestApp } from '../helpers/test-app.js'

// The organizers' page with the two buttons of issue 13, part 5: "Print letters" (a GET form to
// /api/letters/print) and "Campaign mailing" (a POST form that writes the campaign letters).

const { app, ctx } = await buildTestApp()
const coordinator = await signInOrganizer(app, ctx, { role: 'coordinator' })
const viewer = await signInOrganizer(app, ctx, { role: 'viewer' })
const organizer = await signInOrganizer(app, ctx, { role: 'organizer' })

const page = (cookie?: string, url = '/organizers/letters') =>
  app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} })

async function campaignLetters(): Promise<number> {
  const row = await ctx.db
    .selectFrom('letter')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('template_id', '=', 'campaign')
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** The form whose opening tag contains `marker`, up to its end. */
function formWith(html: string, marker: string): string {
  const forms = html.match(/<form\b[\s\S]*?<\/form>/g) ?? []
  const form = forms.find((f) => f.slice(0, f.indexOf('>')).includes(marker) || f.includes(marker))
  if (!form) throw new Error(`no form with ${marker}`)
  return form
}

/** Every control of a form has a label (for=id, or wrapping it); radios and checkboxes sit in a fieldset. */
function expectLabelled(form: string): void {
  const controls = form.match(/<(input|select)\b[^>]*>/g) ?? []
  for (const control of controls) {
    if (/type="hidden"/.test(control)) continue
    const id = /\bid="([^"]+)"/.exec(control)?.[1]
    const labelledFor = id !== undefined && form.includes(`for="${id}"`)
    const wrapped = new RegExp(`<label[^>]*>\\s*${control.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`).test(form)
    expect(labelledFor || wrapped, control).toBe(true)
  }
  expect(form).not.toMatch(/<table/)
}

describe('GET /organizers/letters', () => {
  it('shows an organizer with letters.print both forms, labelled and in fieldsets', async () => {
    const res = await page(coordinator.cookie)
    expect(res.statusCode).toBe(200)
    const html = res.body

    const print = formWith(html, 'Print letters (PDF)')
    expect(print).toMatch(/<form class="print-form compose" method="get" action="\/api\/letters\/print">/)
    for (const name of ['state', 'template', 'from', 'to', 'duplex', 'paper'])
      expect(print, name).toContain(`name="${name}"`)
    expect(print).toContain('Print on both sides (duplex)')
    expect(print).toMatch(/<legend>Paper size/)
    expect(print).toMatch(/name="paper" value="a4"[^>]*> A4/)
    expect(print).toMatch(/name="paper" value="letter"[^>]*> US Letter/)
    expect(print).toMatch(/name="paper" value="" checked> As the first letter/)
    expect(print).toMatch(/<option value="follow-up">/)
    expectLabelled(print)

    const write = formWith(html, 'action="/organizers/letters/mailing"')
    expect(write).toContain('method="post"')
    expect(csrfFieldOf(write)).toMatch(/\S+\.\S+/)
    expect(write).toContain('Write the campaign letters (193 member states without one)')
    expect(html).toContain('<strong>0 of 193</strong>')
    // No mailing to print before it is written.
    expect(html).not.toContain('Print the mailing')
  })

  it('is refused to a viewer and an organizer without letters.print, forms and all', async () => {
    for (const who of [viewer, organizer]) {
      const res = await page(who.cookie)
      expect(res.statusCode, who.organizer.role).toBe(403)
      expect(res.body).toContain('letters.print')
      expect(res.body).not.toContain('action="/api/letters/print"')
      expect(res.body).not.toContain('action="/organizers/letters/mailing"')
    }
  })

  it('sends a stranger to sign in', async () => {
    const res = await page()
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe('/organizers/login?next=%2Forganizers%2Fletters')
  })
})

describe('POST /organizers/letters/mailing', () => {
  const send = (cookie: string, csrf?: string) =>
    app.inject({
      method: 'POST',
      url: '/organizers/letters/mailing',
      headers: { cookie },
      payload: csrf === undefined ? {} : { _csrf: csrf },
    })

  it('is refused without the CSRF token, or with a forged one, and writes nothing', async () => {
    for (const csrf of [undefined, '', 'forged.token', `${coordinator.csrfToken}x`]) {
      const res = await send(coordinator.cookie, csrf)
      expect(res.statusCode, String(csrf)).toBe(403)
      expect(res.body).toContain('CSRF')
    }
    expect(await campaignLetters()).toBe(0)
  })

  it('is refused to a viewer even with a valid token of theirs', async () => {
    const res = await send(viewer.cookie, viewer.csrfToken)
    expect(res.statusCode).toBe(403)
    expect(await campaignLetters()).toBe(0)
  })

  it("writes the campaign's letter to each member state, once, and offers the mailing to print", async () => {
    const opened = await page(coordinator.cookie)
    const cookie = nextCookie(coordinator.cookie, opened)
    const token = csrfFieldOf(formWith(opened.body, 'action="/organizers/letters/mailing"')) ?? ''

    const first = await send(cookie, token)
    expect(first.statusCode).toBe(303)
    expect(first.headers.location).toBe('/organizers/letters?written=193#mailing')
    expect(await campaignLetters()).toBe(193)

    const again = await send(cookie, token)
    expect(again.headers.location).toBe('/organizers/letters?written=0#mailing')
    expect(await campaignLetters()).toBe(193)

    const audit = await ctx.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', 'letters.campaign_write')
      .execute()
    expect(audit).toHaveLength(1)
    expect(audit[0]?.organizer_id).toBe(coordinator.organizer.id)
    expect(audit[0]?.summary).toBe("Wrote the campaign's letter to 193 member states that had none")

    const after = await page(cookie, '/organizers/letters?written=193')
    expect(after.statusCode).toBe(200)
    expect(after.body).toContain("Written now: the campaign's letter to 193 member states that had none.")
    expect(after.body).toContain('<strong>193 of 193</strong>')
    expect(after.body).not.toContain('action="/organizers/letters/mailing"')
    const mailing = formWith(after.body, 'Print the mailing')
    expect(mailing).toContain('action="/api/letters/print"')
    expect(mailing).toContain('<input type="hidden" name="template" value="campaign">')
    for (const name of ['duplex', 'paper']) expect(mailing).toContain(`name="${name}"`)
    expectLabelled(mailing)
    // Two forms on one page, each with its own control ids.
    const ids = [...after.body.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1])
    expect(new Set(ids).size).toBe(ids.length)

    const none = await page(cookie, '/organizers/letters?written=0')
    expect(none.body).toContain("No letter written: every member state already had the campaign's letter.")
  })

  it('the mailing form prints the campaign letters in the chosen layout', async () => {
    // What the mailing form sends, for two states (the whole mailing is printed in letter-batch.test.ts).
    const res = await app.inject({
      method: 'GET',
      url: '/api/letters/print?template=campaign&state=FRA,USA&duplex=true&paper=a4',
      headers: { cookie: coordinator.cookie },
    })
    expect(res.statusCode).toBe(200)
    const pages = await pdfPagesText(res.rawPayload)
    expect(pages.length % 2).toBe(0)
    // Signed by the campaign in the letters' language (no CAMPAIGN_SIGNATORY_NAME here).
    expect(pages.join('\n')).toContain('Code Blue campaign')
  })
})
