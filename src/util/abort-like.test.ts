import { describe, expect, it } from 'vitest'
import { LightAbort } from './abort-like.ts'

describe('LightAbort', () => {
  it('runs each listener once, in order, on the first abort only', () => {
    const a = new LightAbort()
    const seen: string[] = []
    a.signal.addEventListener('abort', () => seen.push('one'))
    a.signal.addEventListener('abort', () => seen.push('two'))
    expect(a.signal.aborted).toBe(false)
    a.abort(new Error('x'))
    a.abort(new Error('again'))
    expect(seen).toEqual(['one', 'two'])
    expect(a.signal.aborted).toBe(true)
    expect((a.reason as Error).message).toBe('x')
  })

  it('a removed listener does not run; one added after the abort never runs', () => {
    const a = new LightAbort()
    const seen: string[] = []
    const gone = () => seen.push('gone')
    a.signal.addEventListener('abort', gone)
    a.signal.removeEventListener('abort', gone)
    a.signal.removeEventListener('abort', () => {})
    a.abort()
    a.signal.addEventListener('abort', () => seen.push('late'))
    expect(seen).toEqual([])
  })
})
