import { type Kysely, sql } from 'kysely'

interface LocaleProbe {
  name: string
  encoding: string
  collate: string
  ctype: string
  /** 'c' libc, 'i' ICU, 'b' builtin (PostgreSQL 17); absent before PostgreSQL 15. */
  provider: string | null
  /** The ICU or builtin locale, when the provider is not libc. */
  locale: string | null
  /** 1 when the database's default collation orders text as its bytes ('B' < 'a', '-' counted, 'é' after 'z'). */
  bytewise: number
  /** 1 when lower() folds ASCII letters only, as SQLite's does. */
  asciiLower: number
}

/**
 * Refuses a PostgreSQL database whose text does not behave as on SQLite, where the service was
 * first written: text is compared and sorted byte by byte (ISO times, cursors, names, codes) and
 * lower() folds ASCII letters only (the e-mail address lookups fold in JavaScript by that rule,
 * src/letters/letter-redaction.ts). A database made with another locale answers differently from
 * the same data, silently: en_US.UTF-8 sorts 'a' before 'B' and skips punctuation; C.UTF-8
 * lower-cases 'É'. The probes test what the service relies on, whichever provider (libc, ICU)
 * gives the locale.
 */
export async function checkPostgresLocale(db: Pick<Kysely<unknown>, 'getExecutor'>): Promise<void> {
  // @NOTE to_jsonb(d): datlocprovider and the ICU locale's column (daticulocale, datlocale from
  // PostgreSQL 17) differ between versions; a missing key reads as null rather than failing.
  const { rows } = await sql<LocaleProbe>`
    select d.datname as name, pg_encoding_to_char(d.encoding) as encoding,
      d.datcollate as collate, d.datctype as ctype,
      to_jsonb(d) ->> 'datlocprovider' as provider,
      coalesce(to_jsonb(d) ->> 'datlocale', to_jsonb(d) ->> 'daticulocale') as locale,
      'B' < 'a' and 'a-c' < 'ab' and 'z' < 'é' as bytewise,
      lower('É') = 'É' as "asciiLower"
    from pg_database d where d.datname = current_database()`.execute(db)
  const probe = rows[0]
  if (!probe) throw new Error('PostgreSQL did not describe the current database (pg_database)')
  if (probe.encoding === 'UTF8' && probe.bytewise === 1 && probe.asciiLower === 1) return
  const name = /^[a-z_][a-z0-9_]*$/.test(probe.name) ? probe.name : `"${probe.name.replace(/"/g, '""')}"`
  const settings = [
    `ENCODING '${probe.encoding}'`,
    `LC_COLLATE '${probe.collate}'`,
    `LC_CTYPE '${probe.ctype}'`,
    ...(probe.provider && probe.provider !== 'c' && probe.locale
      ? [`${probe.provider === 'i' ? 'ICU' : 'builtin'} locale '${probe.locale}'`]
      : []),
  ]
  throw new Error(
    `The PostgreSQL database ${name} (${settings.join(', ')}) does not compare text byte by byte as the service needs: create it with CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER libc LC_COLLATE 'C' LC_CTYPE 'C' (one with data: pg_dump it, create it again so, pg_restore)`,
  )
}
