/**
 * Composite validators for the config DSL: arrays, records, objects with known keys, unions.
 * They keep going after a bad child so one run reports every problem, dropping only the bad
 * parts from the value they build.
 */
import {
  type Ctx,
  INVALID,
  isPlainObject,
  joinPath,
  type Outcome,
  type Schema,
  SKIP,
  setOwn,
  typeError,
} from './schema-dsl.ts'

export function array<T>(item: Schema<T>, expected = `an array of ${plural(item.expected)}`): Schema<T[]> {
  return {
    expected,
    optional: false,
    matchesType: Array.isArray,
    check(value, path, ctx) {
      if (!Array.isArray(value)) return typeError(ctx, path, expected, value)
      const out: T[] = []
      value.forEach((v, i) => {
        const r = item.check(v, joinPath(path, i), ctx)
        if (r !== INVALID && r !== SKIP) out.push(r)
      })
      return out
    },
  }
}

function plural(expected: string): string {
  return expected.replace(/^an? /, '').replace(/\b(string|integer|number|object)\b/, '$1s')
}

export interface RecordOptions {
  /** Key check returning a violation ("expected ...") or undefined. */
  key?: (key: string) => string | undefined
  expected?: string
}

export function record<T>(value: Schema<T>, opts: RecordOptions = {}): Schema<Record<string, T>> {
  const expected = opts.expected ?? 'an object'
  return {
    expected,
    optional: false,
    matchesType: isPlainObject,
    check(input, path, ctx) {
      if (!isPlainObject(input)) return typeError(ctx, path, expected, input)
      const out: Record<string, T> = {}
      for (const [k, v] of Object.entries(input)) {
        const p = joinPath(path, k)
        const keyViolation = k === '__proto__' ? 'reserved key name' : opts.key?.(k)
        if (keyViolation !== undefined) {
          ctx.errors.push({ path: p, message: `invalid key: ${keyViolation}` })
          continue
        }
        const r = value.check(v, p, ctx)
        if (r !== INVALID && r !== SKIP) setOwn(out, k, r)
      }
      return out
    },
  }
}

type KnownKeys<T> = keyof {
  [K in keyof T as string extends K ? never : number extends K ? never : K]: unknown
}
/** Known keys of T must be described with a compatible schema; extra documented keys are allowed. */
export type Shape<T> = { [K in KnownKeys<T> & keyof T]-?: Schema<T[K]> } & Record<string, Schema<unknown>>

export interface ObjectOptions<T> {
  /** `warn` (default): keep and warn; `error`: strict leaf; `allow`: keep silently. */
  unknownKeys?: 'warn' | 'error' | 'allow'
  /** Keys that are known but retired: always a warning with this text. */
  retired?: Readonly<Record<string, string>>
  expected?: string
  /** Cross-field rules run after the keys; may turn the result into INVALID or SKIP. */
  refine?: (value: T, path: string, ctx: Ctx) => Outcome<T>
}

export function object<T>(shape: Shape<T>, opts: ObjectOptions<T> = {}): Schema<T> {
  const expected = opts.expected ?? 'an object'
  const unknownKeys = opts.unknownKeys ?? 'warn'
  const known = new Map<string, Schema<unknown>>(Object.entries(shape))
  return {
    expected,
    optional: false,
    matchesType: isPlainObject,
    check(input, path, ctx) {
      if (!isPlainObject(input)) return typeError(ctx, path, expected, input)
      const errorsBefore = ctx.errors.length
      const out: Record<string, unknown> = {}
      for (const [key, schema] of known) {
        const p = joinPath(path, key)
        const v = Object.hasOwn(input, key) ? input[key] : undefined
        if (v === undefined) {
          if (!schema.optional) ctx.errors.push({ path: p, message: `missing; expected ${schema.expected}` })
          continue
        }
        const r = schema.check(v, p, ctx)
        if (r !== INVALID && r !== SKIP) setOwn(out, key, r)
      }
      for (const [key, v] of Object.entries(input)) {
        if (known.has(key)) continue
        const p = joinPath(path, key)
        const retired = opts.retired?.[key]
        if (retired !== undefined) {
          ctx.warnings.push({ path: p, message: retired })
        } else if (unknownKeys === 'error') {
          ctx.errors.push({ path: p, message: `unknown key; expected only ${[...known.keys()].join(', ')}` })
          continue
        } else if (unknownKeys === 'warn') {
          ctx.warnings.push({ path: p, message: 'unknown key (ignored by this version)' })
        }
        if (key !== '__proto__') setOwn(out, key, v)
      }
      if (opts.refine && ctx.errors.length === errorsBefore) return opts.refine(out as T, path, ctx)
      return out as T
    },
  }
}

/**
 * One of several shapes. When the JS type picks exactly one member, its precise errors are
 * reported (`...model.primary: expected a string`) instead of a vague "matched nothing".
 */
export function union<T>(members: ReadonlyArray<Schema<T>>, expected: string): Schema<T> {
  return {
    expected,
    optional: false,
    matchesType: (v) => members.some((m) => m.matchesType(v)),
    check(value, path, ctx) {
      const candidates = members.filter((m) => m.matchesType(value))
      const [first] = candidates
      if (first === undefined) return typeError(ctx, path, expected, value)
      if (candidates.length === 1) return first.check(value, path, ctx)
      let best: { result: Outcome<T>; scratch: Ctx } | undefined
      for (const m of candidates) {
        const scratch: Ctx = { errors: [], warnings: [] }
        const result = m.check(value, path, scratch)
        if (best === undefined || scratch.errors.length < best.scratch.errors.length)
          best = { result, scratch }
        if (scratch.errors.length === 0) break
      }
      if (best === undefined) return typeError(ctx, path, expected, value)
      ctx.errors.push(...best.scratch.errors)
      ctx.warnings.push(...best.scratch.warnings)
      return best.result
    },
  }
}

/** Wraps a schema with a rule that sees the raw value first (e.g. skip-on-unknown-enum). */
export function preCheck<T>(
  schema: Schema<T>,
  before: (value: unknown, path: string, ctx: Ctx) => Outcome<T> | undefined,
): Schema<T> {
  return {
    ...schema,
    check(value, path, ctx) {
      const early = before(value, path, ctx)
      return early === undefined ? schema.check(value, path, ctx) : early
    },
  }
}
