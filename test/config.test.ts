import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../src/config.js'
import { DEFAULT_SYNCHRONOUS } from '../src/db/durability.js'

describe('loadConfig', () => {
  it('has defaults that need no set-up', () => {
    const config = loadConfig({})
    expect(config).toEqual({
      port: 3000,
      host: '127.0.0.1',
      databasePath: path.resolve('data/app.sqlite'),
      sqliteSynchronous: DEFAULT_SYNCHRONOUS,
      databaseUrl: null,
      databasePoolSize: 10,
      publicUrl: 'http://localhost:3000',
      logLevel: 'info',
      mail: {
        smtpUrl: null,
        from: 'Code Blue letters <letters@localhost>',
        outboxDir: path.resolve('data/outbox'),
        missionDailyCap: 20,
        mode: 'individual',
        maxAttempts: 8,
        workerInServer: true,
        workerIntervalMs: 5000,
        poolConnections: 5,
        concurrency: 10,
        dkim: null,
      },
      bounces: { address: null, secret: null, imap: null, checkIntervalMs: 300_000 },
      trustProxy: false,
      embedOrigins: [],
      requestTimeoutMs: 30_000,
      rateLimits: { letters: 60, sends: 10, logins: 10, notFound: 120, store: 'memory' },
      members: { retentionDays: 365, updatesPerMinute: 60 },
      missionEmailChangeDelayHours: 72,
      campaign: {
        signatoryName: null,
        signatoryTitle: 'AIDS-Free World',
        signatoryTitles: {},
        website: null,
        addressLines: [],
        email: null,
        phone: null,
      },
    })
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('reads every variable and trims a trailing slash from PUBLIC_URL', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      DATABASE_PATH: '/var/lib/code-blue/app.sqlite',
      PUBLIC_URL: 'https://letters.example.org/',
      LOG_LEVEL: 'warn',
    })
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      databasePath: '/var/lib/code-blue/app.sqlite',
      publicUrl: 'https://letters.example.org',
      logLevel: 'warn',
    })
  })

  it('reads DATABASE_URL (PostgreSQL) and names the variable, not its password, when it is not one', () => {
    expect(loadConfig({ DATABASE_URL: ' postgres://cb:secret@db.example:5432/code_blue ' }).databaseUrl).toBe(
      'postgres://cb:secret@db.example:5432/code_blue',
    )
    expect(loadConfig({ DATABASE_URL: 'postgresql://localhost/code_blue' }).databaseUrl).toBe(
      'postgresql://localhost/code_blue',
    )
    for (const bad of ['mysql://cb:secret@db/code_blue', 'postgres://cb:secret@db', 'not a url']) {
      try {
        loadConfig({ DATABASE_URL: bad })
        expect.unreachable(`${bad} was accepted`)
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError)
        const [problem] = (error as ConfigError).problems
        expect(problem).toMatch(/^DATABASE_URL must be a PostgreSQL URL/)
        expect(problem).not.toContain('secret')
      }
    }
  })

  it('reads DATABASE_POOL_SIZE, refusing 0, more than 1000 and words, by name', () => {
    expect(loadConfig({ DATABASE_POOL_SIZE: ' 25 ' }).databasePoolSize).toBe(25)
    for (const bad of ['0', '1001', 'ten', '2.5']) {
      expect(() => loadConfig({ DATABASE_POOL_SIZE: bad }), bad).toThrow(
        `DATABASE_POOL_SIZE must be a whole number from 1 to 1000 (got "${bad}")`,
      )
    }
  })

  it('reads the campaign letterhead: address lines split at ";", e-mail and telephone', () => {
    const { campaign } = loadConfig({
      CAMPAIGN_ADDRESS: ' 1 Example Plaza ;New York, NY 10017; ',
      CAMPAIGN_EMAIL: ' letters@example.org ',
      CAMPAIGN_PHONE: '+1 212 555 0100',
    })
    expect(campaign.addressLines).toEqual(['1 Example Plaza', 'New York, NY 10017'])
    expect(campaign.email).toBe('letters@example.org')
    expect(campaign.phone).toBe('+1 212 555 0100')
  })

  it('reads the signatory, and the title per letter language where one is given', () => {
    const { campaign } = loadConfig({
      CAMPAIGN_SIGNATORY_NAME: ' Paula Donovan ',
      CAMPAIGN_SIGNATORY_TITLE: 'Co-Director, AIDS-Free World',
      CAMPAIGN_SIGNATORY_TITLE_FR: 'Codirectrice, AIDS-Free World',
      CAMPAIGN_SIGNATORY_TITLE_AR: 'المديرة المشاركة، AIDS-Free World',
      CAMPAIGN_SIGNATORY_TITLE_DE: 'ignored: not a letter language',
    })
    expect(campaign.signatoryName).toBe('Paula Donovan')
    expect(campaign.signatoryTitle).toBe('Co-Director, AIDS-Free World')
    expect(campaign.signatoryTitles).toEqual({
      fr: 'Codirectrice, AIDS-Free World',
      ar: 'المديرة المشاركة، AIDS-Free World',
    })
  })

  it('reads EMBED_ORIGINS as origins, refusing a path or another scheme', () => {
    expect(
      loadConfig({ EMBED_ORIGINS: 'https://partner.example, http://127.0.0.1:8081' }).embedOrigins,
    ).toEqual(['https://partner.example', 'http://127.0.0.1:8081'])
    expect(() => loadConfig({ EMBED_ORIGINS: 'https://partner.example/page' })).toThrow(/EMBED_ORIGINS/)
    expect(() => loadConfig({ EMBED_ORIGINS: 'javascript:alert(1)' })).toThrow(/EMBED_ORIGINS/)
    expect(() => loadConfig({ EMBED_ORIGINS: "'unsafe-inline'" })).toThrow(/EMBED_ORIGINS/)
  })

  it('reports every problem at once, naming each variable', () => {
    let error: unknown
    try {
      loadConfig({ PORT: 'eighty', PUBLIC_URL: 'ftp://x', LOG_LEVEL: 'loud' })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    const problems = (error as ConfigError).problems
    expect(problems).toHaveLength(3)
    expect(problems.join('\n')).toMatch(/PORT[\s\S]*PUBLIC_URL[\s\S]*LOG_LEVEL/)
  })

  it('reads the outbox pool and concurrency, refusing 0 and more than their bounds', () => {
    const mail = loadConfig({ SMTP_POOL_CONNECTIONS: '8', OUTBOX_CONCURRENCY: '16' }).mail
    expect([mail.poolConnections, mail.concurrency]).toEqual([8, 16])
    let error: unknown
    try {
      loadConfig({ SMTP_POOL_CONNECTIONS: '0', OUTBOX_CONCURRENCY: '1001' })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).problems).toEqual([
      'SMTP_POOL_CONNECTIONS must be a whole number from 1 to 100 (got "0")',
      'OUTBOX_CONCURRENCY must be a whole number from 1 to 1000 (got "1001")',
    ])
  })

  it('keeps rate limits in memory unless RATE_LIMIT_STORE says database, and refuses anything else', () => {
    expect(loadConfig({}).rateLimits.store).toBe('memory')
    expect(loadConfig({ RATE_LIMIT_STORE: 'database' }).rateLimits.store).toBe('database')
    expect(() => loadConfig({ RATE_LIMIT_STORE: 'redis' })).toThrow(
      'RATE_LIMIT_STORE must be memory or database (got "redis")',
    )
  })

  it('reads TRUST_PROXY as the proxies to believe: addresses, CIDR ranges and range names', () => {
    expect(loadConfig({ TRUST_PROXY: 'off' }).trustProxy).toBe(false)
    expect(loadConfig({ TRUST_PROXY: '127.0.0.1' }).trustProxy).toEqual(['127.0.0.1'])
    expect(loadConfig({ TRUST_PROXY: ' 10.0.0.0/8, ::1 ,loopback,fd00::/8' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '::1',
      'loopback',
      'fd00::/8',
    ])
    expect(loadConfig({ REQUEST_TIMEOUT_MS: '5000' }).requestTimeoutMs).toBe(5000)
  })

  it('refuses a TRUST_PROXY that would let visitors choose their own address, naming it', () => {
    // "true" and a hop count believe X-Forwarded-For from anyone who connects; /0 is every address.
    for (const value of [
      'true',
      '1',
      '0.0.0.0/0',
      'proxy.example.org',
      '10.0.0.0/33',
      '127.0.0.1,',
      '::1/x',
    ]) {
      let error: unknown
      try {
        loadConfig({ TRUST_PROXY: value })
      } catch (e) {
        error = e
      }
      expect(error, value).toBeInstanceOf(ConfigError)
      const problems = (error as ConfigError).problems
      expect(problems, value).toHaveLength(1)
      expect(problems[0]).toMatch(/^TRUST_PROXY must /)
    }
    expect(() => loadConfig({ REQUEST_TIMEOUT_MS: '30s' })).toThrow(
      /REQUEST_TIMEOUT_MS must be a whole number/,
    )
  })
})
