/**
 * Shared pieces of the property tests. fast-check prints the seed and the shrunk counterexample
 * of any failure (replay with `fc.assert(..., { seed, path })`); PROPERTY_RUNS scales every
 * run count for a longer soak (`PROPERTY_RUNS=20 npx vitest run test/property`).
 */
import fc from 'fast-check'
import { OpenclawError } from '../../src/errors.ts'

const SCALE = Number(process.env.PROPERTY_RUNS ?? 1)

export function runs(n: number): { numRuns: number } {
  return { numRuns: Math.max(1, Math.round(n * (Number.isFinite(SCALE) && SCALE > 0 ? SCALE : 1))) }
}

/** C0 controls (but newline), DEL, C1 controls and bidi overrides: what must never reach a terminal raw. */
export const RAW_CONTROL = /[\x00-\x09\x0b-\x1f\x7f\u0080-\u009f\u202a-\u202e\u2066-\u2069]/

/** Runs fn; returns the OpenclawError it threw, undefined if it returned; rethrows anything else. */
export function openclawErrorOf(fn: () => unknown): OpenclawError | undefined {
  try {
    fn()
    return undefined
  } catch (err) {
    if (OpenclawError.isInstance(err)) return err
    throw err
  }
}

/** Strings that mix plain ASCII with the characters parsers get wrong. */
export const nastyString = (maxLength = 40): fc.Arbitrary<string> =>
  fc
    .array(
      fc.oneof(
        { weight: 6, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 6 }) },
        {
          weight: 3,
          arbitrary: fc.constantFrom(
            '/',
            '\\',
            ':',
            '@',
            '%',
            '~',
            '.',
            '..',
            '-',
            ' ',
            '\t',
            '\n',
            '\r',
            '\x00',
            '\x1b',
            '\x7f',
            '\u0085',
            '\u009b',
            '\u00a0',
            '\u00e9',
            'e\u0301',
            '\u202e',
            '\u2028',
            '\ufeff',
            '\u{1f980}',
            '${',
            '}',
            '$$',
            '"',
            "'",
            ',',
            ';',
            '{',
            '[',
            '#',
            '=',
            '~0',
            '~1',
            '~2',
          ),
        },
        { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
      ),
      { maxLength: Math.ceil(maxLength / 3) },
    )
    .map((parts) => parts.join('').slice(0, maxLength))
