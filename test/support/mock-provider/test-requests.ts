/**
 * Plain-fetch requests in each API's real wire shape, used by the mock's own tests (and handy
 * for any test that talks to the mock directly).
 */
import type { MockProvider } from './types.ts'

/** A fetch Response whose json() is loosely typed, for terse assertions on provider bodies. */
export interface LooseResponse extends Response {
  // biome-ignore lint/suspicious/noExplicitAny: tests inspect arbitrary provider payloads
  json(): Promise<any>
}

/** fetch() with a loosely typed json(). */
export function request(url: string, init?: RequestInit): Promise<LooseResponse> {
  return fetch(url, init) as Promise<LooseResponse>
}

export const ANTHROPIC_VERSION = '2026-10-21'

export interface RequestOptions {
  key?: string
  stream?: boolean
  body?: Record<string, unknown> | string
  headers?: Record<string, string>
  signal?: AbortSignal
}

function post(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  signal?: AbortSignal,
): Promise<LooseResponse> {
  return request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal,
  })
}

export function anthropicRequest(mock: MockProvider, o: RequestOptions = {}): Promise<LooseResponse> {
  const body = o.body ?? {
    model: 'claude-sonnet-5-5',
    max_tokens: 64,
    messages: [{ role: 'user', content: 'ping from anthropic test' }],
    ...(o.stream ? { stream: true } : {}),
  }
  const auth: Record<string, string> = o.key ? { 'x-api-key': o.key } : {}
  return post(
    `${mock.url}/v1/messages`,
    body,
    { 'anthropic-version': ANTHROPIC_VERSION, ...auth, ...o.headers },
    o.signal,
  )
}

export function openaiRequest(
  mock: MockProvider,
  o: RequestOptions & { path?: string } = {},
): Promise<LooseResponse> {
  const body = o.body ?? {
    model: 'gpt-5.4-mini',
    messages: [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: [{ type: 'text', text: 'ping from openai test' }] },
    ],
    ...(o.stream ? { stream: true } : {}),
  }
  const auth: Record<string, string> = o.key ? { authorization: `Bearer ${o.key}` } : {}
  return post(`${mock.url}${o.path ?? '/v1/chat/completions'}`, body, { ...auth, ...o.headers }, o.signal)
}

export function geminiRequest(
  mock: MockProvider,
  o: RequestOptions & { model?: string; sse?: boolean; keyInQuery?: boolean } = {},
): Promise<LooseResponse> {
  const body = o.body ?? { contents: [{ role: 'user', parts: [{ text: 'ping from gemini test' }] }] }
  const method = o.stream ? 'streamGenerateContent' : 'generateContent'
  const query = new URLSearchParams()
  if (o.stream && o.sse !== false) query.set('alt', 'sse')
  if (o.key && o.keyInQuery) query.set('key', o.key)
  const qs = query.size > 0 ? `?${query}` : ''
  const url = `${mock.url}/v1beta/models/${o.model ?? 'gemini-2.5-flash'}:${method}${qs}`
  const auth: Record<string, string> = o.key && !o.keyInQuery ? { 'x-goog-api-key': o.key } : {}
  return post(url, body, { ...auth, ...o.headers }, o.signal)
}
