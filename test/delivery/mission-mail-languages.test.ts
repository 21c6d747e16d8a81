import { describe, expect, it } from 'vitest'
import { LETTER_LANGUAGES } from '../../src/letters/letter-document.js'
import { projectPath } from '../../src/lib/paths.js'
import { loadTextTemplate } from '../../src/lib/text-templates.js'

// What a mission reads is in the letter's language: the covering e-mail of one letter, and the
// daily digest that binds several. Every language a letter can be written in has both.

const letterData = {
  subject: 'Sujet',
  reference: 'CB-7K3M9Q',
  supporterName: 'Amina Wanjiru',
  supporterPlace: 'Nairobi, KE',
}
const digestData = {
  count: 3,
  day: '2026-12-05',
  letters: [
    { reference: 'CB-AAAAAA', name: 'Amina Wanjiru', place: 'Nairobi, KE' },
    { reference: 'CB-BBBBBB', name: 'Jean Dupont', place: null },
  ],
}

describe('the e-mails to missions, in the six languages', () => {
  for (const language of LETTER_LANGUAGES) {
    it(`has the covering e-mail and the digest in ${language}, every placeholder filled`, () => {
      const letter = loadTextTemplate<{ subject: string }>(
        projectPath(`templates/emails/mission-letter.${language}.hbs`),
      )
      const subject = letter.renderMeta('subject', letterData)
      expect(subject).toContain('CB-7K3M9Q')
      const body = letter.renderParagraphs(letterData).join('\n')
      for (const value of ['Amina Wanjiru', 'Nairobi, KE', 'CB-7K3M9Q']) expect(body).toContain(value)
      expect(`${subject}${body}`).not.toMatch(/\{\{|\}\}/)

      const digest = loadTextTemplate<{ subject: string }>(
        projectPath(`templates/emails/digest.${language}.hbs`),
      )
      const digestSubject = digest.renderMeta('subject', digestData)
      expect(digestSubject).toContain('3')
      expect(digestSubject).toContain('2026-12-05')
      const digestBody = digest.renderParagraphs(digestData).join('\n')
      for (const value of ['CB-AAAAAA', 'Amina Wanjiru', 'Nairobi, KE', 'CB-BBBBBB', 'Jean Dupont'])
        expect(digestBody).toContain(value)
      expect(`${digestSubject}${digestBody}`).not.toMatch(/\{\{|\}\}/)
      // Written in the language, not left in English.
      if (language !== 'en') expect(body).not.toMatch(/Please find attached|Excellency/)
    })
  }
})
