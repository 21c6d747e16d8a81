import type { Ajv } from 'ajv'

/**
 * The `x-finite` keyword (RowId, src/lib/schema-types.ts): a number must be finite.
 * @NOTE Ajv coerces the text "1e309" to Infinity, takes it for a whole number, and skips
 * `minimum`/`maximum` for a number that is not finite: such an id reached the database, where
 * PostgreSQL refused it with an error (a 500). This keyword runs on the coerced value.
 */
export function finiteNumbers(ajv: Ajv): Ajv {
  return ajv.addKeyword({
    keyword: 'x-finite',
    // No `type: 'number'`: Ajv runs the keywords of numbers only for finite ones.
    schemaType: 'boolean',
    error: { message: 'must be a finite number' },
    validate: (finite: boolean, data: unknown) =>
      !finite || typeof data !== 'number' || Number.isFinite(data),
  })
}
