// Text that made a normalizer or a regex work in time super-linear in its length (issue 12,
// finding 1: 120 KB of spaces in a letter's paragraph held the server for 18 s). The fuzzer sends
// these in every text field; test/reliability/adversarial-text.test.ts feeds them to every
// normalizer and every form and API field.

/** Each kind of adversarial text, made `length` UTF-16 units long (about). */
export const ADVERSARIAL_TEXT: Readonly<Record<string, (length: number) => string>> = {
  spaces: (n) => ' '.repeat(n),
  'spaces, then a letter': (n) => `${' '.repeat(Math.max(0, n - 1))}x`,
  'spaces then a newline, again and again': (n) => `${' '.repeat(99)}\n`.repeat(Math.ceil(n / 100)),
  'nested quotes and brackets': (n) => `("'<[“‘«`.repeat(Math.ceil(n / 8)),
  'combining marks': (n) => `a${'\u0301\u0316'.repeat(Math.ceil(n / 2))}`,
  'a long word': (n) => 'x'.repeat(n),
  'an address that never ends': (n) => `${'4'.repeat(Math.max(0, n - 7))}@%@4.a.`,
}

export type BodyEncoding = 'form' | 'json'

/** The largest body each encoding is taken with (app.ts: formbody's limit and Fastify's bodyLimit). */
const JUST_UNDER_LIMIT: Record<BodyEncoding, number> = { form: 60 * 1024, json: 900 * 1024 }

/**
 * `make`'s text, as long as fits in `bytes` once encoded as a form field or a JSON string (by
 * default just under that encoding's body limit, so the field's own length check is what refuses it).
 */
export function adversarialValue(
  make: (length: number) => string,
  encoding: BodyEncoding,
  bytes = JUST_UNDER_LIMIT[encoding],
): string {
  const size = (text: string) =>
    encoding === 'json'
      ? Buffer.byteLength(JSON.stringify(text))
      : new URLSearchParams({ f: text }).toString().length - 2
  const first = make(bytes)
  const encoded = size(first)
  return encoded <= bytes ? first : make(Math.floor((bytes * bytes) / encoded))
}
