// biome-ignore-all lint/suspicious/noTemplateCurlyInString: literal ${VAR} config references are what these tests are about
import { describe, expect, it } from 'vitest'
import { OpenclawError } from '../errors.ts'
import { referencedEnvNames, substituteEnv } from './substitute.ts'

function catchErr(fn: () => unknown): OpenclawError {
  try {
    fn()
  } catch (err) {
    if (OpenclawError.isInstance(err)) return err
    throw err
  }
  throw new Error('expected a throw')
}

describe('substituteEnv', () => {
  const env = { KEY: 'sk-1', HOST: 'example.com', EMPTY: '' }

  it('replaces ${VAR} in nested strings and arrays, leaving other values alone', () => {
    const out = substituteEnv(
      { a: { b: 'Bearer ${KEY}', n: 3, t: true, z: null }, list: ['https://${HOST}/v1', '${KEY}${KEY}'] },
      env,
    )
    expect(out).toEqual({
      a: { b: 'Bearer sk-1', n: 3, t: true, z: null },
      list: ['https://example.com/v1', 'sk-1sk-1'],
    })
  })

  it('$${VAR} is an escape for a literal ${VAR}', () => {
    expect(substituteEnv({ a: '$${KEY} and ${KEY}' }, env)).toEqual({ a: '${KEY} and sk-1' })
    expect(substituteEnv({ a: '$${MISSING}' }, env)).toEqual({ a: '${MISSING}' })
  })

  it('leaves lower-case and malformed references untouched', () => {
    const input = { a: '${key} ${1X} $KEY ${KEY:-x} ${ KEY }' }
    expect(substituteEnv(input, env)).toEqual(input)
  })

  it('never substitutes object keys', () => {
    expect(substituteEnv({ '${KEY}': 'v' }, env)).toEqual({ '${KEY}': 'v' })
  })

  it('reports every missing or empty variable with its key path', () => {
    const e = catchErr(() =>
      substituteEnv({ models: { providers: { 'my-proxy': { apiKey: '${NOPE}' } } }, x: ['${EMPTY}'] }, env),
    )
    expect(e.code).toBe('config_invalid')
    expect(e.message).toBe(
      [
        'models.providers["my-proxy"].apiKey: environment variable NOPE referenced by ${NOPE} is not set',
        'x[0]: environment variable EMPTY referenced by ${EMPTY} is not set',
      ].join('\n'),
    )
    expect(e.hint).toContain('$${NOPE}')
  })

  it('does not mutate its input', () => {
    const input = { a: '${KEY}' }
    substituteEnv(input, env)
    expect(input).toEqual({ a: '${KEY}' })
  })

  it('referencedEnvNames lists references but not escapes', () => {
    expect(referencedEnvNames({ a: ['${A} $${B}'], c: { d: '${C}' } }).sort()).toEqual(['A', 'C'])
  })
})
