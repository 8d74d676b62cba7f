import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createSseDecoder, type SseEvent } from './sse.ts'

const fixture = (name: string): string =>
  readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8')

function decodeWhole(text: string): SseEvent[] {
  const d = createSseDecoder()
  return [...d.push(text), ...d.end()]
}

function decodeSplit(text: string, at: number): SseEvent[] {
  const d = createSseDecoder()
  return [...d.push(text.slice(0, at)), ...d.push(text.slice(at)), ...d.end()]
}

describe('createSseDecoder', () => {
  it('decodes named events with LF line endings', () => {
    expect(decodeWhole('event: ping\ndata: {"type":"ping"}\n\ndata: x\n\n')).toEqual([
      { event: 'ping', data: '{"type":"ping"}' },
      { data: 'x' },
    ])
  })

  it('accepts CRLF and bare CR line endings', () => {
    expect(decodeWhole('event: a\r\ndata: 1\r\n\r\nevent: b\rdata: 2\r\r')).toEqual([
      { event: 'a', data: '1' },
      { event: 'b', data: '2' },
    ])
  })

  it('joins multi-line data with newlines and strips only one leading space', () => {
    expect(decodeWhole('data: line one\ndata:  two\ndata\ndata:three\n\n')).toEqual([
      { data: 'line one\n two\n\nthree' },
    ])
  })

  it('ignores comments, id/retry fields and events without data', () => {
    expect(decodeWhole(': keep-alive\n\nid: 7\nretry: 10\nevent: x\n\n:comment\ndata: kept\n\n')).toEqual([
      { data: 'kept' },
    ])
  })

  it('does not leak an event name into the next event', () => {
    expect(decodeWhole('event: first\ndata: 1\n\ndata: 2\n\n')).toEqual([
      { event: 'first', data: '1' },
      { data: '2' },
    ])
  })

  it('returns nothing until the blank line arrives, and flushes a final event at end()', () => {
    const d = createSseDecoder()
    expect(d.push('data: {"a"')).toEqual([])
    expect(d.push(':1}\n')).toEqual([])
    expect(d.push('\ndata: tail')).toEqual([{ data: '{"a":1}' }])
    expect(d.end()).toEqual([{ data: 'tail' }])
  })

  it('strips a leading byte order mark', () => {
    expect(decodeWhole('\uFEFFdata: x\n\n')).toEqual([{ data: 'x' }])
  })

  it('does not treat a CR at a chunk edge as two line endings', () => {
    const d = createSseDecoder()
    expect(d.push('data: a\r')).toEqual([])
    expect(d.push('\n\r\n')).toEqual([{ data: 'a' }])
  })

  for (const name of [
    'anthropic-stream-tool-use.sse',
    'openai-stream-tool-calls.sse',
    'gemini-stream-function-call.sse',
  ]) {
    it(`decodes ${name} identically when split at every character offset`, () => {
      const text = fixture(name)
      const whole = decodeWhole(text)
      expect(whole.length).toBeGreaterThan(2)
      for (let at = 0; at <= text.length; at++) expect(decodeSplit(text, at)).toEqual(whole)
    })
  }

  it('decodes CRLF streams split at every offset (between CR and LF included)', () => {
    const text = fixture('anthropic-stream-tool-use.sse').replaceAll('\n', '\r\n')
    const whole = decodeWhole(fixture('anthropic-stream-tool-use.sse'))
    for (let at = 0; at <= text.length; at++) expect(decodeSplit(text, at)).toEqual(whole)
  })

  it('decodes bytes split at every byte offset, including inside multi-byte UTF-8 sequences', () => {
    const text = 'event: content_block_delta\ndata: {"text":"héllo 🌍 世界"}\n\ndata: ✓\n\n'
    const bytes = new TextEncoder().encode(text)
    const expected = decodeWhole(text)
    for (let at = 0; at <= bytes.length; at++) {
      const d = createSseDecoder()
      const got = [...d.push(bytes.slice(0, at)), ...d.push(bytes.slice(at)), ...d.end()]
      expect(got).toEqual(expected)
    }
  })

  it('decodes a stream fed one byte at a time', () => {
    const text = fixture('gemini-stream-function-call.sse')
    const bytes = new TextEncoder().encode(text)
    const d = createSseDecoder()
    const got: SseEvent[] = []
    for (const b of bytes) got.push(...d.push(Uint8Array.of(b)))
    got.push(...d.end())
    expect(got).toEqual(decodeWhole(text))
  })
})
