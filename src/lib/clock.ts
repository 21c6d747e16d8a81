/** The one source of "now", so that tests can fix time (Security Council terms depend on it). */
export interface Clock {
  now(): Date
  /** ISO-8601 UTC timestamp, the form every stored time takes. */
  nowIso(): string
  /** The UTC calendar date, YYYY-MM-DD. */
  today(): string
}

export function systemClock(): Clock {
  return clockFrom(() => new Date())
}

/** A clock stopped at `iso` (tests). */
export function fixedClock(iso: string): Clock {
  const at = new Date(iso)
  if (Number.isNaN(at.getTime())) throw new Error(`fixedClock: not a date: ${iso}`)
  return clockFrom(() => new Date(at))
}

function clockFrom(now: () => Date): Clock {
  return {
    now,
    nowIso: () => now().toISOString(),
    today: () => now().toISOString().slice(0, 10),
  }
}

/** A clock that tests move by hand: reminders after 3 days, links that expire after 7. */
export interface ManualClock extends Clock {
  set(iso: string): void
  advance(ms: number): void
}

export function manualClock(iso: string): ManualClock {
  let at = new Date(iso).getTime()
  if (Number.isNaN(at)) throw new Error(`manualClock: not a date: ${iso}`)
  return {
    ...clockFrom(() => new Date(at)),
    set: (next) => {
      at = new Date(next).getTime()
    },
    advance: (ms) => {
      at += ms
    },
  }
}
