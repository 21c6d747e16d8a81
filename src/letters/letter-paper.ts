import { formsFor } from './diplomatic-form.js'
import type { LetterDocument } from './letter-document.js'
import { letterFontSheets } from './letter-web-fonts.js'

/** What the letter partial (`templates/partials/letter-paper.hbs`) needs besides the letter. */
export interface PaperAttributes {
  /** The letter's language as a BCP 47 tag ("ar", "zh-Hans"): the article's `lang`. */
  lang: string
  /** The letter's direction: the article's `dir`. */
  dir: 'ltr' | 'rtl'
  /**
   * Each line of the sender's block, the address and the signature: in a left-to-right letter
   * every line is left to right; in a right-to-left one each line takes the direction of its first
   * strong letter, so a New York street stays left to right (as the PDF sets them). The date and
   * reference, the letter's own words, take the letter's direction.
   */
  lineDir: 'ltr' | 'auto'
  /** The letter fonts' stylesheets its text needs (Noto Serif's, then one per other script). */
  fontSheets: string[]
}

export function paperAttributes(document: LetterDocument): PaperAttributes {
  const forms = formsFor(document.language)
  return {
    lang: forms.locale,
    dir: forms.direction,
    lineDir: forms.direction === 'rtl' ? 'auto' : 'ltr',
    fontSheets: letterFontSheets(letterTexts(document)),
  }
}

/** Every text the letter shows. */
function* letterTexts(document: LetterDocument): Iterable<string> {
  yield* document.sender
  yield* document.recipient
  yield document.dateLine
  yield document.referenceLine
  yield document.subject
  yield document.salutation
  yield* document.paragraphs
  yield document.close
  yield* document.signature
}
