import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../src/config.js'
import { bounceAddressFor, matchBounceAddress } from '../../src/outbox/bounce-address.js'

// The bounce settings (BOUNCE_ADDRESS, BOUNCE_SECRET, BOUNCE_IMAP_URL) and the bounce addresses
// they make: one per message, signed, read back only with the right signature.

const SECRET = 'a-test-secret-of-at-least-32-characters'

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env)
    return []
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems]
    throw error
  }
}

describe('the bounce settings', () => {
  it('reads the bounce address, its secret and the IMAP mailbox', () => {
    const config = loadConfig({
      BOUNCE_ADDRESS: 'bounces@Bounce.Example.org',
      BOUNCE_SECRET: SECRET,
      BOUNCE_IMAP_URL: 'imaps://bounce%40example.org:p%40ss%3Aword@imap.example.org/Bounces%20In',
      BOUNCE_CHECK_INTERVAL_MS: '60000',
    })
    expect(config.bounces).toEqual({
      address: { local: 'bounces', domain: 'bounce.example.org' },
      secret: SECRET,
      imap: {
        host: 'imap.example.org',
        port: 993,
        secure: true,
        user: 'bounce@example.org',
        password: 'p@ss:word',
        mailbox: 'Bounces In',
      },
      checkIntervalMs: 60_000,
    })
    expect(loadConfig({ BOUNCE_IMAP_URL: 'imap://u:p@127.0.0.1:1143' }).bounces.imap).toMatchObject({
      port: 1143,
      secure: false,
      mailbox: 'INBOX',
    })
  })

  it('reports every problem with them at once, naming each variable', () => {
    const problems = problemsOf({
      BOUNCE_ADDRESS: 'bounces+x@example.org',
      BOUNCE_IMAP_URL: 'https://imap.example.org',
      BOUNCE_CHECK_INTERVAL_MS: '10',
    })
    expect(problems).toEqual([
      expect.stringMatching(/^BOUNCE_ADDRESS must be one plain address without "\+"/),
      expect.stringMatching(/^BOUNCE_SECRET must be set, at least 32 characters/),
      expect.stringMatching(/^BOUNCE_IMAP_URL must start with imaps:\/\//),
      expect.stringMatching(/^BOUNCE_CHECK_INTERVAL_MS must be a whole number/),
    ])
    expect(problemsOf({ BOUNCE_ADDRESS: 'b@example.org', BOUNCE_SECRET: 'short' })).toEqual([
      expect.stringMatching(/^BOUNCE_SECRET must be set, at least 32 characters/),
    ])
    expect(problemsOf({ BOUNCE_IMAP_URL: 'imaps://imap.example.org' })).toEqual([
      expect.stringMatching(/^BOUNCE_IMAP_URL must name the user, password and host/),
    ])
  })
})

describe('a message’s bounce address', () => {
  const config = loadConfig({ BOUNCE_ADDRESS: 'bounces@bounce.example.org', BOUNCE_SECRET: SECRET })

  it('is read back to its message only with the right signature', () => {
    const address = bounceAddressFor(config, { id: 42 }) ?? ''
    expect(address).toMatch(/^bounces\+42-[0-9a-f]{20}@bounce\.example\.org$/)
    expect(matchBounceAddress(config, address)).toEqual({ kind: 'valid', outboxId: 42 })
    // A server that folds the address to upper or lower case still names the message.
    expect(matchBounceAddress(config, address.toUpperCase())).toEqual({ kind: 'valid', outboxId: 42 })
    // Another message's id with this signature, a signature changed, none: forged.
    expect(matchBounceAddress(config, address.replace('+42-', '+43-'))).toEqual({ kind: 'forged' })
    const last = address.at(address.indexOf('@') - 1)
    const flipped = address.replace(/[0-9a-f]@/, `${last === '0' ? '1' : '0'}@`)
    expect(matchBounceAddress(config, flipped)).toEqual({ kind: 'forged' })
    expect(matchBounceAddress(config, 'bounces+42@bounce.example.org')).toEqual({ kind: 'forged' })
    // Not a bounce address of ours at all.
    expect(matchBounceAddress(config, 'bounces@bounce.example.org')).toEqual({ kind: 'none' })
    expect(matchBounceAddress(config, address.replace('bounce.example.org', 'example.net'))).toEqual({
      kind: 'none',
    })
  })

  it('is made only with BOUNCE_ADDRESS set, and differs with another secret', () => {
    expect(bounceAddressFor(loadConfig({}), { id: 42 })).toBeNull()
    const other = loadConfig({ BOUNCE_ADDRESS: 'bounces@bounce.example.org', BOUNCE_SECRET: `${SECRET}-2` })
    const address = bounceAddressFor(other, { id: 42 }) ?? ''
    expect(address).not.toBe(bounceAddressFor(config, { id: 42 }))
    expect(matchBounceAddress(config, address)).toEqual({ kind: 'forged' })
  })
})
