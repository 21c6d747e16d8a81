/**
 * A letter as it will be printed: every line already written in the letter's language, plain
 * text only. The composition service builds it once, when the letter is written, and stores it;
 * the HTML preview and the PDF both draw this same object, so the preview shows exactly what the
 * PDF will contain, and a later change to the directory never alters a letter already written.
 */
export type LetterLanguage = 'en' | 'fr' | 'es' | 'ar' | 'zh' | 'ru'
export const LETTER_LANGUAGES: readonly LetterLanguage[] = ['en', 'fr', 'es', 'ar', 'zh', 'ru']

export type PaperSize = 'a4' | 'letter'
export const PAPER_SIZES: readonly PaperSize[] = ['a4', 'letter']

export interface LetterDocument {
  language: LetterLanguage
  paperSize: PaperSize
  /** Short code printed on the letter, used to match replies: "CB-7K3M9Q". */
  reference: string
  /** "Ref.: CB-7K3M9Q" in the letter's language. */
  referenceLine: string
  /** The date in the letter's language: "29 November 2026", "29 novembre 2026". */
  dateLine: string
  /** The supporter's name and postal address, top of the letter. */
  sender: string[]
  /** The addressee block, placed to show through a DL / No. 10 envelope window. */
  recipient: string[]
  /** "Subject: ..." line, printed in bold. */
  subject: string
  /** "Your Excellency," / "Excellence," / "Excelentísimo Señor:" */
  salutation: string
  /** The body, one string per paragraph; the supporter's own paragraph among them. */
  paragraphs: string[]
  /** The courtesy formula, its own paragraph before the signature. */
  close: string
  /** The signatory's name, then role and organization lines. */
  signature: string[]
  /** PDF metadata. */
  meta: { title: string; author: string; subject: string; createdAt: string }
}
