import type { Generated, Insertable, Selectable, Updateable } from 'kysely'

// Conventions: times are ISO-8601 UTC text, dates YYYY-MM-DD, lists and maps JSON text.

export type Membership = 'member' | 'observer'
export type RegionalGroup =
  | 'african'
  | 'asia_pacific'
  | 'eastern_european'
  | 'latin_american_caribbean'
  | 'western_european_others'
export type CouncilSeat = 'permanent' | 'elected'
export type HeadStatus = 'unknown' | 'filled' | 'vacant'

export interface StateTable {
  iso3: string
  iso2: string
  iso_numeric: string
  name: string
  formal_name: string
  membership: Membership
  admission_date: string | null
  regional_group: RegionalGroup | null
  regional_group_note: string | null
  aliases: string
  source: string
  created_at: string
  updated_at: string
}

export interface SecurityCouncilSeatTable {
  id: Generated<number>
  state_iso3: string
  seat: CouncilSeat
  term_start_year: number
  term_end_year: number | null
  source: string
}

/** One change an organizer made to an elected Council term: before and after, who and why (0022). */
export interface CouncilTermChangeTable {
  id: Generated<number>
  at: string
  action: CouncilTermChangeAction
  organizer_id: number | null
  actor_label: string
  reason: string | null
  before_iso3: string | null
  before_first_year: number | null
  before_last_year: number | null
  /** The changed term's source: the seed file's name when an organizer overrode a seeded term. */
  before_source: string | null
  after_iso3: string | null
  after_first_year: number | null
  after_last_year: number | null
}
export type CouncilTermChangeAction = 'add' | 'correct' | 'remove'

export interface MissionVersionTable {
  id: Generated<number>
  state_iso3: string
  version: number
  valid_from: string
  valid_until: string | null
  name: string
  city: string
  address_lines: string
  phone: string | null
  fax: string | null
  emails: string
  website: string | null
  languages: string
  head_status: HeadStatus
  head_honorific: string | null
  head_name: string | null
  head_function: string | null
  head_credentials_presented: string | null
  field_sources: string
  changed_fields: string
  import_id: number | null
  created_at: string
}

export interface DirectoryImportTable {
  id: Generated<number>
  source: string
  source_date: string
  sha256: string
  imported_at: string
  summary: string
}

export type StateTagName = 'troop_contributor' | 'police_contributor' | 'peacekeeping_host'

export interface StateTagTable {
  state_iso3: string
  tag: StateTagName
  note: string | null
  source: string
  created_at: string
}

export interface LetterTable {
  id: Generated<number>
  public_id: string
  reference: string
  state_iso3: string
  template_id: string
  language: 'en' | 'fr' | 'es' | 'ar' | 'zh' | 'ru'
  paper_size: 'a4' | 'letter'
  status: LetterStatus
  supporter_name: string
  supporter_organization: string | null
  supporter_role: string | null
  supporter_address_lines: string
  supporter_city: string | null
  supporter_country: string | null
  supporter_email: string | null
  personal_note: string | null
  addressee: string
  document: string
  mission_version_id: number
  printed_at: string | null
  channel: 'email' | null
  confirm_token_hash: string | null
  confirm_expires_at: string | null
  confirm_requested_at: string | null
  reminded_at: string | null
  confirmed_at: string | null
  sent_at: string | null
  message_id: string | null
  outbox_id: number | null
  printed_delivered_at: string | null
  printed_delivered_by: number | null
  reply_token_hash: string | null
  reply_requested_at: string | null
  reply_answer: ReplyAnswer | null
  reply_answered_at: string | null
  personal_data_removed_at: string | null
  /** Digest of the secret in the writing browser's draft cookie (migration 0011). */
  draft_token_hash: string | null
  /** The partner's or channel's code the writer came from (migration 0013; src/lib/source-code.ts). */
  source: string | null
  /** The site's language when the letter was written: its writer's e-mails are in it (migration 0014). */
  site_language: Generated<SiteLanguageCode>
  /** The ask the letter was written within (migration 0019; src/asks/). */
  ask_id: number | null
  created_at: string
  updated_at: string
  /** The letter_template_version it was written with (migration 0023); null before then. */
  template_version_id: number | null
}

/** Whom an ask is aimed at (migration 0019; src/asks/ask-targets.ts resolves each to states). */
export type AskTargetKind =
  | 'all_members'
  | 'security_council'
  | 'troop_police_contributors'
  | 'mission_hosts'
  | 'regional_group'
  | 'state_list'

/** An ask (a wave) of the campaign: its targets, goals and dates (migration 0019). */
export interface AskTable {
  id: Generated<number>
  title: string
  purpose: string
  target_kind: AskTargetKind
  /** YYYY-MM-DD whose Security Council is targeted (security_council only). */
  target_council_on: string | null
  target_group: RegionalGroup | null
  goal_states_canvassed: number | null
  goal_supportive_states: number | null
  goal_letters: number | null
  starts_on: string
  ends_on: string | null
  created_at: string
  updated_at: string
  /** Whether its e-mailed letters are read by an organizer first (migration 0024; delivery's moderation). */
  moderation: Generated<AskModeration>
}

/** none: sent once confirmed; first_time: a first-time writer's letter is held; all: every letter is. */
export type AskModeration = 'none' | 'first_time' | 'all'

/** A hand-picked state of a `state_list` ask. */
export interface AskStateTable {
  ask_id: number
  state_iso3: string
}

/** Kept by triggers on `letter` (migration 0019): never written by application code. */
export interface AskLetterStatsTable {
  ask_id: number
  state_iso3: string
  written: number
}

/** A language of the site (src/i18n/languages.ts). */
export type SiteLanguageCode = 'ar' | 'zh' | 'en' | 'fr' | 'ru' | 'es'

/** A letter's rendered PDF, kept under the ETag of its document (dropped when that changes). */
export interface LetterPdfTable {
  letter_id: number
  etag: string
  bytes: Buffer
  created_at: string
}

/** A writer's answer to "did the mission reply?". */
export type ReplyAnswer = 'replied' | 'acknowledged' | 'no_reply'

export type LetterStatus =
  | 'draft'
  | 'awaiting_confirmation'
  | 'queued'
  | 'sending'
  | 'sent'
  | 'failed'
  | 'expired'
  | 'uncertain'
  /** Confirmed, waiting for an organizer's review before the outbox (migration 0024). */
  | 'held'
  /** Refused at review: never sent (migration 0024). */
  | 'rejected'

export type OutboxKind =
  | 'confirmation'
  | 'reminder'
  | 'mission_letter'
  | 'digest'
  | 'supporter_copy'
  | 'reply_request'
  | 'member_confirmation'
  | 'member_update'
  | 'erasure_link'
  | 'organizer_notice'
  | 'reply_notice'
  | 'review_notice'
export type OutboxStatus = 'collecting' | 'queued' | 'sending' | 'sent' | 'failed' | 'uncertain'

export interface OutboxMessageTable {
  id: Generated<number>
  kind: OutboxKind
  status: OutboxStatus
  letter_id: number | null
  state_iso3: string | null
  digest_key: string | null
  recipients: string
  message_id: string
  attempts: number
  send_day: string | null
  next_attempt_at: string
  payload: string | null
  last_response: string | null
  created_at: string
  updated_at: string
  sent_at: string | null
  member_id: number | null
  update_id: number | null
}

export interface DeliveryAttemptTable {
  id: Generated<number>
  outbox_id: number
  attempt: number
  started_at: string
  finished_at: string | null
  outcome: 'accepted' | 'temporary_failure' | 'permanent_failure' | 'uncertain' | null
  response: string | null
  /** The worker that claimed the message (outbox.ts, Outbox.worker); null before 0018. */
  worker: string | null
}

/** An outbox worker, known alive until `alive_until` (pushed on at each claim). */
export interface OutboxWorkerTable {
  name: string
  alive_until: string
}

export interface MissionEmailFailureTable {
  email: string
  state_iso3: string
  first_failed_at: string
  last_failed_at: string
  last_response: string
}

/** A recipient a delivery status notification reported on (migration 0015; delivery/bounces.ts). */
export interface BounceTable {
  id: Generated<number>
  outbox_id: number
  email: string
  /** hard: failed for good (5.x.x); soft: delayed or failed for now (4.x.x). */
  kind: 'hard' | 'soft'
  /** The enhanced status code, e.g. "5.1.1". */
  status: string
  diagnostic: string | null
  report_id: string
  received_at: string
}

export type OrganizerRole = 'viewer' | 'organizer' | 'coordinator' | 'admin'

export interface OrganizerTable {
  id: Generated<number>
  email: string
  name: string
  role: OrganizerRole
  password_hash: string
  created_at: string
  updated_at: string
  last_login_at: string | null
  disabled_at: string | null
}

export interface OrganizerInviteTable {
  id: Generated<number>
  token_hash: string
  role: OrganizerRole
  purpose: 'setup' | 'invite'
  note: string | null
  created_by: number | null
  created_at: string
  expires_at: string
  used_at: string | null
  used_by: number | null
}

export interface OrganizerSessionTable {
  token_hash: string
  organizer_id: number
  created_at: string
  expires_at: string
  last_seen_at: string
}

export type MissionEmailChangeStatus = 'pending' | 'approved' | 'rejected' | 'superseded'

/**
 * A proposed change of a mission's e-mail addresses, by an edit or an import: the directory keeps
 * the approved addresses (mission_version.emails) until a second admin approves, or, with one
 * admin, until due_at passes after every admin was told.
 */
export interface MissionEmailChangeTable {
  id: Generated<number>
  state_iso3: string
  /** JSON arrays of addresses: the approved ones when proposed, and the proposed ones. */
  old_emails: string
  new_emails: string
  source: 'edit' | 'import'
  /** The FieldSource (JSON) the addresses will carry once applied: the editor or the file. */
  field_source: string
  proposed_by: number | null
  proposed_by_label: string
  proposed_at: string
  /** When the admins were e-mailed (null: none yet, e.g. no admin account exists). */
  notified_at: string | null
  /** With a single admin: applied from then on unless rejected. Set when the admins are told. */
  due_at: string | null
  status: MissionEmailChangeStatus
  decided_by: number | null
  decided_by_label: string | null
  decided_at: string | null
}

export interface AuditEventTable {
  id: Generated<number>
  at: string
  organizer_id: number | null
  actor_label: string
  action: string
  subject_type: string
  subject_id: string | null
  summary: string
  details: string
}

export type EngagementKind =
  | 'meeting'
  | 'call'
  | 'reply_received'
  | 'acknowledgement'
  | 'no_reply_yet'
  | 'public_statement'
  | 'note'

export interface EngagementTable {
  id: Generated<number>
  state_iso3: string
  kind: EngagementKind
  occurred_on: string
  text: string
  source: 'organizer' | 'supporter'
  organizer_id: number | null
  letter_id: number | null
  created_at: string
  /** Withdrawn (migration 0021): kept, shown struck out, no longer counted by coverage. */
  withdrawn_at: Generated<string | null>
  withdrawn_by: Generated<number | null>
  withdrawn_reason: Generated<string | null>
}

/** What a change to a row replaced: the version before it, who changed it, when and why (0021). */
interface RevisionColumns {
  id: Generated<number>
  change: 'edit' | 'withdraw' | 'undo' | 'redate'
  reason: string
  organizer_id: number | null
  actor_label: string
  changed_at: string
}

export interface EngagementRevisionTable extends RevisionColumns {
  engagement_id: number
  kind: EngagementKind
  occurred_on: string
  text: string
}

export interface StatePositionRevisionTable extends RevisionColumns {
  position_id: number
  position: Position
  noted_on: string
  note: string
}

/** A printed letter's delivery as it was before it was undone or re-dated. */
export interface LetterDeliveryRevisionTable extends RevisionColumns {
  letter_id: number
  printed_delivered_at: string | null
  printed_delivered_by: number | null
}

export type Position = 'unknown' | 'undecided' | 'supportive' | 'opposed' | 'committed'

export interface StatePositionTable {
  id: Generated<number>
  state_iso3: string
  position: Position
  noted_on: string
  note: string
  organizer_id: number | null
  created_at: string
  withdrawn_at: Generated<string | null>
  withdrawn_by: Generated<number | null>
  withdrawn_reason: Generated<string | null>
}

/** How a mission's reply came (migration 0020). */
export type ReplyChannel = 'email' | 'letter' | 'note_verbale' | 'meeting' | 'phone' | 'other'

/** A mission's reply, recorded by an organizer against the letter(s) it answers (migration 0020). */
export interface MissionReplyTable {
  id: Generated<number>
  state_iso3: string
  received_on: string
  channel: ReplyChannel
  summary: string
  /** The position the reply states, if any; `position_id` is the position record it made. */
  position: Position | null
  position_id: number | null
  /** The "reply received" engagement it logged. */
  engagement_id: number
  file_name: string | null
  /** Read from the file's first bytes (reply-file.ts), never taken from the browser. */
  file_type: string | null
  file_size: number | null
  file_bytes: Buffer | null
  recorded_by: number | null
  recorded_by_label: string
  recorded_at: string
}

export interface MissionReplyLetterTable {
  reply_id: number
  letter_id: number
}

/** A letter whose writer was told it was answered: once per letter (migration 0020). */
export interface LetterReplyNoticeTable {
  letter_id: number
  reply_id: number
  queued_at: string
}

/** A state whose position the public pages show (no row: not shown; migration 0020). */
export interface StatePositionPublicationTable {
  state_iso3: string
  published_at: string
  published_by: number | null
}

/** Kept by triggers on `letter` (migration 0004): never written by application code. */
export interface StateLetterStatsTable {
  state_iso3: string
  written: number
  printed: number
  emailed: number
  delivered: number
  failed: number
  first_delivered_at: string | null
  last_delivered_at: string | null
  reply_asked: number
  reply_replied: number
  reply_acknowledged: number
  reply_no_reply: number
  /** Letters written with a paragraph of the writer's own (migration 0021). */
  with_personal_note: number
}

export interface DirectoryUploadTable {
  id: Generated<number>
  file_name: string
  source_date: string
  content: string
  sha256: string
  report: string
  uploaded_by: number
  uploaded_at: string
  confirmed_at: string | null
  discarded_at: string | null
}

export type MemberKind = 'individual' | 'organization'
export type MemberStatus = 'pending' | 'active' | 'unsubscribed' | 'erased'

export interface MemberTable {
  id: Generated<number>
  public_id: string
  kind: MemberKind
  status: MemberStatus
  email: string | null
  name: string | null
  country: string | null
  organization_name: string | null
  organization_kind: string | null
  website: string | null
  helps: string
  /** Which form the request came by. */
  source: 'join_form' | 'letter'
  /** The partner's or channel's code the member came from (migration 0013), unlike `source`. */
  source_code: string | null
  /** The site's language when the member joined: their e-mails are in it (migration 0014). */
  site_language: Generated<SiteLanguageCode>
  consent_updates: 0 | 1
  consent_version: string | null
  consent_at: string | null
  confirm_token_hash: string | null
  confirm_expires_at: string | null
  confirmed_at: string | null
  unsubscribed_at: string | null
  erased_at: string | null
  created_at: string
  updated_at: string
}

export interface CampaignUpdateTable {
  id: Generated<number>
  subject: string
  body: string
  audience: string
  created_by: number
  created_at: string
  test_sent_at: string | null
  sent_by: number | null
  sent_at: string | null
  recipients: number
}

export interface ErasureRequestTable {
  id: Generated<number>
  token_hash: string
  email: string | null
  requested_at: string
  expires_at: string
  completed_at: string | null
}

/** "Erase my data" asked on the form, waiting for the outbox pass to answer it. */
export interface ErasureAskTable {
  id: Generated<number>
  email: string
  asked_at: string
  /** The site's language of the form: the link is sent in it (migration 0014). */
  site_language: Generated<SiteLanguageCode>
}

/** A partner of the campaign: its links carry `code` as their source (migration 0013). */
export interface PartnerTable {
  id: Generated<number>
  name: string
  code: string
  website: string | null
  created_at: string
  updated_at: string
}

/** A rate limit's window for one client on one route (RATE_LIMIT_STORE=database). */
export interface RateLimitHitTable {
  key: string
  hits: number
  resets_at: string
}

/** Which process runs a periodic job this period (the scheduler's lease). */
export interface JobLeaseTable {
  name: string
  holder: string
  leased_until: string
  started_at: string
}

/** A word or phrase that holds any e-mailed letter carrying it for review (migration 0024). */
export interface ModerationTermTable {
  id: Generated<number>
  term: string
  /** The term as matched: NFKC, lower case (unique). */
  normalized: string
  added_by: number | null
  added_by_label: string
  added_at: string
}

/** Why a letter was held for review. */
export type HeldBecause = 'first_time' | 'all' | 'term'
/** What an organizer decided about a held letter. */
export type ReviewOutcome = 'approved' | 'rejected' | 'edited'

/** A held letter's review: why it was held and, once decided, what, by whom and when (migration 0024). */
export interface LetterReviewTable {
  id: Generated<number>
  letter_id: number
  held_at: string
  held_because: HeldBecause
  /** JSON array of the listed terms found, when held for them. */
  held_terms: string | null
  outcome: ReviewOutcome | null
  reason: string | null
  /** JSON array of the personal paragraph's lines taken out, when edited. */
  removed_lines: string | null
  decided_by: number | null
  decided_by_label: string | null
  decided_at: string | null
}

export interface DB {
  rate_limit_hit: RateLimitHitTable
  outbox_worker: OutboxWorkerTable
  job_lease: JobLeaseTable
  state: StateTable
  security_council_seat: SecurityCouncilSeatTable
  mission_version: MissionVersionTable
  directory_import: DirectoryImportTable
  state_tag: StateTagTable
  letter: LetterTable
  outbox_message: OutboxMessageTable
  delivery_attempt: DeliveryAttemptTable
  mission_email_failure: MissionEmailFailureTable
  bounce: BounceTable
  organizer: OrganizerTable
  organizer_invite: OrganizerInviteTable
  organizer_session: OrganizerSessionTable
  audit_event: AuditEventTable
  mission_email_change: MissionEmailChangeTable
  engagement: EngagementTable
  state_position: StatePositionTable
  mission_reply: MissionReplyTable
  mission_reply_letter: MissionReplyLetterTable
  letter_reply_notice: LetterReplyNoticeTable
  state_position_publication: StatePositionPublicationTable
  state_letter_stats: StateLetterStatsTable
  engagement_revision: EngagementRevisionTable
  state_position_revision: StatePositionRevisionTable
  letter_delivery_revision: LetterDeliveryRevisionTable
  directory_upload: DirectoryUploadTable
  member: MemberTable
  campaign_update: CampaignUpdateTable
  erasure_request: ErasureRequestTable
  letter_pdf: LetterPdfTable
  erasure_ask: ErasureAskTable
  partner: PartnerTable
  council_term_change: CouncilTermChangeTable
  ask: AskTable
  ask_state: AskStateTable
  ask_letter_stats: AskLetterStatsTable
  moderation_term: ModerationTermTable
  letter_review: LetterReviewTable
  letter_template_version: LetterTemplateVersionTable
  ask_text: AskTextTable
}

export type StateRow = Selectable<StateTable>
export type NewStateRow = Insertable<StateTable>
export type StateUpdate = Updateable<StateTable>
export type SecurityCouncilSeatRow = Selectable<SecurityCouncilSeatTable>
export type NewSecurityCouncilSeatRow = Insertable<SecurityCouncilSeatTable>
export type CouncilTermChangeRow = Selectable<CouncilTermChangeTable>
export type NewCouncilTermChangeRow = Insertable<CouncilTermChangeTable>
export type MissionVersionRow = Selectable<MissionVersionTable>
export type NewMissionVersionRow = Insertable<MissionVersionTable>
export type DirectoryImportRow = Selectable<DirectoryImportTable>
export type StateTagRow = Selectable<StateTagTable>
export type NewStateTagRow = Insertable<StateTagTable>
export type LetterRow = Selectable<LetterTable>
export type NewLetterRow = Insertable<LetterTable>
export type OutboxMessageRow = Selectable<OutboxMessageTable>
export type NewOutboxMessageRow = Insertable<OutboxMessageTable>
export type DeliveryAttemptRow = Selectable<DeliveryAttemptTable>
export type BounceRow = Selectable<BounceTable>
export type MissionEmailFailureRow = Selectable<MissionEmailFailureTable>
export type OrganizerRow = Selectable<OrganizerTable>
export type AuditEventRow = Selectable<AuditEventTable>
export type MissionEmailChangeRow = Selectable<MissionEmailChangeTable>
export type EngagementRow = Selectable<EngagementTable>
export type NewEngagementRow = Insertable<EngagementTable>
export type StatePositionRow = Selectable<StatePositionTable>
export type StateLetterStatsRow = Selectable<StateLetterStatsTable>
export type MemberRow = Selectable<MemberTable>
export type NewMemberRow = Insertable<MemberTable>
export type CampaignUpdateRow = Selectable<CampaignUpdateTable>
export type PartnerRow = Selectable<PartnerTable>
export type NewPartnerRow = Insertable<PartnerTable>
export type AskRow = Selectable<AskTable>
export type NewAskRow = Insertable<AskTable>
export type AskUpdate = Updateable<AskTable>
export type ModerationTermRow = Selectable<ModerationTermTable>
export type LetterReviewRow = Selectable<LetterReviewTable>

/** Where a letter template version stands: a draft is edited, a published one only superseded. */
export type LetterTemplateStatus = 'draft' | 'published' | 'superseded'

/** One version of a letter template for an ask and a language (migration 0023). */
export interface LetterTemplateVersionTable {
  id: Generated<number>
  ask_id: number
  template_id: string
  language: 'en' | 'fr' | 'es' | 'ar' | 'zh' | 'ru'
  version: number
  title: string
  audience: 'supporter' | 'organization' | 'campaign'
  /** JSON array of the data the letter needs ("supporter.name"). */
  required_fields: string
  subject: string
  body: string
  status: LetterTemplateStatus
  /** 'file': the start-up seed from templates/letters/; 'organizer': written in the browser. */
  origin: 'file' | 'organizer'
  created_at: string
  created_by: number | null
  created_by_label: string
  updated_at: string
  published_at: string | null
  published_by: number | null
  published_by_label: string | null
  superseded_at: string | null
}

export type LetterTemplateVersionRow = Selectable<LetterTemplateVersionTable>
export type NewLetterTemplateVersionRow = Insertable<LetterTemplateVersionTable>

/** An ask's title and purpose in a language other than its own (migration 0025; src/asks/). */
export interface AskTextTable {
  ask_id: number
  language: AskTextLanguage
  title: string
  purpose: string
}

/** The languages an ask may be given in besides its own (English), as migration 0025 checks. */
export type AskTextLanguage = Exclude<SiteLanguageCode, 'en'>
export type AskTextRow = Selectable<AskTextTable>
