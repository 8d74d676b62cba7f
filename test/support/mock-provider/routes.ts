/**
 * Which API a request addresses (by method and path) and which credential it carries, looked
 * up in the order that API reads them.
 */
import type { CredentialVia, MockApi } from './types.ts'

export interface Route {
  api: MockApi
  kind: 'generate' | 'models'
  /** Gemini: model id from the path. */
  model?: string
  /** Gemini: `:streamGenerateContent`. */
  stream?: boolean
}

const GEMINI_GENERATE = /^\/v1(?:beta)?\/models\/([^/:]+):(generateContent|streamGenerateContent)$/

function looksAnthropic(headers: Record<string, string>): boolean {
  return headers['anthropic-version'] !== undefined || headers['x-api-key'] !== undefined
}

export function matchRoute(method: string, path: string, headers: Record<string, string>): Route | undefined {
  if (method === 'POST') {
    if (path === '/v1/messages') return { api: 'anthropic', kind: 'generate' }
    if (path === '/v1/chat/completions' || path === '/chat/completions')
      return { api: 'openai', kind: 'generate' }
    const gemini = GEMINI_GENERATE.exec(path)
    if (gemini) {
      return {
        api: 'gemini',
        kind: 'generate',
        model: decodeURIComponent(gemini[1]!),
        stream: gemini[2] === 'streamGenerateContent',
      }
    }
    return undefined
  }
  if (method === 'GET') {
    if (path === '/v1/models')
      return { api: looksAnthropic(headers) ? 'anthropic' : 'openai', kind: 'models' }
    if (path === '/models') return { api: 'openai', kind: 'models' }
    if (path === '/v1beta/models') return { api: 'gemini', kind: 'models' }
  }
  return undefined
}

/** Best guess for an unrouted request, so its 404 and record still name an API. */
export function guessApi(path: string, headers: Record<string, string>): MockApi {
  if (path.startsWith('/v1beta') || headers['x-goog-api-key'] !== undefined) return 'gemini'
  return looksAnthropic(headers) ? 'anthropic' : 'openai'
}

type Source = [
  CredentialVia,
  (headers: Record<string, string>, query: Record<string, string>) => string | undefined,
]

const bearer = (headers: Record<string, string>) =>
  /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1]?.trim()

const SOURCES: Record<CredentialVia, Source> = {
  'x-api-key': ['x-api-key', (h) => h['x-api-key']],
  bearer: ['bearer', bearer],
  'x-goog-api-key': ['x-goog-api-key', (h) => h['x-goog-api-key']],
  query: ['query', (_h, q) => q.key],
}

const ORDER: Record<MockApi, CredentialVia[]> = {
  anthropic: ['x-api-key', 'bearer', 'x-goog-api-key', 'query'],
  openai: ['bearer', 'x-api-key', 'x-goog-api-key', 'query'],
  gemini: ['x-goog-api-key', 'query', 'bearer', 'x-api-key'],
}

export function extractCredential(
  api: MockApi,
  headers: Record<string, string>,
  query: Record<string, string>,
): { credential: string | undefined; via: CredentialVia | undefined } {
  for (const name of ORDER[api]) {
    const [via, read] = SOURCES[name]
    const value = read(headers, query)
    if (value) return { credential: value, via }
  }
  return { credential: undefined, via: undefined }
}
