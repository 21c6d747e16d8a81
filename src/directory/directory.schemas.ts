import { type Static, Type } from '@sinclair/typebox'
import { Nullable, StringEnum } from '../lib/schema-types.js'

// Request and response schemas of the directory API. Fastify validates requests with them,
// serializes responses with them, and @fastify/swagger turns them into the OpenAPI at /docs.

export const REGIONAL_GROUPS = [
  'african',
  'asia_pacific',
  'eastern_european',
  'latin_american_caribbean',
  'western_european_others',
] as const
export const MEMBERSHIPS = ['member', 'observer'] as const

const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' })

export const Iso3Params = Type.Object({
  iso3: Type.String({ pattern: '^[A-Za-z]{3}$', description: 'ISO 3166-1 alpha-3 code, e.g. TCD' }),
})

export const StateQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100, description: 'Search in names, aliases and ISO codes' })),
    group: Type.Optional(StringEnum(REGIONAL_GROUPS)),
    membership: Type.Optional(StringEnum(MEMBERSHIPS)),
    council: Type.Optional(
      StringEnum(['any', 'permanent', 'elected', 'none'], {
        description: 'Security Council seat on the date `on` (default today)',
      }),
    ),
    on: Type.Optional(
      Type.String({
        format: 'date',
        description:
          "The date the Security Council filter and each state's `securityCouncil` refer to (default today)",
      }),
    ),
  },
  { additionalProperties: false },
)
export type StateQuery = Static<typeof StateQuery>

export const FieldSourceSchema = Type.Object({
  kind: StringEnum(['seed', 'import', 'organizer']),
  ref: Type.String({
    description: 'The seed or imported file; "the campaign" for an organizer\'s edit (never their name)',
  }),
  date: IsoDate,
})

export const HeadSchema = Type.Object({
  honorific: Nullable(Type.String()),
  name: Nullable(Type.String()),
  function: Nullable(Type.String()),
  credentialsPresented: Nullable(IsoDate),
})

export const MissionSchema = Type.Object({
  name: Type.String(),
  city: Type.String(),
  addressLines: Type.Array(Type.String()),
  phone: Nullable(Type.String()),
  fax: Nullable(Type.String()),
  emails: Type.Array(Type.String()),
  website: Nullable(Type.String()),
  languages: Type.Array(Type.String({ description: 'ISO 639-1: en, fr or es' })),
  headStatus: StringEnum(['unknown', 'filled', 'vacant']),
  head: Nullable(
    Type.Object(HeadSchema.properties, { description: 'null when the post is vacant or not yet known' }),
  ),
  source: FieldSourceSchema,
  updatedAt: Type.String({ format: 'date-time' }),
  version: Type.Integer(),
})

export const CouncilSeatSchema = Type.Object({
  seat: StringEnum(['permanent', 'elected']),
  termStart: IsoDate,
  termEnd: Nullable(IsoDate),
})

export const StateSchema = Type.Object({
  iso2: Type.String(),
  iso3: Type.String(),
  isoNumeric: Type.String(),
  name: Type.String(),
  formalName: Type.String(),
  membership: StringEnum(MEMBERSHIPS),
  regionalGroup: Nullable(StringEnum(REGIONAL_GROUPS)),
  regionalGroupNote: Nullable(Type.String()),
  admissionDate: Nullable(IsoDate),
  securityCouncil: Nullable(CouncilSeatSchema),
  mission: MissionSchema,
})
export type StateDto = Static<typeof StateSchema>

export const StateListSchema = Type.Object({
  count: Type.Integer(),
  on: IsoDate,
  states: Type.Array(StateSchema),
})

export const MissionVersionSchema = Type.Object({
  version: Type.Integer(),
  validFrom: Type.String({ format: 'date-time' }),
  validUntil: Nullable(Type.String({ format: 'date-time' })),
  changedFields: Type.Array(Type.String()),
  mission: Type.Omit(MissionSchema, ['version', 'updatedAt']),
})

export const StateDetailSchema = Type.Composite([
  StateSchema,
  Type.Object({
    councilTerms: Type.Array(CouncilSeatSchema),
    fieldSources: Type.Record(Type.String(), FieldSourceSchema),
    history: Type.Array(MissionVersionSchema),
  }),
])
export type StateDetailDto = Static<typeof StateDetailSchema>

export const ErrorSchema = Type.Object({
  statusCode: Type.Integer(),
  error: Type.String(),
  code: Type.String(),
  message: Type.String(),
  field: Type.Optional(Type.String()),
  errors: Type.Optional(
    Type.Record(Type.String(), Type.String(), { description: 'Field -> message, for each field at fault' }),
  ),
})
