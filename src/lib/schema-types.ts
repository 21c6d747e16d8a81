import { type Static, type TSchema, Type } from '@sinclair/typebox'

// Schema builders that serialize fast. TypeBox's Union becomes `anyOf`, which Fastify's response
// serializer can only handle by validating every branch for every value (ten times slower on the
// directory list). `type: [T, 'null']` and `enum` keep the same meaning without that cost, and
// OpenAPI 3.1 describes them as they are.

/** A schema whose value may also be null. */
export function Nullable<T extends TSchema>(schema: T) {
  const type = (schema as { type?: unknown }).type
  if (typeof type !== 'string') throw new Error('Nullable() needs a schema with a single type')
  const values = (schema as { enum?: unknown[] }).enum
  return Type.Unsafe<Static<T> | null>({
    ...schema,
    type: [type, 'null'],
    ...(values ? { enum: [...values, null] } : {}),
  })
}

/** A string that must be one of `values`. */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: { description?: string } = {},
) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options })
}

/**
 * A row's id in a path or query: a whole number from 1 to PostgreSQL's `integer` maximum.
 * @NOTE the maximum matters: the validator takes "1e309" for a whole number (Infinity) and
 * "1e15" for one too, which PostgreSQL then refuses with an error (a 500) where SQLite finds no
 * row; bounded (and Infinity refused by `x-finite`, src/plugins/finite-numbers.ts), both are a 400
 * naming the field.
 */
export function RowId(options: { description?: string } = {}) {
  return Type.Integer({ minimum: 1, maximum: 2_147_483_647, 'x-finite': true, ...options })
}
