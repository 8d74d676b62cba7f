import { describe, expect, it } from 'vitest'
import { createProgress } from './progress.ts'

describe('createProgress', () => {
  it('writes a self-overwriting line only on a TTY and clears it at the end', () => {
    const chunks: string[] = []
    const p = createProgress({ isTTY: true, write: (c: string) => chunks.push(c) })
    p.update(1, 3, 'anthropic:a')
    p.done()
    expect(chunks).toEqual(['\r\x1b[2KProbing 1/3: anthropic:a', '\r\x1b[2K'])
  })

  it('is silent when stderr is piped', () => {
    const chunks: string[] = []
    const p = createProgress({ isTTY: false, write: (c: string) => chunks.push(c) })
    p.update(1, 1, 'x')
    p.done()
    expect(chunks).toEqual([])
  })
})
