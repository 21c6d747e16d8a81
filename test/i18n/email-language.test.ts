import { describe, expect, it } from 'vitest'
import { requestEmailDelivery } from '../../src/delivery/delivery.service.js'
import { memberUpdateMail } from '../../src/delivery/member-mails.js'
import { stateNameIn } from '../../src/directory/state-names.js'
import { translate } from '../../src/i18n/index.js'
import { createLetter } from '../../src/letters/letters.service.js'
import { FRANCE_EMAIL, pass, tokenFromOutbox } from '../delivery/delivery-helpers.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { buildMailTestApp } from '../helpers/mail-test-app.js'
import { insertMember } from '../helpers/member-fixtures.js'

// E-mails to writers and members are in the language of the site when they acted, subject, text
// and HTML, right to left in Arabic; the letter to the mission stays in the letter's language.
// Read from the real SMTP server the outbox sends to.

const { smtp, app, ctx, transport } = await buildMailTestApp({ MISSION_DAILY_CAP: '1000' })
await setMission(ctx, 'FRA', { ...FRANCE, emails: [FRANCE_EMAIL] })

function form(url: string, fields: Record<string, string>) {
  return app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  })
}

async function mailTo(email: string) {
  await pass(ctx, transport)
  const mail = smtp.messages.findLast((m) => m.envelope.to.includes(email))
  if (!mail) throw new Error(`no e-mail reached ${email}`)
  return mail.parsed
}

describe('e-mails in the reader’s language', () => {
  it('confirms a French letter written on the Arabic site in Arabic, right to left, the letter inside in French', async () => {
    const email = 'amina@example.org'
    const letter = await createLetter(
      ctx,
      {
        state: 'FRA',
        language: 'fr',
        supporter: { name: 'Amina Diallo', city: 'Dakar', country: 'SN', email },
        personalNote: 'Un paragraphe personnel.',
      },
      { siteLanguage: 'ar' },
    )
    await requestEmailDelivery(ctx, letter.id, {})
    const mail = await mailTo(email)
    expect(mail.subject).toBe(
      translate('ar', 'emails.confirmation.subject', { state: stateNameIn('ar', 'FRA', 'France') }),
    )
    expect(mail.subject).toContain('فرنسا')
    expect(mail.text).toContain(translate('ar', 'emails.greeting', { name: 'Amina Diallo' }))
    expect(mail.text).toContain(translate('ar', 'emails.signature'))
    expect(mail.html).toMatch(/<html lang="ar" dir="rtl">/)
    expect(mail.html).toMatch(/<div lang="fr" dir="ltr">/)
    expect(mail.text).toContain('Un paragraphe personnel.')
    expect(mail.text).not.toContain('Hello Amina')

    // Confirmed: the mission's e-mail is the letter's, in French.
    await app.inject({ method: 'POST', url: `/confirm/${await tokenFromOutbox(ctx, letter.id)}` })
    const mission = await mailTo(FRANCE_EMAIL)
    expect(mission.language).toBe('fr')
    expect(mission.html).toMatch(/<html lang="fr" dir="ltr">/)
    // And the writer's copy comes back in Arabic.
    await pass(ctx, transport)
    const copy = smtp.messages.findLast((m) => m.envelope.to.includes(email))?.parsed
    expect(copy?.subject).toContain(stateNameIn('ar', 'FRA', 'France'))
    expect(copy?.html).toMatch(/<html lang="ar" dir="rtl">/)
  })

  it('writes the confirmation in English for a Spanish letter written on the English site', async () => {
    const email = 'ana@example.org'
    const letter = await createLetter(ctx, {
      state: 'FRA',
      language: 'es',
      supporter: { name: 'Ana Pérez', city: 'Bogotá', country: 'CO', email },
    })
    await requestEmailDelivery(ctx, letter.id, {})
    const mail = await mailTo(email)
    expect(mail.subject).toBe('Please confirm your letter to France')
    expect(mail.html).toMatch(/<html lang="en" dir="ltr">/)
    expect(mail.html).toMatch(/<div lang="es" dir="ltr">/)
  })

  it('writes the letter form’s language into the letter and the confirmation (French site)', async () => {
    const email = 'jeanne@example.org'
    const res = await form('/write/fra?lang=fr', {
      template: 'supporter',
      language: 'fr',
      'supporter.name': 'Jeanne Martin',
      'supporter.city': 'Lyon',
      'supporter.country': 'FR',
      'supporter.email': email,
      delivery: 'email',
    })
    expect(res.statusCode).toBeLessThan(400)
    const row = await ctx.db
      .selectFrom('letter')
      .select('site_language')
      .where('supporter_email', '=', email)
      .executeTakeFirstOrThrow()
    expect(row.site_language).toBe('fr')
  })

  it('confirms a membership asked for on the French site in French', async () => {
    const email = 'luc@example.org'
    const res = await form('/join?lang=fr', {
      kind: 'individual',
      name: 'Luc Dubois',
      email,
      country: 'fr',
      consent: 'yes',
    })
    expect(res.statusCode).toBe(303)
    const mail = await mailTo(email)
    expect(mail.subject).toBe(translate('fr', 'emails.memberConfirmation.subject'))
    expect(mail.text).toContain(
      translate('fr', 'emails.memberConfirmation.once', { expires: '' }).slice(0, 20),
    )
    expect(mail.html).toMatch(/<html lang="fr" dir="ltr">/)
    const member = await ctx.db
      .selectFrom('member')
      .select('site_language')
      .where('email', '=', email)
      .executeTakeFirstOrThrow()
    expect(member.site_language).toBe('fr')
  })

  it('sends the link to erase one’s data in the language of the form (Chinese)', async () => {
    const member = await insertMember(ctx, { email: 'wang@example.org' })
    const res = await form('/privacy/erase?lang=zh', { email: member.email ?? '' })
    expect(res.statusCode).toBe(303)
    await pass(ctx, transport)
    const mail = await mailTo('wang@example.org')
    expect(mail.subject).toBe(translate('zh', 'emails.erasureLink.subject'))
    expect(mail.html).toMatch(/<html lang="zh-Hans" dir="ltr">/)
    expect(mail.text).toContain(translate('zh', 'emails.signature'))
  })

  it('writes a campaign update’s own lines in the member’s language around the organizer’s text', async () => {
    const mail = memberUpdateMail({
      subject: 'Новости кампании',
      body: 'Текст организаторов.',
      test: false,
      unsubscribeUrl: 'http://localhost:3000/members/x/unsubscribe',
      language: 'ru',
    })
    expect(mail.subject).toBe('Новости кампании')
    expect(String(mail.text)).toContain(translate('ru', 'emails.memberUpdate.why'))
    expect(String(mail.text)).toContain('Текст организаторов.')
    expect(String(mail.html)).toMatch(/<html lang="ru" dir="ltr">/)
  })
})
