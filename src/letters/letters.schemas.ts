import { Type } from '@sinclair/typebox'
import { StateSchema } from '../directory/index.js'
import { Nullable, RowId, StringEnum } from '../lib/schema-types.js'
import { SOURCE_CODE_RULE } from '../lib/source-code.js'
import { PUBLIC_ID_PATTERN } from '../lib/tokens.js'
import { LETTER_LANGUAGES } from './letter-document.js'
import { LIMITS } from './letter-input.js'

// Schemas of the letters API. The request body is described here for the OpenAPI document; it
// is checked by letter-input.ts, which reports every field at fault at once, with messages a
// person can act on, for the JSON API and the HTML form alike.

const Text = (maxLength: number, description?: string) =>
  Type.String({ maxLength, ...(description ? { description } : {}) })

export const CreateLetterBody = Type.Object({
  state: Type.String({ description: 'ISO 3166-1 alpha-3 code of the state written to, e.g. FRA' }),
  template: Type.Optional(
    Type.String({ description: 'Template id (GET /api/templates); default "supporter"' }),
  ),
  language: Type.Optional(
    StringEnum([...LETTER_LANGUAGES], { description: "Default: the mission's correspondence language" }),
  ),
  paperSize: Type.Optional(
    StringEnum(['a4', 'letter'], { description: "Default: from the supporter's country" }),
  ),
  supporter: Type.Object({
    name: Text(LIMITS.name),
    organization: Type.Optional(Text(LIMITS.organization)),
    role: Type.Optional(Text(LIMITS.role)),
    addressLines: Type.Optional(Type.Array(Text(LIMITS.addressLine), { maxItems: LIMITS.addressLines })),
    city: Type.Optional(Text(LIMITS.city)),
    country: Type.Optional(Type.String({ description: 'ISO 3166-1 alpha-2 code, e.g. KE' })),
    email: Type.Optional(Text(LIMITS.email, 'Optional here; never shown back')),
  }),
  personalNote: Type.Optional(Text(LIMITS.personalNote, 'Plain text; blank lines part paragraphs')),
  source: Type.Optional(
    Type.String({
      description: `The partner's or channel's code the writer came from, e.g. amnesty-ke (${SOURCE_CODE_RULE}; upper case is lowered). Never an error: a code that is not valid is not stored, and \`notices\` says so.`,
    }),
  ),
})

export const LetterIdParams = Type.Object({
  id: Type.String({ pattern: PUBLIC_ID_PATTERN, description: "The letter's public id" }),
})

/** What the input check set aside rather than refused. */
export const InputNoticeSchema = Type.Object({
  field: Type.String({ description: 'The field set aside, e.g. source' }),
  message: Type.String(),
})

export const CreatedLetterSchema = Type.Object({
  id: Type.String(),
  reference: Type.String(),
  previewUrl: Type.String(),
  pdfUrl: Type.String(),
  notices: Type.Array(InputNoticeSchema, {
    description: 'Input set aside rather than refused (a source code that is not valid); usually empty',
  }),
})

const DocumentSchema = Type.Object({
  language: Type.String(),
  paperSize: Type.String(),
  reference: Type.String(),
  referenceLine: Type.String(),
  dateLine: Type.String(),
  sender: Type.Array(Type.String()),
  recipient: Type.Array(Type.String()),
  subject: Type.String(),
  salutation: Type.String(),
  paragraphs: Type.Array(Type.String()),
  close: Type.String(),
  signature: Type.Array(Type.String()),
})

export const LetterViewSchema = Type.Object({
  id: Type.String(),
  reference: Type.String(),
  state: Type.Object({ iso3: Type.String(), name: Type.String() }),
  template: Type.String(),
  language: Type.String(),
  paperSize: Type.String(),
  status: Type.String(),
  editable: Type.Boolean(),
  supporter: Type.Object({
    name: Type.String(),
    organization: Nullable(Type.String()),
    role: Nullable(Type.String()),
    addressLines: Type.Array(Type.String()),
    city: Nullable(Type.String()),
    country: Nullable(Type.String()),
  }),
  personalNote: Nullable(Type.String()),
  delivery: Type.Object({
    channel: Nullable(Type.String()),
    confirmedAt: Nullable(Type.String()),
    sentAt: Nullable(Type.String()),
  }),
  document: DocumentSchema,
  createdAt: Type.String(),
  updatedAt: Type.String(),
})

export const TemplateListSchema = Type.Object({
  templates: Type.Array(
    Type.Object({
      id: Type.String(),
      language: Type.String(),
      title: Type.String(),
      audience: Type.String(),
      requiredFields: Type.Array(Type.String()),
      /** The stored version letters are written with (migration 0023), and the ask it is of. */
      version: Type.Integer(),
      versionId: Type.Integer(),
      askId: Type.Integer({
        description: 'The ask whose version this is: the one asked for, else the first ask',
      }),
    }),
  ),
})

export const TemplateListQuery = Type.Object({
  ask: Type.Optional(RowId({ description: 'The ask whose templates to list; the first ask by default' })),
})

export const SuggestedStateSchema = StateSchema

/** A PDF file (streams and buffers go out as they are, unserialized). */
export const PdfSchema = Type.Unsafe<NodeJS.ReadableStream | Buffer>({
  type: 'string',
  format: 'binary',
  description: 'application/pdf',
})
