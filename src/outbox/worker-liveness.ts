import os from 'node:os'

// Which worker is gone, for a message it left "sending". A worker's name is "host:pid:random"
// (job-leases.ts, leaseHolderName). On this machine a process can be asked whether it still runs;
// on another, a worker is alive while its alive_until (pushed on at each claim) has not passed.
// @NOTE one outbox per process: another name with this process's pid is an earlier outbox of this
// process (tests start several), and is gone. So is this outbox's own message that is not in flight
// (an interrupted pass).

/** How long a claim keeps its worker known alive: longer than any handover (SMTP times out in 75 s). */
export const WORKER_ALIVE_MS = 5 * 60_000

interface WorkerName {
  host: string
  pid: number
}

function parse(name: string): WorkerName | null {
  const match = /^(.*):(\d+):[0-9a-f]+$/.exec(name)
  return match ? { host: match[1] ?? '', pid: Number(match[2]) } : null
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export interface Liveness {
  /** This process's outbox. */
  me: string
  /** The messages this outbox is handing over now. */
  inFlight: ReadonlySet<number>
  /** Workers whose alive_until has not passed. */
  aliveByClock: ReadonlySet<string>
}

/** Whether the worker that claimed `messageId` is gone, so the message was interrupted. */
export function claimedByGoneWorker(worker: string | null, messageId: number, live: Liveness): boolean {
  if (worker === null) return true
  if (worker === live.me) return !live.inFlight.has(messageId)
  const named = parse(worker)
  if (named && named.host === os.hostname()) {
    if (named.pid === process.pid) return true
    if (!processRuns(named.pid)) return true
  }
  return !live.aliveByClock.has(worker)
}
