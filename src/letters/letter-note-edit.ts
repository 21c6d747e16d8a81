import type { LetterRow } from '../db/schema.js'
import { toParagraphs } from '../lib/text-templates.js'
import { letterDocumentOf } from './letter-read-model.js'

/**
 * The columns of a letter whose personal paragraph an organizer shortened at review: the stored
 * document keeps its date, addressee and the campaign's text, and only the writer's own paragraphs
 * change (the PDF is drawn again: it is kept under the document's ETag).
 */
export function personalNoteEditedColumns(letter: LetterRow, note: string | null, now: string) {
  const doc = letterDocumentOf(letter)
  const paragraphs = replaceRun(
    doc.paragraphs,
    toParagraphs(letter.personal_note ?? ''),
    toParagraphs(note ?? ''),
  )
  return { personal_note: note, document: JSON.stringify({ ...doc, paragraphs }), updated_at: now }
}

/**
 * `paragraphs` with the run `before` (the composer placed the note as one run after the opening)
 * replaced by `after`; if the run is not found, each paragraph of it goes and `after` takes the
 * place of the first.
 */
function replaceRun(paragraphs: string[], before: string[], after: string[]): string[] {
  if (before.length === 0) return paragraphs
  for (let start = 0; start + before.length <= paragraphs.length; start++) {
    if (before.every((p, i) => paragraphs[start + i] === p))
      return [...paragraphs.slice(0, start), ...after, ...paragraphs.slice(start + before.length)]
  }
  const first = paragraphs.findIndex((p) => before.includes(p))
  if (first < 0) return paragraphs
  return paragraphs.flatMap((p, i) => (i === first ? after : before.includes(p) ? [] : [p]))
}
