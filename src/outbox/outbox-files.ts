import fs from 'node:fs'
import path from 'node:path'

// The .eml files the file transport writes when no SMTP_URL is set (transports.ts) are copies of
// messages, the person's data in them: erasure and retention delete them with the rows.

export interface OutboxFileMatch {
  /** Message-IDs (as stored, "<...@...>") whose files go: a file's name ends with its id. */
  messageIds?: readonly string[]
  /** Text whose presence anywhere in a file (case-insensitive) makes it go: an address. */
  containing?: readonly string[]
}

/**
 * Deletes the .eml files of `dir` that match; returns how many went. Idempotent: a file already
 * gone is not an error, so a failed or interrupted run is simply run again.
 */
export function deleteOutboxFiles(dir: string, match: OutboxFileMatch): number {
  if (!fs.existsSync(dir)) return 0
  // transports.ts names a file "<time>-<Message-ID without its brackets>.eml".
  const suffixes = (match.messageIds ?? []).map((id) => `-${id.replace(/[^A-Za-z0-9@._-]/g, '')}.eml`)
  const needles = (match.containing ?? []).map((text) => text.toLowerCase()).filter((text) => text !== '')
  if (suffixes.length === 0 && needles.length === 0) return 0
  let deleted = 0
  for (const name of fs.readdirSync(dir)) {
    if (!name.endsWith('.eml')) continue
    const file = path.join(dir, name)
    const matches =
      suffixes.some((suffix) => name.endsWith(suffix)) || (needles.length > 0 && contains(file, needles))
    if (matches && remove(file)) deleted++
  }
  return deleted
}

function contains(file: string, needles: readonly string[]): boolean {
  try {
    // Headers are plain ASCII (addresses in To, Reply-To); a message is at most a few megabytes.
    const text = fs.readFileSync(file, 'latin1').toLowerCase()
    return needles.some((needle) => text.includes(needle))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw error
  }
}

function remove(file: string): boolean {
  try {
    fs.unlinkSync(file)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw error
  }
}
