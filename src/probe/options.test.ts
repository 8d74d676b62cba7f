import { describe, expect, it } from 'vitest'
import { parseProbeOptions } from './options.ts'

const usage = (values: Record<string, unknown>) => {
  try {
    parseProbeOptions(values as never)
  } catch (e) {
    return e as { code: string; exitCode: number; message: string }
  }
  throw new Error('expected a usage error')
}

describe('parseProbeOptions', () => {
  it('absent --probe: undefined', () => {
    expect(parseProbeOptions({})).toBeUndefined()
  })

  it('defaults 8000 ms / 2 / 8 tokens', () => {
    expect(parseProbeOptions({ probe: true })).toEqual({
      profileIds: [],
      timeoutMs: 8000,
      concurrency: 2,
      maxTokens: 8,
    })
  })

  it('repeatable and comma-separated profile ids, de-duplicated; provider normalised', () => {
    expect(
      parseProbeOptions({
        probe: true,
        'probe-profile': ['anthropic:a,anthropic:b', ' anthropic:a '],
        'probe-provider': 'OpenAI-Codex',
      }),
    ).toMatchObject({ profileIds: ['anthropic:a', 'anthropic:b'], provider: 'openai' })
  })

  it.each([
    [{ probe: true, plain: true }, '--probe cannot be combined with --plain.'],
    [
      { probe: true, 'probe-timeout': '0' },
      '--probe-timeout must be a positive whole number of milliseconds (got "0").',
    ],
    [
      { probe: true, 'probe-timeout': '1.5' },
      '--probe-timeout must be a positive whole number of milliseconds (got "1.5").',
    ],
    [
      { probe: true, 'probe-concurrency': '-2' },
      '--probe-concurrency must be a positive whole number (got "-2").',
    ],
    [
      { probe: true, 'probe-max-tokens': 'ten' },
      '--probe-max-tokens must be a positive whole number (got "ten").',
    ],
    [{ probe: true, 'probe-profile': ['a:b,,'] }, '--probe-profile needs profile ids, e.g. anthropic:work.'],
    [{ 'probe-provider': 'anthropic' }, '--probe-provider only applies together with --probe.'],
  ])('%o -> %s', (values, message) => {
    const e = usage(values)
    expect(e.code).toBe('usage')
    expect(e.exitCode).toBe(64)
    expect(e.message).toBe(message)
  })
})
