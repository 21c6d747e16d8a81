import { findTextProblem, normalizeLine } from '../lib/text-safety.js'

// A file attached to a mission's reply (a scan of its letter or note verbale): kept only if its
// first bytes say it is a PDF, PNG or JPEG, whatever the browser called it, and never shown inline.

/** The largest file accepted: a scanned page or two. */
export const MAX_REPLY_FILE_BYTES = 5 * 1024 * 1024
/** The longest base64 text of a file the JSON API accepts (`contentBase64`): the largest file's. */
export const MAX_REPLY_FILE_BASE64_CHARS = Math.ceil(MAX_REPLY_FILE_BYTES / 3) * 4
/**
 * The JSON API's body limit where a file may come: the largest file's base64 and 1 MB for the
 * rest, so that a file a little too large is refused by name (`file`), not as a body too large.
 */
export const REPLY_JSON_BODY_LIMIT_BYTES = MAX_REPLY_FILE_BASE64_CHARS + 1024 * 1024

export interface ReplyFile {
  name: string
  type: 'application/pdf' | 'image/png' | 'image/jpeg'
  size: number
  bytes: Buffer
}

const SIGNATURES: { type: ReplyFile['type']; magic: number[] }[] = [
  { type: 'application/pdf', magic: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  { type: 'image/png', magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'image/jpeg', magic: [0xff, 0xd8, 0xff] },
]

/**
 * The uploaded file, checked: { fileName, content, truncated } from the multipart form, or
 * { name, contentBase64 } from the JSON API. Null when none was chosen, else the file or the
 * message naming what is wrong with it. The same checks whichever way it came.
 */
export function checkReplyFile(raw: unknown): { file: ReplyFile | null } | { error: string } {
  const upload = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>
  if ('contentBase64' in upload) return checkBase64File(upload.name, upload.contentBase64)
  const content = upload.content
  // A form whose file input was left empty still sends an empty part.
  if (raw === undefined || raw === null || raw === '' || (Buffer.isBuffer(content) && content.length === 0))
    return { file: null }
  if (!Buffer.isBuffer(content)) return { error: 'The attachment must be a file sent from the form.' }
  if (upload.truncated === true || content.length > MAX_REPLY_FILE_BYTES)
    return { error: `The attachment is larger than ${MAX_REPLY_FILE_BYTES / 1024 / 1024} MB.` }
  const type = SIGNATURES.find((s) => s.magic.every((byte, i) => content[i] === byte))?.type
  if (!type) return { error: 'The attachment must be a PDF, PNG or JPEG file.' }
  return { file: { name: safeName(upload.fileName, type), type, size: content.length, bytes: content } }
}

function checkBase64File(name: unknown, text: unknown): { file: ReplyFile | null } | { error: string } {
  if (typeof text !== 'string') return { error: 'The attachment’s contentBase64 must be a text (base64).' }
  // Line breaks (as MIME wraps base64) are allowed and ignored.
  const compact = text.replace(/[\r\n]/g, '')
  if (compact.length > MAX_REPLY_FILE_BASE64_CHARS)
    return { error: `The attachment is larger than ${MAX_REPLY_FILE_BYTES / 1024 / 1024} MB.` }
  if (compact.length === 0) return { error: 'The attachment is empty.' }
  if (!isBase64(compact))
    return { error: 'The attachment’s contentBase64 is not base64 (A–Z, a–z, 0–9, + and /, padded with =).' }
  return checkReplyFile({ fileName: name, content: Buffer.from(compact, 'base64'), truncated: false })
}

/**
 * Standard padded base64 (RFC 4648, section 4). @NOTE Buffer.from(…, 'base64') skips what it
 * cannot read instead of failing: a mangled text would be stored as other bytes without a word.
 */
function isBase64(text: string): boolean {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0
  return text.length % 4 === 0 && !/[^A-Za-z0-9+/]/.test(text.slice(0, text.length - padding))
}

const EXTENSIONS: Record<ReplyFile['type'], string> = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
}

/** The browser's name without folders or invisible characters, ending as its checked type does. */
function safeName(name: unknown, type: ReplyFile['type']): string {
  const base = typeof name === 'string' ? (name.slice(-1000).split(/[/\\]/).pop() ?? '') : ''
  const clean = normalizeLine([...base].filter((c) => findTextProblem(c, false) === null).join(''))
    .replace(/["<>]/g, '')
    .slice(0, 120)
  const stem = clean.replace(/\.[A-Za-z0-9]{1,5}$/, '') || 'reply'
  return `${stem}.${EXTENSIONS[type]}`
}
