import crypto, { type KeyObject } from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { type BounceConfig, parseBounceConfig } from './config-bounces.js'
import { DEFAULT_SYNCHRONOUS, SYNCHRONOUS_MODES, type SynchronousMode } from './db/durability.js'
import { trimEndWhere } from './lib/text-safety.js'

/** What nodemailer signs every message with (DKIM_DOMAIN, DKIM_SELECTOR, DKIM_PRIVATE_KEY or _FILE). */
export interface DkimConfig {
  /** The d= tag: receivers fetch the public key from `<keySelector>._domainkey.<domainName>`. */
  readonly domainName: string
  readonly keySelector: string
  /** A KeyObject, not PEM text: a printed or serialized config never shows the key. */
  readonly privateKey: KeyObject
}

export interface MailConfig {
  /** smtp(s)://user:pass@host:port; null: messages are written as .eml files to `outboxDir`. */
  readonly smtpUrl: string | null
  /** The campaign's sender address, e.g. "Code Blue letters <letters@example.org>". */
  readonly from: string
  readonly outboxDir: string
  /** Letters e-mailed to one mission per day; more wait for the next day (UTC). */
  readonly missionDailyCap: number
  /** 'individual': one e-mail per letter; 'digest': one e-mail per mission per day, all letters in one PDF. */
  readonly mode: 'individual' | 'digest'
  /** Attempts before a temporary failure becomes final. */
  readonly maxAttempts: number
  /** Run the outbox worker inside the server (off when a separate `npm run outbox:work` runs it). */
  readonly workerInServer: boolean
  readonly workerIntervalMs: number
  /** SMTP connections the pool keeps open to the mail server (SMTP_POOL_CONNECTIONS). */
  readonly poolConnections: number
  /** Messages the outbox hands over at once (OUTBOX_CONCURRENCY); 1 sends one at a time. */
  readonly concurrency: number
  /** null: messages go out unsigned. */
  readonly dkim: DkimConfig | null
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'

export interface Config {
  readonly port: number
  readonly host: string
  /** Path of the SQLite file, or ':memory:'; unused when `databaseUrl` is set. */
  readonly databasePath: string
  /** SQLITE_SYNCHRONOUS: FULL, a commit is on disk before the answer; NORMAL, a power cut may lose the last ones. */
  readonly sqliteSynchronous: SynchronousMode
  /** postgres://… (DATABASE_URL): the service runs on PostgreSQL; null: on the SQLite file. */
  readonly databaseUrl: string | null
  /** DATABASE_POOL_SIZE: connections to PostgreSQL a process keeps at most; unused on SQLite. */
  readonly databasePoolSize: number
  /** Where people reach the site; links that leave the site (e-mails, PDFs) start with it. */
  readonly publicUrl: string
  readonly logLevel: LogLevel
  readonly mail: MailConfig
  /** Bounce addresses per message and the mailbox their notifications are read from (config-bounces.ts). */
  readonly bounces: BounceConfig
  /**
   * The reverse proxies whose X-Forwarded-For (and -Proto, -Host) are believed: addresses, CIDR
   * ranges or proxy-addr's names (loopback, linklocal, uniquelocal), as Fastify's `trustProxy`
   * takes them; false: none, the client is the socket's address.
   */
  readonly trustProxy: readonly string[] | false
  /** Partner sites that may frame the letter form (/embed/…): origins, e.g. https://partner.example. */
  readonly embedOrigins: readonly string[]
  /** A request, headers and body, must arrive whole within this many ms, or it is answered 408. */
  readonly requestTimeoutMs: number
  /** Per client IP and hour: letters written, e-mail confirmations asked for; per 15 minutes: sign-in attempts; per minute: 404s. */
  readonly rateLimits: {
    readonly letters: number
    readonly sends: number
    readonly logins: number
    readonly notFound: number
    /**
     * Where the counts are kept: each process's memory, or the database, shared by every app
     * instance on it (several instances behind a load balancer).
     */
    readonly store: 'memory' | 'database'
  }
  /** Members and their data (issue 6). */
  readonly members: {
    /** Days after delivery when a letter's personal paragraph and postal address are removed. */
    readonly retentionDays: number
    /** Campaign update e-mails the outbox sends per minute at most (mail servers throttle bulk senders). */
    readonly updatesPerMinute: number
  }
  /**
   * With a single admin, a change of a mission's e-mail address takes effect this many hours after
   * every admin was e-mailed about it, unless rejected (with two or more, an admin must approve).
   */
  readonly missionEmailChangeDelayHours: number
  readonly campaign: {
    /** Who signs the campaign's letter; null: the campaign itself, named in each letter's language. */
    readonly signatoryName: string | null
    readonly signatoryTitle: string
    /** The title in a given letter language (CAMPAIGN_SIGNATORY_TITLE_FR, _ES, _AR, _ZH, _RU, _EN). */
    readonly signatoryTitles: Readonly<Record<string, string>>
    readonly website: string | null
    /** The campaign's postal address, printed in its letterhead (CAMPAIGN_ADDRESS, lines split by ";"). */
    readonly addressLines: readonly string[]
    readonly email: string | null
    readonly phone: string | null
  }
}

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

/** The ranges proxy-addr (under Fastify's trustProxy) knows by name. */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal']

/**
 * TRUST_PROXY: unset or "off", or a comma-separated list of proxy addresses, CIDR ranges and
 * range names. Returns the list (false for off) or the problem with it.
 *
 * @NOTE No hop count and no "true": either makes X-Forwarded-For believed from whoever connects,
 * and a visitor who writes the header themselves picks the address their rate limits count
 * against (Fastify 5.12.1 stopped honouring hop counts for that reason). Naming the proxy's own
 * address lets only what the proxy appended count.
 */
function parseTrustProxy(text: string): { value: readonly string[] | false; problem?: string } {
  if (text === '' || text === 'off') return { value: false }
  const example = 'e.g. 127.0.0.1, loopback or 10.0.0.0/8'
  if (/^(true|on|yes)$/i.test(text) || /^\d+$/.test(text)) {
    return {
      value: false,
      problem: `TRUST_PROXY must name the proxy's addresses (${example}), not "${text}": that would let any visitor choose the address their rate limits count against`,
    }
  }
  const entries = text.split(',').map((entry) => entry.trim())
  const bad = entries.filter((entry) => {
    if (PROXY_RANGE_NAMES.includes(entry)) return false
    const [address = '', prefix, ...rest] = entry.split('/')
    const family = net.isIP(address)
    if (family === 0 || rest.length > 0) return true
    if (prefix === undefined) return false
    // A /0 range is every address: the same as trusting every client.
    return !/^\d+$/.test(prefix) || Number(prefix) < 1 || Number(prefix) > (family === 4 ? 32 : 128)
  })
  if (bad.length > 0) {
    return {
      value: false,
      problem: `TRUST_PROXY must be off or a comma-separated list of proxy addresses or CIDR ranges (${example}); not understood: ${bad.map((b) => `"${b}"`).join(', ')}`,
    }
  }
  return { value: Object.freeze(entries) }
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n- ${problems.join('\n- ')}`)
    this.name = 'ConfigError'
  }
}

/**
 * Reads the configuration from environment variables (see the README's table). Pure: it reads
 * only `env` (and the key file DKIM_PRIVATE_KEY_FILE names), and reports every problem at once
 * rather than stopping at the first.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const problems: string[] = []
  const text = (name: string, fallback: string): string => {
    const value = env[name]?.trim()
    return value ? value : fallback
  }

  const portText = text('PORT', '3000')
  const port = Number(portText)
  if (!/^\d+$/.test(portText) || port < 0 || port > 65535) {
    problems.push(`PORT must be a whole number from 0 to 65535 (got "${portText}")`)
  }

  const host = text('HOST', '127.0.0.1')
  const databaseText = text('DATABASE_PATH', 'data/app.sqlite')
  const databasePath = databaseText === ':memory:' ? databaseText : path.resolve(databaseText)
  const synchronousText = text('SQLITE_SYNCHRONOUS', DEFAULT_SYNCHRONOUS).toUpperCase()
  const sqliteSynchronous = SYNCHRONOUS_MODES.find((mode) => mode === synchronousText) ?? DEFAULT_SYNCHRONOUS
  if (sqliteSynchronous !== synchronousText) {
    problems.push(
      `SQLITE_SYNCHRONOUS must be ${SYNCHRONOUS_MODES.join(' or ')} (got "${env.SQLITE_SYNCHRONOUS?.trim()}")`,
    )
  }
  const databaseUrl = env.DATABASE_URL?.trim() || null
  if (databaseUrl !== null && !isPostgresUrl(databaseUrl)) {
    // The URL may hold a password: the problem names the variable, not its value.
    problems.push(
      'DATABASE_URL must be a PostgreSQL URL such as postgres://user:password@host:5432/code_blue (postgres:// or postgresql://)',
    )
  }

  const publicUrlText = text('PUBLIC_URL', `http://localhost:${Number.isFinite(port) ? port : 3000}`)
  let publicUrl = publicUrlText
  try {
    const url = new URL(publicUrlText)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme')
    publicUrl = url.origin + trimEndWhere(url.pathname, (char) => char === '/')
  } catch {
    problems.push(
      `PUBLIC_URL must be an http(s) URL such as https://letters.example.org (got "${publicUrlText}")`,
    )
  }

  const logLevel = text('LOG_LEVEL', 'info') as LogLevel
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`)
  }

  const campaign = Object.freeze({
    signatoryName: env.CAMPAIGN_SIGNATORY_NAME?.trim() || null,
    signatoryTitle: text('CAMPAIGN_SIGNATORY_TITLE', 'AIDS-Free World'),
    signatoryTitles: Object.freeze(
      Object.fromEntries(
        ['en', 'fr', 'es', 'ar', 'zh', 'ru'].flatMap((language) => {
          const title = env[`CAMPAIGN_SIGNATORY_TITLE_${language.toUpperCase()}`]?.trim()
          return title ? [[language, title]] : []
        }),
      ),
    ),
    website: env.CAMPAIGN_WEBSITE?.trim() || null,
    addressLines: Object.freeze(
      (env.CAMPAIGN_ADDRESS ?? '')
        .split(';')
        .map((line) => line.trim())
        .filter(Boolean),
    ),
    email: env.CAMPAIGN_EMAIL?.trim() || null,
    phone: env.CAMPAIGN_PHONE?.trim() || null,
  })

  const whole = (name: string, fallback: number, min: number, max: number): number => {
    const value = text(name, String(fallback))
    const n = Number(value)
    if (!/^\d+$/.test(value) || n < min || n > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${value}")`)
      return fallback
    }
    return n
  }
  // Each process (server, outbox:work) holds a pool: their sum must stay under the server's
  // max_connections (100 by default).
  const databasePoolSize = whole('DATABASE_POOL_SIZE', 10, 1, 1000)
  const smtpUrl = env.SMTP_URL?.trim() || null
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) problems.push('SMTP_URL must start with smtp:// or smtps://')
  const mode = text('DELIVERY_MODE', 'individual')
  if (mode !== 'individual' && mode !== 'digest')
    problems.push(`DELIVERY_MODE must be individual or digest (got "${mode}")`)
  const from = text('MAIL_FROM', 'Code Blue letters <letters@localhost>')
  if (/[\r\n]/.test(from) || !/@/.test(from))
    problems.push('MAIL_FROM must be one e-mail address, e.g. "Code Blue <letters@example.org>"')
  const workerFlag = text('OUTBOX_WORKER', 'on')
  if (workerFlag !== 'on' && workerFlag !== 'off')
    problems.push(`OUTBOX_WORKER must be on or off (got "${workerFlag}")`)
  const mail: MailConfig = Object.freeze({
    smtpUrl,
    from,
    outboxDir: path.resolve(text('OUTBOX_DIR', 'data/outbox')),
    missionDailyCap: whole('MISSION_DAILY_CAP', 20, 1, 10_000),
    mode: mode === 'digest' ? 'digest' : 'individual',
    maxAttempts: whole('OUTBOX_MAX_ATTEMPTS', 8, 1, 50),
    workerInServer: workerFlag !== 'off',
    workerIntervalMs: whole('OUTBOX_INTERVAL_MS', 5000, 50, 3_600_000),
    poolConnections: whole('SMTP_POOL_CONNECTIONS', 5, 1, 100),
    concurrency: whole('OUTBOX_CONCURRENCY', 10, 1, 1000),
    dkim: readDkimConfig(env, from, problems),
  })

  const rateLimitStore = text('RATE_LIMIT_STORE', 'memory')
  if (rateLimitStore !== 'memory' && rateLimitStore !== 'database')
    problems.push(`RATE_LIMIT_STORE must be memory or database (got "${rateLimitStore}")`)
  const rateLimits = Object.freeze({
    letters: whole('RATE_LIMIT_LETTERS', 60, 1, 1_000_000),
    sends: whole('RATE_LIMIT_SENDS', 10, 1, 1_000_000),
    logins: whole('RATE_LIMIT_LOGINS', 10, 1, 1_000_000),
    notFound: whole('RATE_LIMIT_NOT_FOUND', 120, 1, 1_000_000),
    store: rateLimitStore === 'database' ? ('database' as const) : ('memory' as const),
  })

  const trustProxy = parseTrustProxy(text('TRUST_PROXY', 'off'))
  if (trustProxy.problem) problems.push(trustProxy.problem)
  const embedOrigins = parseOrigins(env.EMBED_ORIGINS ?? '')
  if (embedOrigins.problem) problems.push(embedOrigins.problem)
  const requestTimeoutMs = whole('REQUEST_TIMEOUT_MS', 30_000, 100, 600_000)

  const members = Object.freeze({
    retentionDays: whole('RETENTION_DAYS', 365, 1, 36_500),
    updatesPerMinute: whole('UPDATES_PER_MINUTE', 60, 1, 100_000),
  })
  const missionEmailChangeDelayHours = whole('MISSION_EMAIL_CHANGE_DELAY_HOURS', 72, 1, 8_760)
  const bounces = parseBounceConfig(env, problems)

  if (problems.length > 0) throw new ConfigError(problems)
  return Object.freeze({
    port,
    host,
    databasePath,
    sqliteSynchronous,
    databaseUrl,
    databasePoolSize,
    publicUrl,
    logLevel,
    mail,
    bounces,
    trustProxy: trustProxy.value,
    embedOrigins: Object.freeze(embedOrigins.value),
    requestTimeoutMs,
    rateLimits,
    members,
    missionEmailChangeDelayHours,
    campaign,
  })
}

/**
 * EMBED_ORIGINS: origins separated by commas or spaces ("https://partner.example, https://b.org"),
 * each a scheme, host and optional port and nothing else, for the CSP's frame-ancestors.
 */
function parseOrigins(raw: string): { value: string[]; problem: string | null } {
  const value: string[] = []
  for (const item of raw.split(/[\s,]+/).filter(Boolean)) {
    let origin: string | null = null
    try {
      const url = new URL(item)
      if ((url.protocol === 'https:' || url.protocol === 'http:') && url.origin === item.replace(/\/$/, ''))
        origin = url.origin
    } catch {
      origin = null
    }
    if (!origin)
      return {
        value: [],
        problem: `EMBED_ORIGINS must list origins such as https://partner.example, without a path (got "${item}")`,
      }
    value.push(origin)
  }
  return { value, problem: null }
}

/** RFC 6376 wants d= and s= as DNS names of letter-digit-hyphen labels (an IDN in its xn-- form). */
function isDnsName(name: string): boolean {
  const label = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i
  return name.length <= 253 && name.split('.').every((part) => label.test(part))
}

/**
 * DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY (or DKIM_PRIVATE_KEY_FILE): all or none. Any
 * fault is a problem rather than unsigned mail, since a campaign that publishes a DMARC policy
 * would see its unsigned letters junked with no error anywhere.
 */
function readDkimConfig(
  env: Record<string, string | undefined>,
  from: string,
  problems: string[],
): DkimConfig | null {
  const value = (name: string): string => env[name]?.trim() ?? ''
  const domainName = value('DKIM_DOMAIN').toLowerCase()
  const keySelector = value('DKIM_SELECTOR')
  const keyText = value('DKIM_PRIVATE_KEY')
  const keyFile = value('DKIM_PRIVATE_KEY_FILE')
  if (!domainName && !keySelector && !keyText && !keyFile) return null

  const before = problems.length
  const missing = [
    domainName ? null : 'DKIM_DOMAIN',
    keySelector ? null : 'DKIM_SELECTOR',
    keyText || keyFile ? null : 'DKIM_PRIVATE_KEY (or DKIM_PRIVATE_KEY_FILE)',
  ].filter((name) => name !== null)
  if (missing.length > 0) {
    problems.push(
      `DKIM signing needs DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY or DKIM_PRIVATE_KEY_FILE; missing: ${missing.join(', ')}`,
    )
  }
  if (domainName && !isDnsName(domainName)) {
    problems.push(`DKIM_DOMAIN must be a domain name such as example.org (got "${domainName}")`)
  } else if (domainName) {
    checkDmarcAlignment(from, domainName, problems)
  }
  if (keySelector && !isDnsName(keySelector)) {
    problems.push(
      `DKIM_SELECTOR must be a DNS name of letters, digits and hyphens, such as mail2025 (got "${keySelector}")`,
    )
  }
  if (keyText && keyFile) problems.push('Set DKIM_PRIVATE_KEY or DKIM_PRIVATE_KEY_FILE, not both')
  const privateKey = Boolean(keyText) !== Boolean(keyFile) ? readDkimKey(keyText, keyFile, problems) : null
  if (problems.length > before || !privateKey) return null
  return Object.freeze({ domainName, keySelector, privateKey })
}

/**
 * DMARC passes on DKIM only when the signing domain is the From address's domain or a parent of
 * it: a signature for another domain proves nothing about the sender missions see.
 */
function checkDmarcAlignment(from: string, dkimDomain: string, problems: string[]): void {
  const address = /<([^<>]*)>\s*$/.exec(from)?.[1] ?? from
  const fromDomain = address
    .slice(address.lastIndexOf('@') + 1)
    .trim()
    .toLowerCase()
  if (fromDomain === dkimDomain || fromDomain.endsWith(`.${dkimDomain}`)) return
  problems.push(
    `MAIL_FROM's domain (${fromDomain}) must be DKIM_DOMAIN (${dkimDomain}) or a subdomain of it, or DMARC fails for signed mail`,
  )
}

/** The PEM key from the variable (`\n` escapes allowed, for one-line .env files) or the file. */
function readDkimKey(keyText: string, keyFile: string, problems: string[]): KeyObject | null {
  const source = keyText ? 'DKIM_PRIVATE_KEY' : 'DKIM_PRIVATE_KEY_FILE'
  let pem = keyText.replace(/\\n/g, '\n')
  if (!keyText) {
    try {
      pem = fs.readFileSync(keyFile, 'utf8')
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error)
      problems.push(`DKIM_PRIVATE_KEY_FILE cannot be read: ${keyFile} (${code})`)
      return null
    }
  }
  let key: KeyObject
  try {
    key = crypto.createPrivateKey(pem)
  } catch {
    // The key's text stays out of the message: it ends up in logs.
    problems.push(
      `${source} does not hold a private key in PEM form (-----BEGIN PRIVATE KEY-----, unencrypted)`,
    )
    return null
  }
  // Nodemailer signs rsa-sha256 only; RFC 8301 has receivers ignore RSA keys under 1024 bits.
  if (key.asymmetricKeyType !== 'rsa') {
    problems.push(`${source} must be an RSA key (got ${key.asymmetricKeyType ?? 'another kind'})`)
    return null
  }
  if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 1024) {
    problems.push(`${source} must be an RSA key of at least 1024 bits (2048 recommended)`)
    return null
  }
  return key
}

/** postgres:// or postgresql://, naming a database. */
function isPostgresUrl(text: string): boolean {
  try {
    const url = new URL(text)
    return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.pathname.length > 1
  } catch {
    return false
  }
}
