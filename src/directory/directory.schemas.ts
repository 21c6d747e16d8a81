import { type Static, Type } from '@sinclair/typebox'

// Request and response schemas of the directory API. Fastify validates requests with them,
// serializes responses with them, and @fastify/swagger turns them into the OpenAPI at /docs.

export const REGIONAL_GROUPS = [
  'african',
  'asia_pacific',
  'eastern_european',
  'latin_american_caribbean',
  'western_european_others',
] as const

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()])
const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' })

export const Iso3Params = Type.Object({
  iso3: Type.String({ pattern: '^[A-Za-z]{3}$', description: 'ISO 3166-1 alpha-3 code, e.g. TCD' }),
})

export const StateQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100, description: 'Search in names, aliases and ISO codes' })),
    group: Type.Optional(Type.Union(REGIONAL_GROUPS.map((g) => Type.Literal(g)))),
    membership: Type.Optional(Type.Union([Type.Literal('member'), Type.Literal('observer')])),
    council: Type.Optional(
      Type.Union(
        [Type.Literal('any'), Type.Literal('permanent'), Type.Literal('elected'), Type.Literal('none')],
        {
          description: 'Security Council seat on the date `on` (default today)',
        },
      ),
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
  kind: Type.Union([Type.Literal('seed'), Type.Literal('import'), Type.Literal('organizer')]),
  ref: Type.String(),
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
  headStatus: Type.Union([Type.Literal('unknown'), Type.Literal('filled'), Type.Literal('vacant')]),
  head: Type.Union([HeadSchema, Type.Null()], {
    description: 'null when the post is vacant or not yet known',
  }),
  source: FieldSourceSchema,
  updatedAt: Type.String({ format: 'date-time' }),
  version: Type.Integer(),
})

export const CouncilSeatSchema = Type.Object({
  seat: Type.Union([Type.Literal('permanent'), Type.Literal('elected')]),
  termStart: IsoDate,
  termEnd: Nullable(IsoDate),
})

export const StateSchema = Type.Object({
  iso2: Type.String(),
  iso3: Type.String(),
  isoNumeric: Type.String(),
  name: Type.String(),
  formalName: Type.String(),
  membership: Type.Union([Type.Literal('member'), Type.Literal('observer')]),
  regionalGroup: Type.Union([...REGIONAL_GROUPS.map((g) => Type.Literal(g)), Type.Null()]),
  regionalGroupNote: Nullable(Type.String()),
  admissionDate: Nullable(IsoDate),
  securityCouncil: Type.Union([CouncilSeatSchema, Type.Null()]),
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

export const StateDetailSchema = Type.Intersect([
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
})
