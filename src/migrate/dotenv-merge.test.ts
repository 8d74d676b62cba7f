import { describe, expect, it } from 'vitest'
import { parseDotenv } from '../env/dotenv.ts'
import { dotenvLine, planDotenvMerge } from './dotenv-merge.ts'

describe('planDotenvMerge', () => {
  it('appends only what the target lacks; same value is identical, another value a conflict', () => {
    const plan = planDotenvMerge({ A: '1', B: '2', C: '3', E: '' }, { A: '1', B: 'other' })
    expect(plan).toEqual({
      add: [{ name: 'C', line: 'C=3' }],
      identical: ['A'],
      conflicts: ['B'],
      rejected: [],
    })
  })

  it('quotes so that the line parses back to the same value, refuses what cannot', () => {
    for (const v of ['sk-ant-api03-abc_DEF', 'has space', "it's", 'a#b', 'x=y;z']) {
      const line = dotenvLine('K', v)!
      expect(parseDotenv(line).K).toBe(v)
    }
    expect(dotenvLine('K', 'two\nlines')).toBeUndefined()
    expect(dotenvLine('K', `'"$x`)).toBeUndefined()
    expect(planDotenvMerge({ K: 'a\u0007b' }, {}).rejected).toEqual([{ id: 'K', reason: 'invalid_value' }])
  })
})
