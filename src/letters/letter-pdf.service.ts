import { createHash } from 'node:crypto'
import type { AppContext } from '../app-context.js'
import type { LetterRow } from '../db/schema.js'
import { NotFoundError } from '../lib/errors.js'
import { renderLetterPdf } from './letter-pdf.js'
import { findKeptPdf, keepPdf } from './letter-pdf.repository.js'
import { letterDocumentOf } from './letter-read-model.js'
import { findLetterByPublicId } from './letters.repository.js'
import { type LetterView, toView } from './letters.service.js'

// A letter's document is a snapshot: its PDF only changes when the document does (an edit of a
// draft, retention, erasure). So the PDF is drawn once (0.2-0.3 s under load) and kept, under a
// strong ETag that is the hash of the document it was drawn from: a kept copy can never be served
// for another text, and a browser's copy is revalidated with a 304.

export type Ctx = Pick<AppContext, 'db' | 'clock'>

/**
 * @NOTE bump when the drawing changes (letter-pdf-draw, fonts, layout): every ETag changes with
 * it, and kept copies are drawn again on their next request.
 */
const PDF_DRAWING_VERSION = 1

export interface LetterPdf {
  letter: LetterView
  /** Quoted, strong: `"<base64url sha-256>"`. */
  etag: string
  /** Null when the caller's copy is current (answer 304). */
  bytes: Buffer | null
}

/** The strong ETag of the PDF drawn from a stored document (the letter's `document` column). */
export function letterPdfEtag(document: string): string {
  const hash = createHash('sha256').update(`${PDF_DRAWING_VERSION}\n${document}`).digest('base64url')
  return `"${hash}"`
}

/**
 * The letter's PDF: the kept copy if it is of the current document, else drawn and kept. With
 * `ifNoneMatch` (the request's header) naming the current ETag, no bytes are read at all.
 */
export async function getLetterPdf(ctx: Ctx, publicId: string, ifNoneMatch?: string): Promise<LetterPdf> {
  const row = await findLetterByPublicId(ctx.db, publicId)
  if (!row) throw new NotFoundError('There is no letter at this address.')
  const letter = toView(row)
  const etag = letterPdfEtag(row.document)
  if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, etag)) return { letter, etag, bytes: null }
  const kept = await findKeptPdf(ctx.db, row.id)
  if (kept?.etag === etag) return { letter, etag, bytes: kept.bytes }
  const bytes = await renderLetterPdf(letter.document)
  await keepPdf(ctx.db, { letterId: row.id, document: row.document, etag, bytes, at: ctx.clock.nowIso() })
  return { letter, etag, bytes }
}

/** If-None-Match: "*" or a list of tags, compared weakly as RFC 9110 asks (W/"x" matches "x"). */
function etagMatches(header: string, etag: string): boolean {
  if (header.trim() === '*') return true
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)
}

/**
 * The PDF of a stored letter, drawn at most once per document: the kept copy when it is of the
 * current document, else drawn and kept. The mission's e-mail and the writer's copy attach the
 * same bytes; the letter's page serves them too.
 */
export async function letterPdfBytes(
  ctx: Ctx,
  row: Pick<LetterRow, 'id' | 'document'>,
  findKept: (letterId: number) => Promise<{ etag: string; bytes: Buffer } | undefined> = (id) =>
    findKeptPdf(ctx.db, id),
): Promise<Buffer> {
  const etag = letterPdfEtag(row.document)
  const kept = await findKept(row.id)
  if (kept?.etag === etag) return kept.bytes
  const bytes = await renderLetterPdf(letterDocumentOf(row))
  await keepPdf(ctx.db, { letterId: row.id, document: row.document, etag, bytes, at: ctx.clock.nowIso() })
  return bytes
}
