import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { StateDto } from '../../src/directory/directory.schemas.js'
import { getStateForLetters, type StateTag } from '../../src/directory/directory.service.js'
import { composeLetter } from '../../src/letters/letter-compose.js'
import type { LetterDocument } from '../../src/letters/letter-document.js'
import { findTemplate } from '../../src/letters/letter-templates.js'
import { projectPath } from '../../src/lib/paths.js'
import { toParagraphs } from '../../src/lib/text-templates.js'
import { createTestContext } from '../helpers/test-context.js'

// The French and Spanish letters as a protocol office reads them: every template, rendered for
// France and the United States (permanent members), the Comoros (plural), Israel (elision) and
// Latvia (elected 2026-2027), each with no tag, as a troop contributor and host, and as a police
// contributor. The supporter's own paragraph is theirs: it is left exactly as typed.

const ctx = await createTestContext()

const STATES = ['FRA', 'USA', 'COM', 'ISR', 'LVA'] as const
const TEMPLATES = ['supporter', 'organization', 'follow-up', 'campaign'] as const
const TAGS: Record<string, StateTag[]> = {
  none: [],
  'troops and host': [
    { tag: 'troop_contributor', note: null },
    { tag: 'peacekeeping_host', note: 'MONUSCO' },
  ],
  police: [{ tag: 'police_contributor', note: null }],
}
/** The supporter's own paragraph, with a straight apostrophe the letter must keep. */
const NOTE = "J'ai travaillé à Goma : c'est là que j'ai compris l'enjeu ; le silence n'est pas une réponse !"
const ORGANIZATION = 'Ligue des droits humains'

const states = new Map<string, StateDto>()
for (const iso3 of STATES) states.set(iso3, (await getStateForLetters(ctx, iso3)).state)

interface Rendered {
  label: string
  doc: LetterDocument
  /** What the templates wrote: subject, metadata and body without the supporter's paragraph. */
  ours: string[]
  /** The body paragraphs the templates wrote, in order. */
  body: string[]
}

function render(language: 'fr' | 'es'): Rendered[] {
  const out: Rendered[] = []
  for (const id of TEMPLATES) {
    const template = findTemplate(id, language)
    if (!template) throw new Error(`no ${id}.${language}`)
    for (const iso3 of STATES) {
      for (const [tagLabel, tags] of Object.entries(TAGS)) {
        for (const previous of id === 'follow-up' ? [null, '2026-03-01T10:00:00Z'] : [null]) {
          const doc = composeLetter({
            template,
            state: states.get(iso3)!,
            tags,
            supporter: {
              name: 'Jeanne Martin',
              organization: id === 'supporter' ? null : ORGANIZATION,
              role: 'Présidente',
              addressLines: [],
              city: 'Lyon',
              country: 'FR',
              email: null,
            },
            personalNote: NOTE,
            paperSize: 'a4',
            reference: 'CB-7K3M9Q',
            now: '2026-06-01T12:00:00.000Z',
            campaign: {
              signatoryName: 'Paula Donovan',
              signatoryTitle: 'Codirectrice',
              website: 'https://www.codebluecampaign.com',
            },
            previous: previous ? { reference: 'CB-AB2CD3', createdAt: previous } : null,
          })
          const body = doc.paragraphs.filter((p) => p !== NOTE)
          out.push({
            label: `${id}.${language} ${iso3} (${tagLabel}${previous ? ', with an earlier letter' : ''})`,
            doc,
            ours: [doc.subject, doc.meta.subject, ...body],
            body,
          })
        }
      }
    }
  }
  return out
}

const french = render('fr')
const spanish = render('es')

/** The sentence or paragraph of `text` around each match of `pattern`, for readable failures. */
function hits(texts: readonly string[], pattern: RegExp): string[] {
  const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`)
  return texts.flatMap((t) =>
    [...t.matchAll(global)].map((m) => t.slice(Math.max(0, m.index - 40), m.index + 40)),
  )
}

/** Template files in one language, each as its text. */
function sources(language: 'fr' | 'es'): [string, string][] {
  return TEMPLATES.map((id) => {
    const file = projectPath(`templates/letters/${id}.${language}.hbs`)
    return [`${id}.${language}.hbs`, fs.readFileSync(file, 'utf8')]
  })
}

describe('French letters: typography', () => {
  it('keeps the supporter’s own paragraph exactly as typed', () => {
    for (const r of french) {
      if (r.doc.paragraphs.length === r.body.length) continue // the campaign letter has none
      expect(r.doc.paragraphs, r.label).toContain(NOTE)
    }
    expect(french.filter((r) => r.doc.paragraphs.includes(NOTE)).length).toBeGreaterThan(40)
  })

  it('writes no straight apostrophe anywhere the templates write (body, subject, metadata)', () => {
    for (const r of french) expect(hits(r.ours, /'/), r.label).toEqual([])
    // Elided forms are really there, with the typographic apostrophe.
    const all = french.flatMap((r) => r.ours).join('\n')
    for (const word of ['d’Israël', 'l’Organisation', 'd’exploitation', 'l’impunité'])
      expect(all).toContain(word)
  })

  it('has no straight apostrophe in the template files outside {{…}}, and none inside', () => {
    for (const [name, text] of sources('fr')) {
      const outside = text.replace(/\{\{(?!!--)[^}]*\}\}/g, '')
      expect(hits([outside], /'/), name).toEqual([])
      expect(hits([text], /\{\{(?!!--)[^}]*’[^}]*\}\}/), name).toEqual([])
    }
  })

  it('never contracts an article wrongly around a state’s name', () => {
    for (const r of french) {
      expect(hits(r.ours, /\b(de|à) (le|les) [A-ZÉ]|\b(de|que) [AEIOUÉ]/), r.label).toEqual([])
    }
    const text = (iso3: string) => french.filter((r) => r.label.includes(` ${iso3} `)).flatMap((r) => r.ours)
    expect(text('ISR').join(' ')).toContain('le soutien d’Israël')
    expect(text('COM').join(' ')).toContain('le soutien des Comores')
    expect(text('USA').join(' ')).toContain('confère aux États-Unis d’Amérique')
  })

  it('renders every expression and leaves no stray space', () => {
    for (const r of [...french, ...spanish]) {
      expect(hits(r.ours, /\{\{|\}\}|undefined|\bnull\b|\[object/), r.label).toEqual([])
      expect(hits(r.ours, / {2}| [,.)]|\( /), r.label).toEqual([])
    }
  })
})

// A no-break space typed in a template (a date, "signataire : X") survives the collapsing of
// white space in src/lib/text-templates.ts.
describe('French spacing and unbreakable dates', () => {
  it('keeps no-break spaces when templates collapse white space', () => {
    expect(toParagraphs('a\u00a0b\u202fc  d')).toEqual(['a\u00a0b\u202fc d'])
  })

  it('puts a narrow no-break space before ; ! ? and a no-break space before : (never a breaking one)', () => {
    for (const r of french) {
      const text = [...r.ours, r.doc.close].map((t) => t.replace(/https?:\/\/\S+/g, 'URL'))
      expect(
        hits(text, /\s[;:!?]/u).filter((h) => !/\u00a0:|\u202f[;!?]/.test(h)),
        r.label,
      ).toEqual([])
      expect(hits(text, /[^\s][;:!?]/), r.label).toEqual([])
      expect(hits(text, /\u00a0[;!?]|\u202f:/), r.label).toEqual([])
    }
    const organization = french.find((r) => r.label.startsWith('organization.fr'))!
    expect(organization.doc.subject).toContain(`(organisation signataire\u00a0: ${ORGANIZATION})`)
  })

  it('keeps the date of the earlier letter on one line', () => {
    const cited = french.filter((r) => r.label.includes('with an earlier letter'))
    expect(cited.length).toBeGreaterThan(0)
    for (const r of cited) {
      expect(r.body[0], r.label).toContain('le 1er\u00a0mars\u00a02026 (référence CB-AB2CD3)')
      expect(r.doc.subject, r.label).toContain('(relance de la lettre CB-AB2CD3 du 1er\u00a0mars\u00a02026)')
    }
    for (const r of spanish.filter((s) => s.label.includes('with an earlier letter'))) {
      expect(r.body[0], r.label).toContain('el 1\u00a0de\u00a0marzo\u00a0de\u00a02026 (referencia CB-AB2CD3)')
    }
  })
})

describe('French letters: the organization is named whatever its article', () => {
  it('never writes "l’organisation" before the name', () => {
    for (const [name, text] of sources('fr'))
      expect(hits([text], /l['’]organisation\s*\{\{/), name).toEqual([])
    for (const r of french)
      expect(hits(r.ours, new RegExp(`organisation ${ORGANIZATION}`)), r.label).toEqual([])
  })

  it('names it in apposition in the opening, and after a colon in the subject', () => {
    for (const r of french.filter((x) => x.label.startsWith('organization.fr'))) {
      expect(r.body[0], r.label).toMatch(
        new RegExp(
          `^Au nom de notre organisation, ${ORGANIZATION}, établie à Lyon \\(France\\), nous avons l’honneur`,
        ),
      )
      expect(r.doc.meta.subject, r.label).toMatch(
        new RegExp(`\\(organisation signataire\\s: ${ORGANIZATION}\\)$`),
      )
    }
  })
})

describe('French letters: one form of address', () => {
  it('says "Votre Excellence" with the third person, "votre pays" otherwise, and never "votre Gouvernement"', () => {
    for (const r of french) {
      expect(hits(r.body, /\bvotre (Gouvernement|Mission)\b|\bvotre Excellence|\bvos\b/), r.label).toEqual([])
      // "son Gouvernement", "sa Mission", "sa convenance", "lui conviendra" refer to Votre Excellence,
      // named in the same paragraph.
      for (const p of r.body) {
        if (/\bson Gouvernement\b|\bsa Mission\b|\bsa convenance\b|\blui conviendra\b|\bsa réponse\b/.test(p))
          expect(p, r.label).toContain('Votre Excellence')
      }
      // The letter addresses the ambassador in its opening and its closing request.
      expect(r.body[0], r.label).toContain('Votre Excellence')
      // The closing request is the last paragraph, before the website's line where there is one.
      const closing = r.body.filter((p) => !p.includes('site https')).at(-1)
      expect(closing, r.label).toMatch(/^(Je saurais|Nous saurions) gré à Votre Excellence de bien vouloir/)
    }
  })

  it('asks Votre Excellence for the support of "son Gouvernement" in the interim request', () => {
    for (const r of french.filter((x) => /^(supporter|organization)\.fr/.test(x.label))) {
      const interim = r.body.find((p) => p.includes('Groupe temporaire de contrôle indépendant'))
      expect(interim, r.label).toMatch(
        /(je sollicite|nous sollicitons) également de Votre Excellence l’appui de son Gouvernement/,
      )
    }
  })

  it('describes the jurisdiction as "compétent pour connaître des actes d’exploitation et d’atteintes sexuelles"', () => {
    for (const r of french) {
      expect(hits(r.ours, /compétent pour (?!connaître)/), r.label).toEqual([])
      if (/^(supporter|follow-up)\.fr/.test(r.label))
        expect(r.body[0], r.label).toContain(
          'compétent pour connaître des actes d’exploitation et d’atteintes sexuelles commis par le personnel',
        )
    }
  })
})

describe('Spanish letters: Vuestra Excelencia and the third person', () => {
  it('never uses the second person nor "usted"', () => {
    for (const r of spanish) {
      expect(
        hits(r.ours, /\b(usted|ustedes|vuestro|vuestros|vuestras|os|tu|tus|te|ti|vosotros)\b/i),
        r.label,
      ).toEqual([])
      expect(hits(r.ours, /\bvuestra\b(?! Excelencia)/i), r.label).toEqual([])
      expect(hits(r.ours, /\bVuestra excelencia|\bvuestra Excelencia/), r.label).toEqual([])
    }
  })

  it('names Vuestra Excelencia wherever "su Gobierno" or "su Misión" is the ambassador’s', () => {
    for (const r of spanish) {
      for (const p of r.body) {
        if (/\bsu (Gobierno|Misión)\b/.test(p)) expect(p, r.label).toContain('Vuestra Excelencia')
      }
      expect(r.body[0], r.label).toContain('Vuestra Excelencia')
      const closing = r.body.find((p) =>
        /^Agradecer[íi]a(mos)? a Vuestra Excelencia que tuviera a bien/.test(p),
      )
      expect(closing, r.label).toBeDefined()
      // A paragraph never opens on "Su país": it says whose.
      expect(hits(r.body, /(^|\. )Su país/), r.label).toEqual([])
    }
  })

  it('says "miembro no permanente" or "miembro del Consejo", never "miembro electo", and never "de el" or "a el"', () => {
    for (const r of spanish) {
      expect(hits(r.ours, /miembro electo|\b(de|a) el\b|sepa dónde/), r.label).toEqual([])
    }
    const latvia = spanish.filter((r) => r.label.includes(' LVA '))
    for (const r of latvia)
      expect(r.body.join(' '), r.label).toMatch(
        /miembro (no permanente )?del Consejo de Seguridad de 2026 a 2027/,
      )
  })

  it('cites the earlier letter by date and reference, and otherwise just "la carta que le dirigí"', () => {
    for (const r of spanish.filter((x) => x.label.startsWith('follow-up.es'))) {
      const withEarlier = r.label.includes('with an earlier letter')
      expect((r.body[0] ?? '').replace(/\u00a0/g, ' '), r.label).toMatch(
        withEarlier
          ? /^Me permito recordar a Vuestra Excelencia la carta que le dirigí el 1 de marzo de 2026 \(referencia CB-AB2CD3\) para solicitar/
          : /^Me permito recordar a Vuestra Excelencia la carta que le dirigí para solicitar/,
      )
    }
  })
})
