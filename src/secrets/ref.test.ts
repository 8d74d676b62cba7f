import { describe, expect, it } from 'vitest'
import {
  fileIdSegments,
  formatRef,
  parsePointer,
  parseRefSpec,
  RULES,
  refIdViolation,
  refKey,
} from './ref.ts'

describe('SecretRef id grammar (auth-spec 1.9, A-06)', () => {
  it.each([
    ['env', 'ANTHROPIC_API_KEY'],
    ['env', 'A'],
    ['exec', 'vault/anthropic/prod'],
    ['exec', 'op:Private/Anthropic#credential'],
    ['exec', 'a.b_c-d:e'],
    ['file', '/anthropic/prod'],
    ['file', '/a~1b/c~0d'],
    ['file', 'anthropic-prod-key'],
    ['file', 'value'],
  ] as const)('%s id %s is valid', (source, id) => {
    expect(refIdViolation(source, id)).toBeUndefined()
  })

  it.each([
    ['env', 'lower_case'],
    ['env', '1ABC'],
    ['env', `A${'B'.repeat(128)}`],
    ['env', ''],
    ['exec', '-rf'],
    ['exec', 'a b'],
    ['exec', '$(touch x)'],
    ['exec', '../etc/passwd'],
    ['exec', 'a/./b'],
    ['exec', 'a/..'],
    ['exec', `a${'b'.repeat(256)}`],
    ['file', '/a/~2'],
    ['file', '/a~'],
    ['file', '/~x'],
    ['file', `/${Array.from({ length: 10_000 }, () => 'a').join('/')}`],
    ['file', 'no/leading/slash'],
    ['file', '/a\nb'],
  ] as const)('%s id %j is refused with the rule, not the id', (source, id) => {
    const v = refIdViolation(source, id)
    expect(v).toBeDefined()
    expect(v).toContain(RULES[source].slice(0, 20))
    if (id.length > 3) expect(v).not.toContain(id)
  })

  it('decodes RFC 6901 escapes; a bare id is one top-level key (DECISIONS 3)', () => {
    expect(parsePointer('/a~1b/c~0d/~01')).toEqual(['a/b', 'c~d', '~1'])
    expect(parsePointer('')).toEqual([])
    expect(fileIdSegments('anthropic-prod-key')).toEqual(['anthropic-prod-key'])
    expect(fileIdSegments('/x/y')).toEqual(['x', 'y'])
  })
})

describe('parseRefSpec (--ref <source>:<provider>:<id>)', () => {
  it('splits on the first two colons; the id may contain more', () => {
    expect(parseRefSpec('exec:vault:op:Private/x#y')).toEqual({
      source: 'exec',
      provider: 'vault',
      id: 'op:Private/x#y',
    })
    expect(parseRefSpec('file:local:/anthropic/prod')).toEqual({
      source: 'file',
      provider: 'local',
      id: '/anthropic/prod',
    })
  })

  it('an empty provider takes secrets.defaults.<source>, else "default"', () => {
    expect(parseRefSpec('env::OPENAI_API_KEY')).toEqual({
      source: 'env',
      provider: 'default',
      id: 'OPENAI_API_KEY',
    })
    expect(parseRefSpec('file::/k', { file: 'local' })).toEqual({
      source: 'file',
      provider: 'local',
      id: '/k',
    })
  })

  it('rejects bad forms with the rule', () => {
    expect(parseRefSpec('env:OPENAI')).toMatch(/expected --ref <source>:<provider>:<id>/)
    expect(parseRefSpec('vault:x:y')).toMatch(/unknown ref source/)
    expect(parseRefSpec('env:Bad:K')).toBe(RULES.alias)
    expect(parseRefSpec('env:default:sk-live-123')).toBe(RULES.env)
  })
})

describe('formatRef / refKey', () => {
  it('prints coordinates with control characters escaped; keys are unambiguous', () => {
    expect(formatRef({ source: 'file', provider: 'local', id: '/a\nb' })).toBe('file:local:/a\\nb')
    expect(refKey({ source: 'exec', provider: 'a', id: 'b:c' })).not.toBe(
      refKey({ source: 'exec', provider: 'a:b', id: 'c' }),
    )
  })
})
