import { inspectTemplate } from '../lib/text-templates.js'

// The rules every letter template keeps, whether a file of templates/letters/ or a version an
// organizer wrote in the browser: the metadata the composer needs, only the variables
// composeLetter gives (templates/letters/README.md, "The data"), only #if/#unless blocks, and
// never a triple-stash (the letter is plain text: the HTML preview escapes it, the PDF prints it).

/** Whom a letter speaks for: one supporter ("I"), an organization ("we"), the campaign itself. */
export type TemplateAudience = 'supporter' | 'organization' | 'campaign'

/** What composeLetter (letter-compose.ts) gives a template, and nothing else. */
export const TEMPLATE_VARIABLES: readonly string[] = [
  'state.name',
  'state.withArticle',
  'state.of',
  'state.to',
  'council',
  'council.permanent',
  'council.elected',
  'council.termStart',
  'council.termEnd',
  'tags.troopContributor',
  'tags.policeContributor',
  'tags.peacekeepingHost',
  'tags.hostedOperations',
  'supporter.name',
  'supporter.organization',
  'supporter.role',
  'supporter.city',
  'supporter.country',
  'personalNote',
  'previous',
  'previous.reference',
  'previous.date',
  'campaign.name',
  'campaign.organization',
  'campaign.signatoryName',
  'campaign.signatoryTitle',
  'campaign.website',
]

export const TEMPLATE_AUDIENCES: readonly TemplateAudience[] = ['supporter', 'organization', 'campaign']

/** The data a template may require, and what each audience must require at least. */
export const REQUIRABLE_FIELDS: readonly string[] = [
  'supporter.name',
  'supporter.organization',
  'campaign.signatoryName',
  'campaign.signatoryTitle',
]
const REQUIRED_BY_AUDIENCE: Record<TemplateAudience, readonly string[]> = {
  supporter: ['supporter.name'],
  organization: ['supporter.name', 'supporter.organization'],
  campaign: ['campaign.signatoryName', 'campaign.signatoryTitle'],
}

const BLOCKS = ['if', 'unless']
const LIMITS = { title: 200, subject: 500, body: 30_000 } as const

/** A template's content: its metadata (id and language aside) and its plain-text body. */
export interface TemplateContent {
  title: string
  audience: string
  requiredFields: readonly string[]
  subject: string
  body: string
}

/** What is wrong with `content`, each message under the field at fault; empty when it is sound. */
export function checkTemplateContent(content: TemplateContent): Record<string, string> {
  const errors: Record<string, string> = {}
  const title = content.title.trim()
  if (!title) errors.title = 'Give the template a title: supporters choose their letter by it.'
  else if (title.length > LIMITS.title) errors.title = `The title is longer than ${LIMITS.title} characters.`

  const audience = content.audience as TemplateAudience
  if (!TEMPLATE_AUDIENCES.includes(audience))
    errors.audience = `The audience must be one of ${TEMPLATE_AUDIENCES.join(', ')}.`

  const unknownFields = content.requiredFields.filter((f) => !REQUIRABLE_FIELDS.includes(f))
  if (unknownFields.length > 0) {
    errors.requiredFields = `${unknownFields.join(', ')}: not data a template may require (${REQUIRABLE_FIELDS.join(', ')}).`
  } else if (!errors.audience) {
    const missing = REQUIRED_BY_AUDIENCE[audience].filter((f) => !content.requiredFields.includes(f))
    if (missing.length > 0)
      errors.requiredFields = `A template for the audience "${audience}" must require ${missing.join(' and ')}.`
  }

  const subject = checkSource('subject', content.subject, LIMITS.subject)
  if (subject) errors.subject = subject
  const body = checkSource('body', content.body, LIMITS.body)
  if (body) errors.body = body
  return errors
}

function checkSource(field: 'subject' | 'body', source: string, limit: number): string | null {
  if (!source.trim()) return field === 'subject' ? 'Write the subject line.' : 'Write the letter’s text.'
  if (source.length > limit) return `The ${field} is longer than ${limit.toLocaleString('en')} characters.`
  let inspection: ReturnType<typeof inspectTemplate>
  try {
    inspection = inspectTemplate(source)
  } catch (error) {
    // Handlebars' message: "Parse error on line 3: … Expecting …, got …".
    return `Not a valid template: ${(error as Error).message.replace(/\s+/g, ' ').trim()}`
  }
  const at = (line: number) => (field === 'body' ? `line ${line}: ` : '')
  const refused = inspection.refused[0]
  if (refused)
    return `${at(refused.line)}${refused.what} is not allowed; write {{name}} (the letter is plain text).`
  const block = inspection.blocks.find((b) => !BLOCKS.includes(b.name))
  if (block) return `${at(block.line)}{{#${block.name}}} is not allowed: only {{#if}} and {{#unless}} blocks.`
  // Handlebars throws when the letter is rendered otherwise: checked before it is ever stored.
  const bare = inspection.blocks.find((b) => b.params !== 1)
  if (bare)
    return `${at(bare.line)}{{#${bare.name}}} takes one placeholder to test, e.g. {{#${bare.name} supporter.city}}.`
  const unknown = inspection.variables.find((v) => !TEMPLATE_VARIABLES.includes(v.path))
  if (unknown)
    return `${at(unknown.line)}{{${unknown.path}}} is not a placeholder letters have (see the list of placeholders).`
  return null
}
