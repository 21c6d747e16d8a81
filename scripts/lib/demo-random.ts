/**
 * A small seeded PRNG (sfc32) for the demo data: the same seed gives the same database, and it is
 * several times faster than crypto for the millions of draws a large seed makes.
 */
export interface Random {
  /** A float in [0, 1). */
  next(): number
  /** A whole number in [0, n). */
  int(n: number): number
  chance(p: number): boolean
  pick<T>(items: readonly T[]): T
  /** An index drawn from cumulative weights (ascending, last = total). */
  weighted(cumulative: Float64Array): number
  /** `bytes` random bytes as lower-case hex. */
  hex(bytes: number): string
  /** 128 bits, URL-safe, the shape of a letter's public id (22 characters). */
  publicId(): string
}

/** The four 32-bit words of a string's hash (cyrb128): the PRNG's starting state. */
function hashSeed(text: string): [number, number, number, number] {
  let h1 = 1779033703
  let h2 = 3144134277
  let h3 = 1013904242
  let h4 = 2773480762
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i)
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067)
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233)
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213)
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179)
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067)
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233)
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213)
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179)
  h1 ^= h2 ^ h3 ^ h4
  h2 ^= h1
  h3 ^= h1
  h4 ^= h1
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0]
}

export function createRandom(seed: string): Random {
  let [a, b, c, d] = hashSeed(seed)
  const u32 = (): number => {
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return t >>> 0
  }
  for (let i = 0; i < 15; i++) u32()
  const next = (): number => u32() / 4294967296
  const bytes = Buffer.alloc(32)
  const fill = (n: number): Buffer => {
    for (let i = 0; i < n; i += 4) bytes.writeUInt32LE(u32(), i)
    return bytes.subarray(0, n)
  }
  return {
    next,
    int: (n) => Math.floor(next() * n),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)]!,
    weighted: (cumulative) => {
      const target = next() * cumulative[cumulative.length - 1]!
      let lo = 0
      let hi = cumulative.length - 1
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if (cumulative[mid]! > target) hi = mid
        else lo = mid + 1
      }
      return lo
    },
    hex: (n) => fill(n).toString('hex'),
    publicId: () => fill(16).toString('base64url'),
  }
}

/** A stable 32-bit hash of (seed, n): a supporter's fixed traits, whatever order they are met in. */
export function hashOf(seed: string, n: number): number {
  return hashSeed(`${seed}:${n}`)[0]
}

/** Running sums of `weights`, for `Random.weighted`. */
export function cumulate(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length)
  let total = 0
  weights.forEach((w, i) => {
    total += w
    out[i] = total
  })
  return out
}

// The reference alphabet of src/lib/tokens.ts (no 0/O, 1/I/L, U): 30^6 codes.
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ'
const CODES = 30 ** 6
// Coprime to 30, so k -> (STEP * k + offset) mod 30^6 visits every code once: a million letters
// get a million distinct references with no lookups (random draws would collide ~700 times).
const STEP = 7_777_777

/** The k-th reference code of a seed's sequence ("CB-7K3M9Q"); distinct for k below 30^6. */
export function referenceCode(k: number, offset: number): string {
  let n = (STEP * k + offset) % CODES
  let code = ''
  for (let i = 0; i < 6; i++) {
    code += ALPHABET[n % 30]
    n = Math.floor(n / 30)
  }
  return `CB-${code}`
}

export const REFERENCE_CODES = CODES
