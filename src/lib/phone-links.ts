import { trimEndWhere, trimStartWhere } from './text-safety.js'

// A mission's phone field as the Blue Book prints it ("212-249-2059; 212-249-5654",
// "646-850-1824 Ext. 102 (Main line)") split into numbers, each with its RFC 3966 tel: URI. Pure.

/** One number of a phone field, or a piece of the field that is no number we can dial. */
export interface PhoneLink {
  /** The number as printed, its extension included ("646-850-1824 Ext. 102"); or the unparsed text. */
  text: string
  /** `tel:+1-646-850-1824;ext=102` (RFC 3966, global form); null: show `text` without a link. */
  href: string | null
  /** What the field says of the number, as printed ("(Main line)"); '' when nothing. */
  label: string
}

// A North American number: area code and exchange never start with 0 or 1 (so "212-040-0403",
// a typo in the Blue Book, is no number), an optional +1 or 1 before it, an optional extension.
const NANP =
  /(?<![\d+])(?:\+?1[\s.-]?)?\(?([2-9]\d{2})\)?[\s.-]?([2-9]\d{2})[\s.-]?(\d{4})(?!\d)(?:,? {0,3}(?:ext\.?|extension|x) {0,3}(\d{1,6})(?!\d))?/giu
// A number in international form ("+41 22 917 12 34"): checked by its count of digits below.
const INTERNATIONAL = /(?<![\d+])\+(?!1\b)\d[\d\s().-]{6,22}\d(?!\d)/gu

/** The field's numbers in printed order: splits on ";" and line breaks, then finds each number. */
export function phoneLinks(field: string | null | undefined): PhoneLink[] {
  if (!field) return []
  const links: PhoneLink[] = []
  for (const segment of field.split(/[;\n]/)) {
    const text = segment.trim()
    if (text) links.push(...segmentLinks(text))
  }
  return links
}

interface Found {
  start: number
  end: number
  href: string
}

function segmentLinks(segment: string): PhoneLink[] {
  const found: Found[] = []
  for (const m of segment.matchAll(NANP)) {
    const [, area, exchange, line, ext] = m
    const href = `tel:+1-${area}-${exchange}-${line}${ext ? `;ext=${ext}` : ''}`
    found.push({ start: m.index, end: m.index + m[0].length, href })
  }
  for (const m of segment.matchAll(INTERNATIONAL)) {
    const start = m.index
    if (found.some((f) => start < f.end && f.start < start + m[0].length)) continue
    const groups = m[0]
      .slice(1)
      .split(/[^\d]+/u)
      .filter(Boolean)
    const digits = groups.join('').length
    if (digits < 8 || digits > 15) continue
    found.push({ start, end: start + m[0].length, href: `tel:+${groups.join('-')}` })
  }
  if (found.length === 0) return [{ text: segment, href: null, label: '' }]
  found.sort((a, b) => a.start - b.start)
  const links: PhoneLink[] = []
  const before = tidy(segment.slice(0, found[0]!.start))
  if (before) links.push({ text: before, href: null, label: '' })
  found.forEach((f, i) => {
    const next = found[i + 1]?.start ?? segment.length
    links.push({
      text: segment.slice(f.start, f.end).trim(),
      href: f.href,
      label: tidy(segment.slice(f.end, next)),
    })
  })
  return links
}

/** Text between numbers, without the commas and spaces that separated them. */
function tidy(text: string): string {
  return trimEndWhere(trimStartWhere(text, isSeparator), isSeparator)
}

const isSeparator = (char: string): boolean => char === ',' || /\s/u.test(char)
