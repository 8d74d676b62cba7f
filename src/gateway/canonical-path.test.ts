import { describe, expect, it } from 'vitest'
import { canonicalPath } from './canonical-path.ts'

describe('canonicalPath', () => {
  it.each([
    ['/v1/messages', '/v1/messages'],
    ['/v1//messages', '/v1/messages'],
    ['/v1/messages/', '/v1/messages'],
    ['/v1/messages?beta=true', '/v1/messages'],
    ['/v1/%6dessages', '/v1/messages'],
    ['/health', '/health'],
  ])('%s -> %s', (raw, expected) => {
    expect(canonicalPath(raw)).toBe(expected)
  })

  it.each([
    '/v1%2fmessages',
    '/v1%252fmessages',
    '/v1/./messages',
    '/v1/../health',
    '/a%00b',
    '/v1\\messages',
    'v1/messages',
    '/%E0%A4%A',
  ])('rejects ambiguous %s', (raw) => {
    expect(canonicalPath(raw)).toBeUndefined()
  })

  it('is case sensitive (mixed case is another, unknown route, never an alias)', () => {
    expect(canonicalPath('/V1/Messages')).toBe('/V1/Messages')
  })
})
