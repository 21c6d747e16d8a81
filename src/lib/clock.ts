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
