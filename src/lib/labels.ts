import type { RegionalGroup } from '../db/schema.js'

// Human names for the codes the directory stores; pages and reports share them.

export const REGIONAL_GROUP_LABELS: Record<RegionalGroup, string> = {
  african: 'African Group',
  asia_pacific: 'Asia-Pacific Group',
  eastern_european: 'Eastern European Group',
  latin_american_caribbean: 'Latin American and Caribbean Group',
  western_european_others: 'Western European and Others Group',
}

export const LANGUAGE_LABELS: Record<string, string> = {
  en: 'English',
  fr: 'French',
  es: 'Spanish',
  ar: 'Arabic',
  zh: 'Chinese',
  ru: 'Russian',
}

export const FIELD_LABELS: Record<string, string> = {
  name: 'Mission name',
  city: 'City',
  addressLines: 'Address',
  phone: 'Telephone',
  fax: 'Fax',
  emails: 'E-mail',
  website: 'Website',
  languages: 'Correspondence language',
  head: 'Head of mission',
}

export const COVERAGE_STATUS_LABELS: Record<string, string> = {
  not_contacted: 'Not contacted',
  contacted: 'Contacted',
  replied: 'Replied',
  engaged: 'Engaged',
}

export const POSITION_LABELS: Record<string, string> = {
  unknown: 'Unknown',
  undecided: 'Undecided',
  supportive: 'Supportive',
  opposed: 'Opposed',
  committed: 'Committed',
}

export const ENGAGEMENT_KIND_LABELS: Record<string, string> = {
  meeting: 'Meeting',
  call: 'Call',
  reply_received: 'Reply received',
  acknowledgement: 'Acknowledgement',
  no_reply_yet: 'No reply yet',
  public_statement: 'Public statement',
  note: 'Note',
}
