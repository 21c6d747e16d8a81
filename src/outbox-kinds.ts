import { letterKinds, organizerNoticeKind } from './delivery/letter-kinds.js'
import { memberKinds } from './delivery/member-kinds.js'
import type { KindTable } from './outbox/index.js'

/**
 * Every kind of outbox message and its rules, in one table (outbox/kind-rules.ts says what each
 * rule means). The one place that knows both the outbox and the modules whose mail it carries.
 */
export const outboxKinds: KindTable = {
  // A mission's letters: in the order due, the letters moved along, a writer's copy after.
  mission_letter: letterKinds.mission_letter,
  digest: letterKinds.digest,
  // The writer's own e-mails about their letter.
  confirmation: letterKinds.confirmation,
  reminder: letterKinds.reminder,
  supporter_copy: letterKinds.supporter_copy,
  reply_request: letterKinds.reply_request,
  reply_notice: letterKinds.reply_notice,
  review_notice: letterKinds.review_notice,
  // A member's, or a person asking to be erased.
  member_confirmation: memberKinds.member_confirmation,
  erasure_link: memberKinds.erasure_link,
  // After everything else, throttled, refused when the member has left.
  member_update: memberKinds.member_update,
  // An admin's notice of a mission's e-mail address change.
  organizer_notice: organizerNoticeKind,
}
