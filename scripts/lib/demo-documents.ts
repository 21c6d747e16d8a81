import countries from 'i18n-iso-countries'
import type { StateDto } from '../../src/directory/directory.schemas.js'
import type { StateTag } from '../../src/directory/directory.service.js'
import { writtenDate } from '../../src/letters/diplomatic-form.js'
import { type CampaignSignatory, composeLetter, defaultPaperSize } from '../../src/letters/letter-compose.js'
import type { LetterLanguage, PaperSize } from '../../src/letters/letter-document.js'
import { findTemplate } from '../../src/letters/letter-templates.js'
import type { Home } from './demo-people.js'

// The letters' `document` JSON, composed by the real composer once per combination (state and
// its Council seat that year, template, language, person or organization, paper size, a sender
// in the United States or abroad) and filled in per letter by string joins: composing each of a
// million letters (about 1 ms apiece, mostly Intl date formats) would take some twenty minutes.
//
// The combination is composed with marker values (QQNAMEQQ...) wherever letters differ: names,
// reference, address, city, country, dates, the writer's own paragraph. Its JSON is cut at the
// markers, and a letter's JSON is the pieces joined with its own values.

// Slot order of the values a letter gives to `DocumentCache.render`.
export const SLOT = {
  name: 0,
  organization: 1,
  reference: 2,
  address: 3,
  date: 4,
  createdAt: 5,
  previousReference: 6,
  previousDate: 7,
  note: 8,
  city: 9,
  country: 10,
} as const
const SLOT_COUNT = 11

const MARK = {
  name: 'QQNAMEQQ',
  organization: 'QQORGQQ',
  reference: 'QQREFQQ',
  address: 'QQADDRQQ',
  note: 'QQNOTEQQ',
  previousReference: 'QQPREVQQ',
  city: 'QQCITYQQ',
}
// The writer's country goes in by its name in the letter's language: composed as Antarctica,
// which no letter otherwise mentions, then replaced.
const MARK_COUNTRY = 'AQ'
const MARK_NOW = '1999-12-31T12:00:00.000Z'
const MARK_PREVIOUS = '1998-11-30T12:00:00.000Z'

interface Compiled {
  pieces: string[]
  slots: number[]
}

export interface DocumentRequest {
  /** One state's directory entry as letters see it, in the letter's year (Council seats change). */
  state: StateDto
  /** Distinguishes the `state` objects: the cache key. */
  stateVariant: number
  tags: StateTag[]
  templateId: 'supporter' | 'organization' | 'follow-up'
  language: LetterLanguage
  home: number
  forOrganization: boolean
}

export class DocumentCache {
  private readonly compiled = new Map<string, Compiled>()
  private readonly dates = new Map<string, string>()
  private readonly places = new Map<string, { city: string; country: string }>()
  composed = 0

  constructor(
    private readonly homes: readonly Home[],
    private readonly campaign: CampaignSignatory,
  ) {}

  /** The long date in `language` ("1er juin 2026"), cached per day: Intl is slow per row. */
  date(language: LetterLanguage, iso: string): string {
    const key = language + iso.slice(0, 10)
    let text = this.dates.get(key)
    if (text === undefined) {
      text = writtenDate(language, iso)
      this.dates.set(key, text)
    }
    return text
  }

  /** The writer's city and country name in `language`, as JSON string contents. */
  place(home: number, language: LetterLanguage): { city: string; country: string } {
    const key = `${home}|${language}`
    let place = this.places.get(key)
    if (!place) {
      const { city, country } = this.homes[home]!
      const inner = (text: string) => JSON.stringify(text).slice(1, -1)
      place = { city: inner(city), country: inner(countries.getName(country, language) ?? country) }
      this.places.set(key, place)
    }
    return place
  }

  /**
   * A letter's document JSON: `values[SLOT.x]` are JSON string contents (`place` gives city and
   * country), `values[SLOT.note]` a JSON string and a comma, or ''.
   */
  render(request: DocumentRequest, values: string[]): string {
    const { pieces, slots } = this.get(request)
    let json = pieces[0]!
    for (let i = 0; i < slots.length; i++) json += values[slots[i]!]! + pieces[i + 1]!
    return json
  }

  private get(request: DocumentRequest): Compiled {
    const key = `${request.stateVariant}|${request.templateId}|${request.language}|${this.formOf(request.home)}|${request.forOrganization}`
    let found = this.compiled.get(key)
    if (!found) {
      found = this.compile(request)
      this.compiled.set(key, found)
    }
    return found
  }

  /** What of the writer's home shows in the letter's form: paper size, and a US sender or not. */
  private formOf(home: number): 'us' | PaperSize {
    const { country } = this.homes[home]!
    return country === 'US' ? 'us' : defaultPaperSize(country)
  }

  private compile(request: DocumentRequest): Compiled {
    const home = this.homes[request.home]!
    const inUs = home.country === 'US'
    const template = findTemplate(request.templateId, request.language)
    if (!template) throw new Error(`no template ${request.templateId}.${request.language}`)
    const document = composeLetter({
      template,
      state: request.state,
      tags: request.tags,
      supporter: {
        name: MARK.name,
        organization: request.forOrganization ? MARK.organization : null,
        role: request.forOrganization ? 'Coordinator' : null,
        addressLines: [MARK.address],
        city: MARK.city,
        country: inUs ? 'US' : MARK_COUNTRY,
        email: null,
      },
      personalNote: MARK.note,
      paperSize: defaultPaperSize(home.country),
      reference: MARK.reference,
      now: MARK_NOW,
      campaign: this.campaign,
      previous:
        request.templateId === 'follow-up'
          ? { reference: MARK.previousReference, createdAt: MARK_PREVIOUS }
          : null,
    })
    this.composed++
    return this.cut(JSON.stringify(document), request.language)
  }

  private cut(json: string, language: LetterLanguage): Compiled {
    const marks: [string, number][] = [
      [MARK.name, SLOT.name],
      [MARK.organization, SLOT.organization],
      [MARK.reference, SLOT.reference],
      [MARK.address, SLOT.address],
      [MARK.previousReference, SLOT.previousReference],
      [MARK.city, SLOT.city],
      [countries.getName(MARK_COUNTRY, language)!, SLOT.country],
      // The writer's paragraph goes with its quotes and comma, so that "no paragraph" is ''.
      [`"${MARK.note}",`, SLOT.note],
      [MARK_NOW, SLOT.createdAt],
      [writtenDate(language, MARK_NOW), SLOT.date],
      [writtenDate(language, MARK_PREVIOUS), SLOT.previousDate],
    ]
    const bySlot = new Map(marks)
    const pattern = new RegExp(`(${marks.map(([m]) => m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`)
    const parts = json.split(pattern)
    const pieces: string[] = []
    const slots: number[] = []
    parts.forEach((part, i) => {
      if (i % 2 === 0) pieces.push(part)
      else slots.push(bySlot.get(part)!)
    })
    for (const slot of [SLOT.name, SLOT.reference, SLOT.date, SLOT.createdAt, SLOT.note, SLOT.city]) {
      if (!slots.includes(slot))
        throw new Error(`demo documents: marker for slot ${slot} lost in composition`)
    }
    if (json.includes('QQ')) {
      const leftover = pieces.find((p) => p.includes('QQ'))
      if (leftover)
        throw new Error(`demo documents: a marker was changed by composition: ${leftover.slice(0, 80)}`)
    }
    return { pieces, slots }
  }
}

export const DOCUMENT_SLOTS = SLOT_COUNT
