// The linebreak package (UAX #14, pdfkit's own line breaker) ships no types.
declare module 'linebreak' {
  interface Break {
    position: number
    required: boolean
  }
  export default class LineBreaker {
    constructor(text: string)
    nextBreak(): Break | null
  }
}
