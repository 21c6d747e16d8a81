import type { PaperSize } from './letter-document.js'

/**
 * Where everything sits on the page, in PDF points (1/72 in) from the top-left corner. Two sheets,
 * two envelope standards: A4 folded in three for a DL window envelope (DIN 5008 form B, window
 * 90 x 45 mm at 20 mm from the left and 50 mm from the top of the sheet), and US Letter
 * tri-folded for a No. 10 window envelope (window 4.5 x 1.125 in, which lands about 2 in from the
 * top and 7/8 in from the left of the sheet).
 */
export const MM = 72 / 25.4
export const INCH = 72

export interface Box {
  x: number
  y: number
  width: number
  height: number
}

export interface PageLayout {
  /** [width, height] of the sheet. */
  size: [number, number]
  margins: { top: number; right: number; bottom: number; left: number }
  /** The envelope's window as it falls on the sheet: nothing but the address goes here. */
  window: Box
  /** The box the address is set in: inside the window, with room for the sheet to slide. */
  address: Box
  /** Top of the sender's block, set right-aligned against the right margin. */
  senderTop: number
  /** Date and reference, right-aligned, beside the window. */
  info: Box
  /** Where the subject line starts. */
  bodyTop: number
  /** Distances from the top where the sheet is folded; a short tick marks each one. */
  folds: number[]
}

const A4: PageLayout = {
  size: [595.28, 841.89],
  margins: { top: 25 * MM, right: 20 * MM, bottom: 25 * MM, left: 25 * MM },
  window: { x: 20 * MM, y: 50 * MM, width: 90 * MM, height: 45 * MM },
  // 5 mm in from each side of the window and 3 mm from its bottom: a DL envelope is 10 mm
  // wider than the folded sheet, so the sheet can slide that far.
  address: { x: 25 * MM, y: 52 * MM, width: 80 * MM, height: 40 * MM },
  senderTop: 15 * MM,
  info: { x: 120 * MM, y: 52 * MM, width: 70 * MM, height: 40 * MM },
  bodyTop: 101 * MM,
  folds: [105 * MM, 210 * MM],
}

const LETTER: PageLayout = {
  size: [612, 792],
  margins: { top: 1 * INCH, right: 1 * INCH, bottom: 1 * INCH, left: 1 * INCH },
  window: { x: 0.875 * INCH, y: 2 * INCH, width: 4.5 * INCH, height: 1.125 * INCH },
  // 1/8 in inside the window's left edge and 3/8 in inside its right one: the sheet is an inch
  // narrower than a No. 10 envelope and slides.
  address: { x: 1 * INCH, y: 2.03 * INCH, width: 4 * INCH, height: 1.05 * INCH },
  senderTop: 0.6 * INCH,
  info: { x: 5.5 * INCH, y: 2.03 * INCH, width: 2 * INCH, height: 1.05 * INCH },
  bodyTop: 3.5 * INCH,
  folds: [(11 / 3) * INCH, (22 / 3) * INCH],
}

export const PAGE_LAYOUTS: Record<PaperSize, PageLayout> = { a4: A4, letter: LETTER }

/** Type sizes and spacing, in points, shared by both sheets. */
export const TYPE = {
  body: 10.5,
  /** Extra space between lines of the body: Noto Serif's own line height is 1.36 em. */
  bodyLineGap: 1.6,
  paragraphGap: 7,
  sender: 9,
  senderName: 10.5,
  info: 9.5,
  /** The address starts at this size and shrinks, down to `addressMin`, until it fits its box. */
  addressMax: 10.5,
  addressMin: 7,
  /** Address line height in em: tighter than the body, so seven lines fit the Letter window. */
  addressLeading: 1.2,
  small: 8,
  /** Room for the handwritten signature between the close and the signatory's name. */
  signatureSpace: 16 * MM,
  ink: '#1a1a1a',
  muted: '#5a5a5a',
  foldMark: '#9a9a9a',
} as const

/** Noto Serif's line height (ascender + descender) in em, which pdfkit uses for one line. */
export const FONT_LINE_HEIGHT = (1069 + 293) / 1000

/**
 * The largest size from `max` down to `min`, in quarter points, at which `heightAt(size)` fits
 * `height`; `min` when none does (the address still prints whole, never cut).
 */
export function fitFontSize(
  heightAt: (size: number) => number,
  height: number,
  max: number,
  min: number,
): number {
  for (let size = max; size > min; size -= 0.25) {
    if (heightAt(size) <= height) return size
  }
  return min
}
