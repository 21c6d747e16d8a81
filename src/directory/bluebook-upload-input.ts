import { type FieldErrors, isCalendarDate } from '../lib/form-fields.js'
import { findTextProblem, normalizeLine } from '../lib/text-safety.js'

// The Blue Book upload form: a file (one, at most MAX_UPLOAD_BYTES) and the day it describes.

/** The largest Blue Book file accepted (the real ones are ~415 KB). */
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024

export interface UploadInput {
  /** { fileName, content: Buffer, truncated } from the multipart form, or anything a client sent. */
  file: unknown
  sourceDate: unknown
}

export interface CheckedUpload {
  fileName: string
  /** The file as UTF-8 text; null when refused. */
  text: string | null
  sourceDate: string | null
  errors: FieldErrors
}

/** Checks an uploaded Blue Book's form (the file itself is read by the importer). */
export function parseUploadInput(input: UploadInput, today: string): CheckedUpload {
  const errors: Record<string, string> = {}
  const upload = (input.file && typeof input.file === 'object' ? input.file : {}) as Record<string, unknown>
  const fileName = safeFileName(upload.fileName)
  let text: string | null = null
  if (!Buffer.isBuffer(upload.content) || upload.content.length === 0) {
    errors.file = 'Choose the Blue Book file (JSON) to upload.'
  } else if (upload.truncated === true || upload.content.length > MAX_UPLOAD_BYTES) {
    errors.file = `The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB; a Blue Book is about 400 KB. Is it the right file?`
  } else {
    try {
      // ignoreBOM keeps the text as the import command reads it, so both fingerprint it alike.
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(upload.content)
    } catch {
      errors.file = `The file “${fileName}” is not UTF-8 text: the Blue Book is a JSON file.`
    }
  }
  const typed = typeof input.sourceDate === 'string' ? input.sourceDate.trim() : ''
  const sourceDate = typed || dateInName(fileName)
  if (!sourceDate) {
    errors.sourceDate = 'Give the day the file describes (YYYY-MM-DD): its name does not say.'
  } else if (!isCalendarDate(sourceDate)) {
    errors.sourceDate = 'The file’s date must be a real date written YYYY-MM-DD.'
  } else if (sourceDate > today) {
    errors.sourceDate = `The file’s date cannot be in the future (today is ${today}).`
  }
  return { fileName, text, sourceDate, errors }
}

/** The name the browser gave, without folders or invisible characters: it is shown as a source. */
function safeFileName(name: unknown): string {
  // Bounded before anything reads it character by character: a name is shown cut to 200 anyway.
  const base = typeof name === 'string' ? (name.slice(-1000).split(/[/\\]/).pop() ?? '') : ''
  const clean = [...base].filter((c) => findTextProblem(c, false) === null).join('')
  return normalizeLine(clean).slice(0, 200) || 'upload.json'
}

/** A YYYY-MM-DD in the file's name ("un-bluebook-2024-12-18.json"), if it is a real day. */
function dateInName(name: string): string | null {
  const found = /(\d{4}-\d{2}-\d{2})/.exec(name)?.[1]
  return found && isCalendarDate(found) ? found : null
}
