import { type Accepted, type OutboxCtx, recordAccepted } from './handover-records.js'

/**
 * Records accepted handovers in batches: the first waits for the turn of the event loop to end,
 * those accepted meanwhile, or while a batch is being written, join the next one. Each caller's
 * promise settles once its message is recorded (or the batch's transaction failed: the messages
 * stay "sending" and become "uncertain" at the next start, as after a crash at that moment).
 */
export function acceptedBatches(ctx: OutboxCtx): (accepted: Accepted) => Promise<void> {
  let waiting: { accepted: Accepted; done: (error?: unknown) => void }[] = []
  let writing = false
  const write = async () => {
    while (waiting.length > 0) {
      const batch = waiting
      waiting = []
      try {
        await recordAccepted(
          ctx,
          batch.map((w) => w.accepted),
        )
        for (const w of batch) w.done()
      } catch (error) {
        for (const w of batch) w.done(error)
      }
    }
    writing = false
  }
  return (accepted) =>
    new Promise<void>((resolve, reject) => {
      waiting.push({ accepted, done: (error) => (error === undefined ? resolve() : reject(error)) })
      if (writing) return
      writing = true
      setImmediate(() => void write())
    })
}
