// The outbox: infrastructure below every domain (it imports none). Modules queue mail through
// ctx.outbox (outbox.ts) and describe their kinds of message as data (kind-rules.ts).
export { bounceAddressFor, envelopeFor, matchBounceAddress, withBounceEnvelope } from './bounce-address.js'
export type { Claimed, HandoverStep, OnStep } from './claim.js'
export { type OutboxCtx, reconcileInterrupted } from './handover-records.js'
export { jobLeases, leaseHolderName } from './job-leases.js'
export {
  type CarriedStatus,
  type KindRules,
  type KindTable,
  type QueueInTransaction,
  type QueueManyInTransaction,
  type QueueRequest,
  type RenderContext,
  unsendable,
} from './kind-rules.js'
export { createOutbox, messageIdDomainOf, type Outbox } from './outbox.js'
export * as outboxRepository from './outbox.repository.js'
export { deleteOutboxFiles, type OutboxFileMatch } from './outbox-files.js'
export { drainOutbox, type PassOptions, type PassResult } from './outbox-pass.js'
export { createScheduler, type Job, type JobLeases, type Scheduler } from './scheduler.js'
export {
  createTransport,
  type Handover,
  type MailTransport,
  mayHaveArrived,
  type TransportOptions,
} from './transports.js'
export { type OutboxWorker, startOutboxWorker } from './worker.js'
