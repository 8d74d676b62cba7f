import { describe, expect, it } from 'vitest'
import { getHeader, MAX_RETRY_AFTER_MS, parseGoDurationMs, parseRetryAfterMs } from './retry-after.ts'

const NOW = Date.parse('2026-11-22T12:00:00Z')

describe('parseRetryAfterMs', () => {
  it('reads retry-after-ms as milliseconds and prefers it over retry-after', () => {
    expect(parseRetryAfterMs({ 'retry-after-ms': '250' }, NOW)).toBe(250)
    expect(parseRetryAfterMs({ 'retry-after-ms': '1500.5', 'retry-after': '9' }, NOW)).toBe(1501)
  })

  it('reads retry-after as delta seconds', () => {
    expect(parseRetryAfterMs({ 'retry-after': '30' }, NOW)).toBe(30_000)
    expect(parseRetryAfterMs({ 'retry-after': ' 0 ' }, NOW)).toBe(0)
    expect(parseRetryAfterMs({ 'retry-after': '1.5' }, NOW)).toBe(1_500)
    // A header seen twice and joined by Headers#get stays a delta.
    expect(
      parseRetryAfterMs(
        new Headers([
          ['retry-after', '7'],
          ['retry-after', '7'],
        ]),
        NOW,
      ),
    ).toBe(7_000)
  })

  it('reads retry-after as an HTTP-date relative to now, clamping the past to 0', () => {
    expect(parseRetryAfterMs({ 'retry-after': 'Sun, 22 Nov 2026 12:01:30 GMT' }, NOW)).toBe(90_000)
    expect(parseRetryAfterMs({ 'retry-after': 'Sun, 22 Nov 2026 11:00:00 GMT' }, NOW)).toBe(0)
  })

  it('clamps to 24 hours', () => {
    expect(parseRetryAfterMs({ 'retry-after': '999999' }, NOW)).toBe(MAX_RETRY_AFTER_MS)
    expect(parseRetryAfterMs({ 'retry-after': 'Fri, 01 Jan 2027 00:00:00 GMT' }, NOW)).toBe(
      MAX_RETRY_AFTER_MS,
    )
  })

  it('returns undefined for garbage and missing headers', () => {
    expect(parseRetryAfterMs(undefined, NOW)).toBeUndefined()
    expect(parseRetryAfterMs({}, NOW)).toBeUndefined()
    for (const value of ['soon', '-5', '', '12abc', '0x10', 'NaN', 'Infinity']) {
      expect(parseRetryAfterMs({ 'retry-after': value }, NOW)).toBeUndefined()
      expect(parseRetryAfterMs({ 'retry-after-ms': value }, NOW)).toBeUndefined()
    }
  })

  it('falls through a garbage retry-after to provider reset headers', () => {
    const headers = {
      'retry-after': 'later',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '2s',
    }
    expect(parseRetryAfterMs(headers, NOW)).toBe(2_000)
  })

  it('is case-insensitive for plain records and accepts array values', () => {
    expect(parseRetryAfterMs({ 'Retry-After': '4' }, NOW)).toBe(4_000)
    expect(parseRetryAfterMs({ 'RETRY-AFTER-MS': ['120', '999'] }, NOW)).toBe(120)
    expect(parseRetryAfterMs(new Headers({ 'Retry-After': '5' }), NOW)).toBe(5_000)
  })

  describe('Anthropic reset stamps', () => {
    const base = {
      'anthropic-ratelimit-requests-remaining': '0',
      'anthropic-ratelimit-requests-reset': '2026-11-22T12:00:40Z',
      'anthropic-ratelimit-input-tokens-remaining': '0',
      'anthropic-ratelimit-input-tokens-reset': '2026-11-22T12:00:12Z',
      'anthropic-ratelimit-output-tokens-remaining': '8000',
      'anthropic-ratelimit-output-tokens-reset': '2026-11-22T12:00:01Z',
    }

    it('uses the earliest future reset among exhausted buckets', () => {
      expect(parseRetryAfterMs(base, NOW)).toBe(12_000)
    })

    it('ignores buckets that still have budget', () => {
      const headers = { ...base, 'anthropic-ratelimit-input-tokens-remaining': '5' }
      expect(parseRetryAfterMs(headers, NOW)).toBe(40_000)
    })

    it('ignores resets in the past and unparseable stamps', () => {
      const headers = {
        'anthropic-ratelimit-tokens-remaining': '0',
        'anthropic-ratelimit-tokens-reset': '2026-11-22T11:59:00Z',
        'anthropic-ratelimit-requests-remaining': '0',
        'anthropic-ratelimit-requests-reset': 'tomorrow',
      }
      expect(parseRetryAfterMs(headers, NOW)).toBeUndefined()
    })

    it('needs now; a non-finite now skips absolute stamps', () => {
      expect(parseRetryAfterMs(base, Number.NaN)).toBeUndefined()
    })

    it('loses to an explicit retry-after', () => {
      expect(parseRetryAfterMs({ ...base, 'retry-after': '3' }, NOW)).toBe(3_000)
    })
  })

  describe('OpenAI reset durations', () => {
    it('uses a reset only when the matching remaining is 0', () => {
      const headers = new Headers({
        'x-ratelimit-remaining-requests': '59',
        'x-ratelimit-reset-requests': '1s',
        'x-ratelimit-remaining-tokens': '0',
        'x-ratelimit-reset-tokens': '6m0s',
      })
      expect(parseRetryAfterMs(headers, NOW)).toBe(360_000)
    })

    it('ignores resets when nothing is exhausted', () => {
      const headers = { 'x-ratelimit-remaining-tokens': '10', 'x-ratelimit-reset-tokens': '6m0s' }
      expect(parseRetryAfterMs(headers, NOW)).toBeUndefined()
    })

    it('takes the sooner of two exhausted buckets', () => {
      const headers = {
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-requests': '20ms',
        'x-ratelimit-remaining-tokens': '0',
        'x-ratelimit-reset-tokens': '1h2m3.5s',
      }
      expect(parseRetryAfterMs(headers, NOW)).toBe(20)
    })
  })
})

describe('parseGoDurationMs', () => {
  it.each([
    ['1s', 1_000],
    ['6m0s', 360_000],
    ['20ms', 20],
    ['1h2m3.5s', 3_723_500],
    ['0.5s', 500],
    ['2m59.56s', 179_560],
    ['1500us', 1.5],
  ])('%s -> %d', (raw, ms) => {
    expect(parseGoDurationMs(raw)).toBeCloseTo(ms, 6)
  })

  it.each(['', '5', 's', '1x', '1s garbage', '-1s', '1.s'])('rejects %j', (raw) => {
    expect(parseGoDurationMs(raw)).toBeUndefined()
  })
})

describe('getHeader', () => {
  it('looks up both Headers and records case-insensitively', () => {
    expect(getHeader(new Headers({ 'X-A': '1' }), 'x-a')).toBe('1')
    expect(getHeader({ 'X-A': '2' }, 'X-a')).toBe('2')
    expect(getHeader({ 'x-a': undefined }, 'x-a')).toBeUndefined()
    expect(getHeader(undefined, 'x-a')).toBeUndefined()
  })
})
