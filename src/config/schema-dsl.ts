/**
 * A deliberately tiny validator DSL for openclaw.json. zod costs ~110 ms to import and the
 * CLI's status path must start about as fast as `node -e 0`, so this covers only what the
 * config needs: objects with known keys, records, arrays, strings, numbers, booleans, unions.
 * Every problem carries a JSON path (`auth.profiles["anthropic:work"].mode`) and says what
 * was expected; unknown keys are warnings so newer configs still load on older builds.
 */

export interface Issue {
  path: string
  message: string
}

export interface Ctx {
  errors: Issue[]
  warnings: Issue[]
}

/** The value is unusable; the error has already been recorded. */
export const INVALID: unique symbol = Symbol('invalid')
/** The value is deliberately left out of the result (a warning has been recorded). */
export const SKIP: unique symbol = Symbol('skip')
export type Outcome<T> = T | typeof INVALID | typeof SKIP

export interface Schema<T> {
  /** Phrase used after "expected", e.g. `a string` or `one of "a", "b"`. */
  readonly expected: string
  readonly optional: boolean
  /** Base JS type test, used by unions to decide which member a value was meant for. */
  matchesType(value: unknown): boolean
  check(value: unknown, path: string, ctx: Ctx): Outcome<T>
}

const IDENT_RE = /^[A-Za-z_$][A-Za-z0-9_$]*$/

export function joinPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`
  if (IDENT_RE.test(key)) return parent === '' ? key : `${parent}.${key}`
  return `${parent}["${escapeText(key, 60)}"]`
}

export function formatIssue(issue: Issue): string {
  return `${issue.path === '' ? '(root)' : issue.path}: ${issue.message}`
}

/** Printable-ASCII escaping, truncated: config text must never drive the terminal. */
export function escapeText(value: string, max = 60): string {
  let out = ''
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0
    let piece: string
    if (ch === '"' || ch === '\\') piece = `\\${ch}`
    else if (code >= 0x20 && code < 0x7f) piece = ch
    else if (ch === '\n') piece = '\\n'
    else if (ch === '\r') piece = '\\r'
    else if (ch === '\t') piece = '\\t'
    else piece = [...ch].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')
    if (out.length + piece.length > max - 3) return `${out}...`
    out += piece
  }
  return out
}

export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  switch (typeof value) {
    case 'string':
      return `"${escapeText(value)}"`
    case 'number':
    case 'boolean':
      return String(value)
    case 'object':
      return 'an object'
    default:
      return typeof value
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** defineProperty, so a `__proto__` key can never swap the prototype of what we build. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

export function typeError(ctx: Ctx, path: string, expected: string, value: unknown): typeof INVALID {
  ctx.errors.push({ path, message: `expected ${expected}, got ${describe(value)}` })
  return INVALID
}

export function optional<T>(schema: Schema<T>): Schema<T | undefined> {
  return { ...schema, optional: true }
}

export interface StringOptions<T extends string> {
  enum?: readonly T[]
  pattern?: RegExp
  /** Human phrase for the pattern, e.g. `a provider id like "anthropic"`. */
  rule?: string
  nonEmpty?: boolean
  /** Secret-bearing: never echo the value, and refuse control characters (header injection). */
  secret?: boolean
  /**
   * Extra check: a violation ("expected ...", the value is appended) or, when the value itself
   * must not be shown, `{ message }` used verbatim.
   */
  validate?: (value: string) => string | { message: string } | undefined
  transform?: (value: string) => string
}

export function string<T extends string = string>(opts: StringOptions<T> = {}): Schema<T> {
  const expected = opts.enum
    ? `one of ${opts.enum.map((e) => `"${e}"`).join(', ')}`
    : (opts.rule ?? (opts.nonEmpty ? 'a non-empty string' : 'a string'))
  const shown = (v: string) => (opts.secret ? 'a value that does not match' : describe(v))
  return {
    expected,
    optional: false,
    matchesType: (v) => typeof v === 'string',
    check(value, path, ctx) {
      if (typeof value !== 'string') return typeError(ctx, path, expected, value)
      if (opts.enum && !(opts.enum as readonly string[]).includes(value)) {
        return typeError(ctx, path, expected, value)
      }
      if (opts.nonEmpty && value.trim() === '') {
        ctx.errors.push({ path, message: `expected ${expected}, got an empty string` })
        return INVALID
      }
      if (opts.secret && /[\x00-\x08\x0a-\x1f\x7f]/.test(value)) {
        ctx.errors.push({ path, message: 'must not contain control characters (CR, LF, NUL...)' })
        return INVALID
      }
      if (opts.pattern && !opts.pattern.test(value)) {
        ctx.errors.push({ path, message: `expected ${expected}, got ${shown(value)}` })
        return INVALID
      }
      const violation = opts.validate?.(value)
      if (typeof violation === 'object') {
        ctx.errors.push({ path, message: violation.message })
        return INVALID
      }
      if (violation !== undefined) {
        ctx.errors.push({ path, message: opts.secret ? violation : `${violation}, got ${shown(value)}` })
        return INVALID
      }
      return (opts.transform ? opts.transform(value) : value) as T
    },
  }
}

export interface NumberOptions {
  int?: boolean
  min?: number
  max?: number
  /** Exclusive lower bound (`gt: 0` = positive). */
  gt?: number
  expected?: string
}

export function number(opts: NumberOptions = {}): Schema<number> {
  const kind = opts.int ? 'an integer' : 'a number'
  let expected = opts.expected ?? kind
  if (opts.expected === undefined) {
    if (opts.min !== undefined && opts.max !== undefined) expected = `${kind} from ${opts.min} to ${opts.max}`
    else if (opts.min !== undefined) expected = `${kind} >= ${opts.min}`
    else if (opts.gt !== undefined)
      expected = opts.gt === 0 ? `a positive ${opts.int ? 'integer' : 'number'}` : `${kind} > ${opts.gt}`
  }
  return {
    expected,
    optional: false,
    matchesType: (v) => typeof v === 'number',
    check(value, path, ctx) {
      // JSON5 admits NaN and Infinity; no setting means either.
      if (typeof value !== 'number' || !Number.isFinite(value)) return typeError(ctx, path, expected, value)
      const bad =
        (opts.int && !Number.isInteger(value)) ||
        (opts.min !== undefined && value < opts.min) ||
        (opts.max !== undefined && value > opts.max) ||
        (opts.gt !== undefined && value <= opts.gt)
      return bad ? typeError(ctx, path, expected, value) : value
    },
  }
}

export function boolean(): Schema<boolean> {
  return {
    expected: 'true or false',
    optional: false,
    matchesType: (v) => typeof v === 'boolean',
    check: (value, path, ctx) =>
      typeof value === 'boolean' ? value : typeError(ctx, path, 'true or false', value),
  }
}

/** Any JSON object, passed through untouched (sections a later layer validates). */
export function anyObject(): Schema<Record<string, unknown>> {
  return {
    expected: 'an object',
    optional: false,
    matchesType: isPlainObject,
    check: (value, path, ctx) => (isPlainObject(value) ? value : typeError(ctx, path, 'an object', value)),
  }
}
