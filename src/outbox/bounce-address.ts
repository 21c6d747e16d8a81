import { createHmac, timingSafeEqual } from 'node:crypto'
import type Mail from 'nodemailer/lib/mailer/index.js'
import type { Config } from '../config.js'
import type { OutboxMessageRow } from '../db/schema.js'

// VERP: each message goes out with an envelope sender (Return-Path) of its own,
// bounces+<id>-<mac>@domain, so a bounce names the message it is about, even one that arrives
// days later from a server that quotes nothing of the original. The mac is an HMAC of the id under
// BOUNCE_SECRET: nobody without the secret can write a bounce address for a message.

type BounceSettings = Pick<Config, 'bounces'>

const MAC_LENGTH = 20 // hex digits: 80 bits

function macOf(secret: string, outboxId: number): string {
  return createHmac('sha256', secret).update(`outbox:${outboxId}`).digest('hex').slice(0, MAC_LENGTH)
}

/** The message's bounce address, or null when BOUNCE_ADDRESS is not set. */
export function bounceAddressFor(
  config: BounceSettings,
  message: Pick<OutboxMessageRow, 'id'>,
): string | null {
  const { address, secret } = config.bounces
  if (!address || !secret) return null
  return `${address.local}+${message.id}-${macOf(secret, message.id)}@${address.domain}`
}

/**
 * The SMTP envelope of an outbox message: its bounce address as the sender, its recipients as
 * stored. Undefined without BOUNCE_ADDRESS (nodemailer then takes the sender from From).
 */
export function envelopeFor(
  config: BounceSettings,
  message: Pick<OutboxMessageRow, 'id' | 'recipients'>,
): Mail.Envelope | undefined {
  const from = bounceAddressFor(config, message)
  return from ? { from, to: JSON.parse(message.recipients) as string[] } : undefined
}

/** The mail with its message's envelope, where BOUNCE_ADDRESS is set (the outbox's handover). */
export function withBounceEnvelope(
  config: BounceSettings,
  message: Pick<OutboxMessageRow, 'id' | 'recipients'>,
  mail: Mail.Options,
): Mail.Options {
  const envelope = envelopeFor(config, message)
  return envelope ? { ...mail, envelope } : mail
}

export type BounceAddressMatch =
  /** A bounce address of ours whose mac is right: the message's id. */
  | { kind: 'valid'; outboxId: number }
  /** Shaped like one of ours (our local part and domain, a "+" token) but the mac is wrong. */
  | { kind: 'forged' }
  | { kind: 'none' }

/** Reads an address a notification was delivered to: one of our bounce addresses or not. */
export function matchBounceAddress(config: BounceSettings, address: string): BounceAddressMatch {
  const { address: ours, secret } = config.bounces
  if (!ours || !secret) return { kind: 'none' }
  const at = address.lastIndexOf('@')
  if (at < 0 || address.slice(at + 1).toLowerCase() !== ours.domain) return { kind: 'none' }
  const local = address.slice(0, at)
  const plus = local.indexOf('+')
  if (plus < 0 || local.slice(0, plus).toLowerCase() !== ours.local.toLowerCase()) return { kind: 'none' }
  // Some servers fold the local part to lower case: the mac is lower-case hex anyway.
  const token = /^(\d{1,15})-([0-9a-f]+)$/.exec(local.slice(plus + 1).toLowerCase())
  if (!token) return { kind: 'forged' }
  const outboxId = Number(token[1])
  const given = Buffer.from(token[2] ?? '')
  const expected = Buffer.from(macOf(secret, outboxId))
  return given.length === expected.length && timingSafeEqual(given, expected)
    ? { kind: 'valid', outboxId }
    : { kind: 'forged' }
}
