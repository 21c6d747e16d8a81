import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'

/**
 * A word broken at a soft hyphen ends its line with "-" (justified letters are hyphenated): a
 * reader joins the halves, and so does this, between two lower-case letters.
 */
export const SOFT_HYPHEN_BREAK = /(\p{Ll})-\s*\n\s*(\p{Ll})/gu

/** The text of each page of a PDF, read by a real PDF parser (Mozilla's pdf.js). */
export async function pdfPagesText(pdf: Buffer | Uint8Array): Promise<string[]> {
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false })
    .promise
  const pages: string[] = []
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n)
    const content = await page.getTextContent()
    pages.push(
      content.items
        .map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : ' ') : ''))
        .join('')
        .replace(/[ \t]+/g, ' ')
        .replace(SOFT_HYPHEN_BREAK, '$1$2'),
    )
  }
  await doc.destroy()
  return pages
}

/** All the text, whitespace folded, for `toContain` checks across line breaks. */
export async function pdfText(pdf: Buffer | Uint8Array): Promise<string> {
  return (await pdfPagesText(pdf)).join('\n').replace(/\s+/g, ' ')
}
