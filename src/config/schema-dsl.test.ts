import { describe, expect, it } from 'vitest'
import { boolean, type Ctx, formatIssue, INVALID, joinPath, number, optional, string } from './schema-dsl.ts'
import { array, object, record, union } from './schema-dsl-containers.ts'

function run<T>(schema: { check(v: unknown, p: string, c: Ctx): T }, value: unknown) {
  const ctx: Ctx = { errors: [], warnings: [] }
  const result = schema.check(value, '', ctx)
  return { result, errors: ctx.errors.map(formatIssue), warnings: ctx.warnings.map(formatIssue) }
}

describe('joinPath', () => {
  it('uses dots for identifiers and quoted brackets otherwise', () => {
    expect(joinPath('', 'auth')).toBe('auth')
    expect(joinPath('auth.profiles', 'anthropic:work')).toBe('auth.profiles["anthropic:work"]')
    expect(joinPath('a', 3)).toBe('a[3]')
    expect(joinPath('p', 'say "hi"\n')).toBe('p["say \\"hi\\"\\n"]')
  })
})

describe('primitives', () => {
  it('string enum names every allowed value and the actual one', () => {
    const s = object({ mode: string({ enum: ['api_key', 'token'] as const }) })
    expect(run(s, { mode: 'apikey' }).errors).toEqual([
      'mode: expected one of "api_key", "token", got "apikey"',
    ])
  })

  it('string pattern uses the rule text', () => {
    const s = string({ pattern: /^[a-z]+$/, rule: 'lower-case letters' })
    expect(run(s, 'ABC').errors).toEqual(['(root): expected lower-case letters, got "ABC"'])
  })

  it('secret strings never echo the value and refuse control characters', () => {
    const s = string({ secret: true, pattern: /^sk-/ })
    const bad = run(s, 'abc\r\nX-Evil: 1')
    expect(bad.errors.join()).not.toContain('abc')
    expect(bad.errors.join()).toContain('control characters')
    expect(run(s, 'wrong-secret').errors.join()).not.toContain('wrong-secret')
  })

  it('numbers check int, bounds and finiteness', () => {
    const port = number({ int: true, min: 1, max: 65535 })
    expect(run(port, 80).errors).toEqual([])
    expect(run(port, 0).errors).toEqual(['(root): expected an integer from 1 to 65535, got 0'])
    expect(run(port, 1.5).errors).toHaveLength(1)
    expect(run(number({ gt: 0 }), Number.POSITIVE_INFINITY).errors).toEqual([
      '(root): expected a positive number, got Infinity',
    ])
    expect(run(number({ gt: 0 }), '5').errors).toEqual(['(root): expected a positive number, got "5"'])
  })

  it('boolean', () => {
    expect(run(boolean(), 'yes').errors).toEqual(['(root): expected true or false, got "yes"'])
  })
})

describe('containers', () => {
  const s = object({
    name: string(),
    tags: optional(array(string())),
    limits: optional(record(number({ int: true }))),
  })

  it('reports missing required keys and nested paths, keeping valid siblings', () => {
    const r = run(s, { tags: ['a', 2], limits: { 'x-y': 'no', ok: 1 } })
    expect(r.errors).toEqual([
      'name: missing; expected a string',
      'tags[1]: expected a string, got 2',
      'limits["x-y"]: expected an integer, got "no"',
    ])
    expect(r.result).toEqual({ tags: ['a'], limits: { ok: 1 } })
  })

  it('warns about unknown keys and keeps them', () => {
    const r = run(s, { name: 'n', extra: 1 })
    expect(r.errors).toEqual([])
    expect(r.warnings).toEqual(['extra: unknown key (ignored by this version)'])
    expect(r.result).toEqual({ name: 'n', extra: 1 })
  })

  it('strict objects turn unknown keys into errors', () => {
    const strict = object({ a: string() }, { unknownKeys: 'error' })
    expect(run(strict, { a: 'x', b: 1 }).errors).toEqual(['b: unknown key; expected only a'])
  })

  it('a __proto__ key never changes the prototype of the result', () => {
    const parsed = JSON.parse('{"name":"n","__proto__":{"polluted":true}}')
    const r = run(s, parsed)
    expect(Object.getPrototypeOf(r.result)).toBe(Object.prototype)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(run(record(string()), parsed).errors).toContain('__proto__: invalid key: reserved key name')
  })

  it('record key checks', () => {
    const r = run(
      record(string(), { key: (k) => (k === k.toLowerCase() ? undefined : 'expected lower-case') }),
      {
        Bad: 'x',
      },
    )
    expect(r.errors).toEqual(['Bad: invalid key: expected lower-case'])
  })

  it('rejects a non-object', () => {
    expect(run(s, []).result).toBe(INVALID)
    expect(run(s, []).errors).toEqual(['(root): expected an object, got an array'])
  })
})

describe('union', () => {
  const model = union<string | { primary?: string }>(
    [string(), object<{ primary?: string }>({ primary: optional(string()) })],
    'a string or {primary}',
  )

  it('picks the member matching the JS type and reports its precise errors', () => {
    expect(run(model, { primary: 5 }).errors).toEqual(['primary: expected a string, got 5'])
    expect(run(model, 'anthropic/x').result).toBe('anthropic/x')
  })

  it('names all alternatives when nothing matches', () => {
    expect(run(model, 42).errors).toEqual(['(root): expected a string or {primary}, got 42'])
  })
})
