import fs from 'node:fs'
import path from 'node:path'

// Every regular expression written in the project's TypeScript, found by reading the source: regex
// literals, `new RegExp(...)` / `RegExp(...)` with literal arguments, and JSON-schema `pattern`
// strings (Ajv compiles those with the u flag and runs them on request fields). A small tokenizer,
// not a search: it knows strings, comments and template literals, and tells a regex from a
// division by the token before it, as JavaScript parsers do.

export interface SourceRegex {
  /** "src/lib/text-safety.ts:33" */
  where: string
  /** The pattern, or null when it is built from something the scanner cannot read (a variable). */
  source: string | null
  flags: string
  how: 'literal' | 'RegExp' | 'schema pattern'
}

type Token =
  | { kind: 'ident'; value: string; line: number }
  | { kind: 'punct'; value: string; line: number }
  | { kind: 'number'; line: number }
  | { kind: 'string'; value: string; line: number }
  // A template's text, each ${...} replaced by TEMPLATE_HOLE.
  | { kind: 'template'; value: string; line: number }
  | { kind: 'regex'; source: string; flags: string; line: number }

/**
 * What stands for each `${...}` of a template given to RegExp: interpolations in this project are
 * escaped literal text (a name, a list of words), so a plain letter is their fair stand-in.
 */
export const TEMPLATE_HOLE = 'x'

// After these words an expression starts, so a slash begins a regex (`return /a/.test(x)`).
const KEYWORDS_BEFORE_EXPRESSION = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
])
const PUNCTUATORS = [
  '>>>=',
  '...',
  '===',
  '!==',
  '**=',
  '<<=',
  '>>=',
  '>>>',
  '&&=',
  '||=',
  '??=',
  '=>',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '??',
  '?.',
  '++',
  '--',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '**',
  '<<',
  '>>',
]
const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
  v: '\v',
  0: '\0',
}

class Tokenizer {
  private pos = 0
  private line = 1
  private tokens: Token[] = []
  // Tokens inside templates' ${...}: kept apart, so a template stays one token where it is used.
  private readonly holes: Token[] = []

  constructor(private readonly text: string) {}

  /** Reads tokens up to the end, or up to the `}` closing a template's `${` when `inHole`. */
  run(inHole = false): void {
    let depth = 0
    const t = this.text
    while (this.pos < t.length) {
      const c = t[this.pos]!
      if (c === '\n') this.line++
      if (/\s/.test(c)) {
        this.pos++
      } else if (t.startsWith('//', this.pos)) {
        const end = t.indexOf('\n', this.pos)
        this.pos = end < 0 ? t.length : end
      } else if (t.startsWith('/*', this.pos)) {
        const end = t.indexOf('*/', this.pos + 2)
        const stop = end < 0 ? t.length : end + 2
        this.line += countLines(t.slice(this.pos, stop))
        this.pos = stop
      } else if (c === "'" || c === '"') {
        this.push({ kind: 'string', value: this.readQuoted(c), line: this.line })
      } else if (c === '`') {
        const line = this.line
        this.push({ kind: 'template', value: this.readTemplate(), line })
      } else if (c === '/' && this.slashStartsRegex()) {
        this.push(this.readRegex())
      } else if (/[\p{L}_$]/u.test(c)) {
        const word = /^[\p{L}\p{N}_$]+/u.exec(t.slice(this.pos, this.pos + 200))![0]
        this.pos += word.length
        this.push({ kind: 'ident', value: word, line: this.line })
      } else if (/\d/.test(c) || (c === '.' && /\d/.test(t[this.pos + 1] ?? ''))) {
        this.pos += /^[\d._a-zA-Z]+/.exec(t.slice(this.pos, this.pos + 100))![0].length
        this.push({ kind: 'number', line: this.line })
      } else {
        if (c === '{') depth++
        if (c === '}') {
          if (inHole && depth === 0) {
            this.pos++
            return
          }
          depth--
        }
        const punct = PUNCTUATORS.find((p) => t.startsWith(p, this.pos)) ?? c
        this.pos += punct.length
        this.push({ kind: 'punct', value: punct, line: this.line })
      }
    }
  }

  /** Every token read, those inside templates' holes last. */
  all(): Token[] {
    return [...this.tokens, ...this.holes]
  }

  private push(token: Token): void {
    this.tokens.push(token)
  }

  private slashStartsRegex(): boolean {
    const previous = this.tokens.at(-1)
    if (!previous) return true
    if (previous.kind === 'punct') return ![')', ']', '}'].includes(previous.value)
    if (previous.kind === 'ident') return KEYWORDS_BEFORE_EXPRESSION.has(previous.value)
    return false
  }

  private readQuoted(quote: string): string {
    const t = this.text
    let out = ''
    this.pos++
    while (this.pos < t.length && t[this.pos] !== quote) {
      if (t[this.pos] === '\\') out += this.readEscape()
      else out += t[this.pos++]
    }
    this.pos++
    return out
  }

  /** The template's cooked text; each `${...}` is tokenized (it may hold regexes) and left a hole. */
  private readTemplate(): string {
    const t = this.text
    let out = ''
    this.pos++
    while (this.pos < t.length && t[this.pos] !== '`') {
      if (t[this.pos] === '\\') {
        out += this.readEscape()
      } else if (t.startsWith('${', this.pos)) {
        this.pos += 2
        const outer = this.tokens
        this.tokens = []
        this.run(true)
        this.holes.push(...this.tokens)
        this.tokens = outer
        out += TEMPLATE_HOLE
      } else {
        if (t[this.pos] === '\n') this.line++
        out += t[this.pos++]
      }
    }
    this.pos++
    return out
  }

  private readEscape(): string {
    const t = this.text
    const next = t[this.pos + 1] ?? ''
    this.pos += 2
    if (next in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[next]!
    if (next === '\n') {
      this.line++
      return ''
    }
    if (next === 'x') {
      this.pos += 2
      return String.fromCharCode(Number.parseInt(t.slice(this.pos - 2, this.pos), 16))
    }
    if (next === 'u') {
      const braced = t[this.pos] === '{'
      const end = braced ? t.indexOf('}', this.pos) + 1 : this.pos + 4
      const hex = t.slice(braced ? this.pos + 1 : this.pos, braced ? end - 1 : end)
      this.pos = end
      return String.fromCodePoint(Number.parseInt(hex, 16))
    }
    return next
  }

  private readRegex(): Token {
    const t = this.text
    const line = this.line
    let inClass = false
    let i = this.pos + 1
    for (; i < t.length; i++) {
      const c = t[i]
      if (c === '\\') i++
      else if (c === '[') inClass = true
      else if (c === ']') inClass = false
      else if (c === '/' && !inClass) break
      else if (c === '\n') throw new Error(`unterminated regex at line ${line}`)
    }
    const source = t.slice(this.pos + 1, i)
    const flags = /^[a-z]*/.exec(t.slice(i + 1, i + 10))![0]
    this.pos = i + 1 + flags.length
    return { kind: 'regex', source, flags, line }
  }
}

function countLines(text: string): number {
  return text.split('\n').length - 1
}

/** The tokens of one TypeScript source. */
function tokenize(text: string): Token[] {
  const tokenizer = new Tokenizer(text)
  tokenizer.run()
  return tokenizer.all()
}

function isText(token: Token | undefined): token is Extract<Token, { kind: 'string' | 'template' }> {
  return token?.kind === 'string' || token?.kind === 'template'
}

/** `const NAME = 'text'` declarations, so `pattern: PUBLIC_ID_PATTERN` can be read. */
function stringConstants(tokens: readonly Token[], into: Map<string, string>): void {
  tokens.forEach((token, i) => {
    const name = tokens[i + 1]
    const value = tokens[i + 3]
    if (token.kind === 'ident' && token.value === 'const' && name?.kind === 'ident' && isText(value)) {
      const equals = tokens[i + 2]
      const after = tokens[i + 4]
      if (
        equals?.kind === 'punct' &&
        equals.value === '=' &&
        !(after?.kind === 'punct' && after.value === '+')
      )
        into.set(name.value, value.value)
    }
  })
}

/** Every regex in one file's tokens; `constants` resolves schema patterns given by name. */
function regexesOf(file: string, tokens: readonly Token[], constants: Map<string, string>): SourceRegex[] {
  const found: SourceRegex[] = []
  tokens.forEach((token, i) => {
    const where = `${file}:${token.line}`
    if (token.kind === 'regex') {
      found.push({ where, source: token.source, flags: token.flags, how: 'literal' })
      return
    }
    if (token.kind !== 'ident') return
    const next = tokens[i + 1]
    if (token.value === 'RegExp' && next?.kind === 'punct' && next.value === '(') {
      const [pattern, comma, flags, close] = tokens.slice(i + 2, i + 6)
      const closed = (t: Token | undefined) => t?.kind === 'punct' && t.value === ')'
      const plain = isText(pattern) && closed(comma)
      const withFlags =
        isText(pattern) &&
        comma?.kind === 'punct' &&
        comma.value === ',' &&
        (isText(flags) || flags?.kind === 'ident') &&
        closed(close)
      found.push({
        where,
        source: plain || withFlags ? (pattern as { value: string }).value : null,
        // Flags held in a variable ('gu' or 'giu'): checked with the widest set the project uses.
        flags: withFlags ? (isText(flags) ? flags.value : 'giu') : '',
        how: 'RegExp',
      })
    } else if (token.value === 'pattern' && next?.kind === 'punct' && next.value === ':') {
      const value = tokens[i + 2]
      const source = isText(value)
        ? value.value
        : value?.kind === 'ident'
          ? (constants.get(value.value) ?? null)
          : null
      // Ajv compiles schema patterns with the u flag.
      found.push({ where, source, flags: 'u', how: 'schema pattern' })
    }
  })
  return found
}

/** Every regex in the given sources (name -> text). */
export function regexesInSources(sources: ReadonlyMap<string, string>): SourceRegex[] {
  const tokensByFile = new Map([...sources].map(([file, text]) => [file, tokenize(text)] as const))
  const constants = new Map<string, string>()
  for (const tokens of tokensByFile.values()) stringConstants(tokens, constants)
  return [...tokensByFile].flatMap(([file, tokens]) => regexesOf(file, tokens, constants))
}

/** The .ts files under each folder (relative to `root`), as name -> text. */
export function readSources(root: string, folders: readonly string[]): Map<string, string> {
  const sources = new Map<string, string>()
  const walk = (folder: string): void => {
    for (const entry of fs.readdirSync(path.join(root, folder), { withFileTypes: true })) {
      const name = path.posix.join(folder, entry.name)
      if (entry.isDirectory()) walk(name)
      else if (entry.name.endsWith('.ts')) sources.set(name, fs.readFileSync(path.join(root, name), 'utf8'))
    }
  }
  for (const folder of folders) walk(folder)
  return sources
}

/** Where `.normalize(` is called in the sources ("src/lib/text.ts:7"). */
export function normalizeCalls(sources: ReadonlyMap<string, string>): string[] {
  return [...sources].flatMap(([file, text]) => {
    const tokens = tokenize(text)
    return tokens.flatMap((token, i) => {
      const before = tokens[i - 1]
      const after = tokens[i + 1]
      return token.kind === 'ident' &&
        token.value === 'normalize' &&
        before?.kind === 'punct' &&
        (before.value === '.' || before.value === '?.') &&
        after?.kind === 'punct' &&
        after.value === '('
        ? [`${file}:${token.line}`]
        : []
    })
  })
}
