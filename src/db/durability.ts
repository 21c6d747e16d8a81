/**
 * SQLite's `synchronous` setting, as SQLITE_SYNCHRONOUS chooses it (README, Configuration).
 *
 * In WAL mode, NORMAL syncs the log to disk only at checkpoints: a power cut (not a crash of the
 * process) can lose the last commits, though never corrupt the file. FULL syncs the log at every
 * commit, so a letter answered 201 survives a power cut, at the price of one fsync per write.
 */
export const SYNCHRONOUS_MODES = ['FULL', 'NORMAL'] as const

export type SynchronousMode = (typeof SYNCHRONOUS_MODES)[number]

/**
 * What the service runs with when SQLITE_SYNCHRONOUS is unset. NORMAL: FULL cost the letter write
 * path 28–42% of its requests per second (4 runs) in scripts/bench-durability.ts (README, Durability), far
 * above the ~15% at which FULL would have become the default.
 */
export const DEFAULT_SYNCHRONOUS: SynchronousMode = 'NORMAL'
