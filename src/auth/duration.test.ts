import { describe, expect, it } from 'vitest'
import { OpenclawError } from '../errors.ts'
import { MAX_DURATION_MS, parseDuration } from './duration.ts'

const S = 1000
const MIN = 60 * S
const H = 60 * MIN
const D = 24 * H

describe('parseDuration', () => {
  it.each([
    ['365d', 365 * D],
    ['12h', 12 * H],
    ['30m', 30 * MIN],
    ['45s', 45 * S],
    ['2w', 14 * D],
    ['1h30m', H + 30 * MIN],
    ['1d12h', D + 12 * H],
    ['30m1h', H + 30 * MIN],
    ['1w2d3h4m5s', 9 * D + 3 * H + 4 * MIN + 5 * S],
    ['12H', 12 * H],
    ['365D', 365 * D],
    ['  30m \n', 30 * MIN],
    ['1h0m', H],
    ['007m', 7 * MIN],
    ['36525d', 36525 * D],
  ])('%j -> %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms)
  })

  it.each([
    '',
    '   ',
    '0',
    '0d',
    '0h0m',
    '-1h',
    '30',
    'h',
    'd30',
    '10y',
    '5ms',
    '3x',
    '1.5h',
    '1,5h',
    '1h 30m',
    '1h1h',
    '+3d',
    '36526d',
    '99999999999999d',
    '9999999999999999999d',
    'Infinity',
    'NaN',
    '1e3s',
    '3\u0661d',
  ])('rejects %j', (input) => {
    let err: unknown
    try {
      parseDuration(input)
    } catch (e) {
      err = e
    }
    expect(OpenclawError.isInstance(err)).toBe(true)
    const e = err as OpenclawError
    expect(e.code).toBe('invalid_duration')
    expect(e.message).toMatch(/^Invalid duration ".*": use a number with a unit, e\.g\. 365d, 12h, 30m\.$/)
    expect(e.message).toMatch(/^[\x20-\x7e]*$/)
  })

  it('says why a value is out of range', () => {
    expect(() => parseDuration('0m')).toThrow(
      expect.objectContaining({ hint: expect.stringMatching(/greater than zero/) }),
    )
    expect(() => parseDuration('200000w')).toThrow(
      expect.objectContaining({ hint: expect.stringMatching(/100 years/) }),
    )
  })

  it('caps at about 100 years', () => {
    expect(MAX_DURATION_MS).toBe(36525 * D)
  })

  it('quotes the input escaped', () => {
    expect(() => parseDuration('1\x1b[2Jh')).toThrow('Invalid duration "1\\u001b[2Jh"')
  })
})
