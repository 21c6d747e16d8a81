import { foldForSearch } from '../lib/text.js'
import { createHandlebars } from '../plugins/view.js'
import type { LetterDocument } from './letter-document.js'
import { paperAttributes } from './letter-paper.js'
import type { LetterView } from './letters.service.js'

// Small helpers the letters' pages and API share.

/** "letter-to-france-CB-7K3M9Q.pdf": ASCII only, safe in a Content-Disposition header. */
export function pdfFileName(letter: Pick<LetterView, 'state' | 'reference'>): string {
  const slug = foldForSearch(letter.state.name)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60)
  return `letter-to-${slug || letter.state.iso3.toLowerCase()}-${letter.reference}.pdf`
}

let paperTemplate: HandlebarsTemplateDelegate | null = null

/** The letter partial alone (templates/partials/letter-paper.hbs), for the write form's live preview. */
export function renderLetterPaper(document: LetterDocument): string {
  paperTemplate ??= createHandlebars().compile('{{> letter-paper letter paper=paper}}')
  return paperTemplate({ letter: { document }, paper: paperAttributes(document) })
}
