// The bounce settings of loadConfig (config.ts), apart: VERP envelope senders and the mailbox the
// delivery status notifications arrive in (src/delivery/bounce-*.ts).

export interface ImapAccount {
  readonly host: string
  readonly port: number
  /** imaps: TLS from the start; imap: plain, upgraded with STARTTLS where the server offers it. */
  readonly secure: boolean
  readonly user: string
  readonly password: string
  readonly mailbox: string
}

export interface BounceConfig {
  /** BOUNCE_ADDRESS split: each message's envelope sender is <local>+<token>@<domain>; null: MAIL_FROM's. */
  readonly address: { readonly local: string; readonly domain: string } | null
  /** BOUNCE_SECRET: the key of the tokens' HMAC, so that nobody can forge a bounce for a message. */
  readonly secret: string | null
  /** BOUNCE_IMAP_URL: where the notifications are read; null: they are not read. */
  readonly imap: ImapAccount | null
  /** The least time between two readings of the mailbox (the outbox pass asks far more often). */
  readonly checkIntervalMs: number
}

const LOCAL_PART = /^[A-Za-z0-9._-]+$/
const DOMAIN =
  /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/

/** Reads BOUNCE_ADDRESS, BOUNCE_SECRET, BOUNCE_IMAP_URL and BOUNCE_CHECK_INTERVAL_MS; adds to `problems`. */
export function parseBounceConfig(env: Record<string, string | undefined>, problems: string[]): BounceConfig {
  const addressText = env.BOUNCE_ADDRESS?.trim() || ''
  let address: BounceConfig['address'] = null
  if (addressText) {
    const [local = '', domain = '', ...rest] = addressText.split('@')
    // A "+" in the local part would be taken for the token's separator.
    if (rest.length > 0 || !LOCAL_PART.test(local) || !DOMAIN.test(domain)) {
      problems.push(
        `BOUNCE_ADDRESS must be one plain address without "+", e.g. bounces@example.org (got "${addressText}")`,
      )
    } else {
      address = Object.freeze({ local, domain: domain.toLowerCase() })
    }
  }
  const secret = env.BOUNCE_SECRET?.trim() || null
  if (addressText && (secret === null || secret.length < 32)) {
    problems.push(
      'BOUNCE_SECRET must be set, at least 32 characters (e.g. `openssl rand -hex 32`), when BOUNCE_ADDRESS is: it signs each message’s bounce address',
    )
  }
  const imapText = env.BOUNCE_IMAP_URL?.trim() || ''
  const imap = imapText ? parseImapUrl(imapText, problems) : null
  const intervalText = env.BOUNCE_CHECK_INTERVAL_MS?.trim() || '300000'
  const checkIntervalMs = Number(intervalText)
  if (!/^\d+$/.test(intervalText) || checkIntervalMs < 1000 || checkIntervalMs > 86_400_000) {
    problems.push(
      `BOUNCE_CHECK_INTERVAL_MS must be a whole number from 1000 to 86400000 (got "${intervalText}")`,
    )
  }
  return Object.freeze({
    address,
    secret: address ? secret : null,
    imap,
    checkIntervalMs: Number.isFinite(checkIntervalMs) ? checkIntervalMs : 300_000,
  })
}

/** imaps://user:password@host[:993][/MAILBOX]; the user and password percent-encoded. */
function parseImapUrl(text: string, problems: string[]): ImapAccount | null {
  const example = 'imaps://user:password@imap.example.org:993/INBOX'
  let url: URL
  try {
    url = new URL(text)
  } catch {
    problems.push(`BOUNCE_IMAP_URL must be a URL such as ${example}`)
    return null
  }
  if (url.protocol !== 'imap:' && url.protocol !== 'imaps:') {
    problems.push(`BOUNCE_IMAP_URL must start with imaps:// (or imap://), e.g. ${example}`)
    return null
  }
  if (!url.username || !url.password || !url.hostname) {
    problems.push(`BOUNCE_IMAP_URL must name the user, password and host, e.g. ${example}`)
    return null
  }
  const secure = url.protocol === 'imaps:'
  const mailbox = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'INBOX'
  return Object.freeze({
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : secure ? 993 : 143,
    secure,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    mailbox,
  })
}
