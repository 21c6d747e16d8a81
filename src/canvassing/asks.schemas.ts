import { type Static, Type } from '@sinclair/typebox'
import { ASK_TARGET_KINDS } from '../asks/index.js'
import { REGIONAL_GROUPS } from '../directory/index.js'
import { SITE_LANGUAGES } from '../i18n/index.js'
import { Nullable, RowId, StringEnum } from '../lib/schema-types.js'
import { COVERAGE_STATUSES } from './coverage-rules.js'

// The public asks API. @NOTE counts, codes and dates only, as the coverage API: nobody's data.

const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' })
const Count = Type.Integer({ minimum: 0 })

export const AskIdParams = Type.Object({
  id: RowId({ description: 'The ask’s id, as GET /api/asks lists it' }),
})

export const AsksLanguageQuery = Type.Object({
  lang: Type.Optional(
    StringEnum(SITE_LANGUAGES, {
      description:
        'The language of each ask’s title and purpose (ar, zh, en, fr, ru, es); an ask not given in it answers in its own (English). Without it: English, as the API speaks.',
    }),
  ),
})

const GoalProgressSchema = Nullable(
  Type.Object({
    goal: Type.Integer({ minimum: 1 }),
    reached: Count,
    percent: Type.Number({ minimum: 0, description: 'reached / goal × 100, to one decimal; may pass 100' }),
  }),
)

const FiguresSchema = Type.Object({
  targetedStates: Count,
  canvassedStates: Type.Integer({ minimum: 0, description: 'Target states canvassed, by letter or contact' }),
  supportiveStates: Type.Integer({
    minimum: 0,
    description: 'Target states whose current position is supportive or committed',
  }),
  letters: Type.Integer({ minimum: 0, description: 'Letters written within the ask (the campaign: all)' }),
})

const AskSchema = Type.Object({
  id: RowId(),
  title: Type.String(),
  purpose: Type.String(),
  language: StringEnum(SITE_LANGUAGES, {
    description: 'The language `title` is in: the one asked for, or English where the ask has none in it',
  }),
  purposeLanguage: StringEnum(SITE_LANGUAGES, {
    description: 'The language `purpose` is in: English where the ask has none in the one asked for',
  }),
  target: Type.Object({
    kind: StringEnum(ASK_TARGET_KINDS),
    councilOn: Nullable(IsoDate),
    group: Nullable(StringEnum(REGIONAL_GROUPS)),
  }),
  startsOn: IsoDate,
  endsOn: Nullable(IsoDate),
  running: Type.Boolean({ description: 'Today falls within its dates: supporters write within it' }),
  figures: FiguresSchema,
  goals: Type.Object({
    statesCanvassed: GoalProgressSchema,
    supportiveStates: GoalProgressSchema,
    letters: GoalProgressSchema,
  }),
})

export const AsksListSchema = Type.Object({
  on: IsoDate,
  asks: Type.Array(AskSchema),
  campaign: FiguresSchema,
})

export const AskDetailSchema = Type.Composite([
  AskSchema,
  Type.Object({
    on: IsoDate,
    states: Type.Array(
      Type.Object({
        iso3: Type.String(),
        name: Type.String(),
        status: StringEnum(COVERAGE_STATUSES),
        canvassed: Type.Boolean(),
        supportive: Type.Boolean(),
        letters: Type.Integer({ minimum: 0, description: 'Letters to it written within this ask' }),
      }),
    ),
  }),
])

export type AskDto = Static<typeof AskSchema>
export type AsksListDto = Static<typeof AsksListSchema>
export type AskDetailDto = Static<typeof AskDetailSchema>
