import DataLoader from 'dataloader'
import type { Database } from '../db/connection.js'
import type { LetterRow } from '../db/schema.js'
import { findKeptPdfs, findLettersWithKeptPdfs, type KeptPdf } from './letter-pdf.repository.js'
import { type Ctx, letterPdfBytes } from './letter-pdf.service.js'

/**
 * Letters and their kept PDFs, read for many messages at once. The outbox renders a batch of
 * claimed messages in the same turn of the event loop, each asking for its letter and then its
 * PDF: DataLoader makes the loads of one turn one query (`where id in (…)`, each letter with its
 * kept PDF), where each was two round trips of its own to PostgreSQL. Nothing is kept beyond that turn (`cache: false`): a letter
 * changed meanwhile is read as it now is.
 */
export interface LetterLoader {
  letter(id: number): Promise<LetterRow | undefined>
  /** As letterPdfBytes: the kept copy if it is of the letter's current document, else drawn and kept. */
  pdf(ctx: Ctx, row: Pick<LetterRow, 'id' | 'document'>): Promise<Buffer>
}

/** At most this many ids in one query (each is a bound parameter). */
const MAX_BATCH = 500

const loaders = new WeakMap<Database, LetterLoader>()

/** The loader of one database (one per connection pool or SQLite connection, made once). */
export function letterLoaderFor(db: Database): LetterLoader {
  let loader = loaders.get(db)
  if (!loader) {
    loader = createLetterLoader(db)
    loaders.set(db, loader)
  }
  return loader
}

function createLetterLoader(db: Database): LetterLoader {
  const options = { cache: false, maxBatchSize: MAX_BATCH } as const
  // The kept PDF read with each letter (one query for both): pdf() finds it by the row it is given.
  const keptWith = new WeakMap<LetterRow, KeptPdf | null>()
  const letters = new DataLoader<number, LetterRow | null>(async (ids) => {
    const byId = new Map<number, LetterRow>()
    for (const { letter, kept } of await findLettersWithKeptPdfs(db, ids)) {
      keptWith.set(letter, kept)
      byId.set(letter.id, letter)
    }
    return ids.map((id) => byId.get(id) ?? null)
  }, options)
  const kept = new DataLoader<number, KeptPdf | null>(async (ids) => {
    const byId = await findKeptPdfs(db, ids)
    return ids.map((id) => byId.get(id) ?? null)
  }, options)
  return {
    letter: async (id) => (await letters.load(id)) ?? undefined,
    pdf: (ctx, row) =>
      letterPdfBytes(ctx, row, async (id) => {
        const known = keptWith.get(row as LetterRow)
        return (known === undefined ? await kept.load(id) : known) ?? undefined
      }),
  }
}
