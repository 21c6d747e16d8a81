import type { LetterRow } from '../db/schema.js'
import type { AddresseeSnapshot } from './letter-compose.js'
import type { LetterDocument } from './letter-document.js'

// A stored letter's JSON columns, read in one place: the composed document, the addressee as
// the directory showed it when the letter was written, and the writer's street lines. Every
// reader of a letter row goes through these, so a change to what is stored changes one file.

/** The letter as composed when it was written (letter-document.ts), which the preview and PDF draw. */
export function letterDocumentOf(letter: Pick<LetterRow, 'document'>): LetterDocument {
  return JSON.parse(letter.document) as LetterDocument
}

/** The addressee as the directory showed it when the letter was written (its state, mission, head). */
export function addresseeOf(letter: Pick<LetterRow, 'addressee'>): AddresseeSnapshot {
  return JSON.parse(letter.addressee) as AddresseeSnapshot
}

/** The state's (English) name the letter was written to, from its addressee snapshot. */
export function addresseeStateNameOf(letter: Pick<LetterRow, 'addressee'>): string {
  return addresseeOf(letter).stateName
}

/** The writer's street lines, as given on the write form (empty once redacted). */
export function supporterAddressLinesOf(letter: Pick<LetterRow, 'supporter_address_lines'>): string[] {
  return JSON.parse(letter.supporter_address_lines) as string[]
}
