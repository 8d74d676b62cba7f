/**
 * Route paths are canonicalised once; the router and any auth check use the same result.
 */
/** Decodes once and rejects anything ambiguous (encoded slashes, dot segments, NUL). */
const PLAIN_ROUTES: ReadonlySet<string> = new Set([
  '/v1/chat/completions',
  '/v1/messages',
  '/v1/models',
  '/health',
  '/ws',
])

export function canonicalPath(rawUrl: string): string | undefined {
  // The exact spelling of a route is already canonical (the per-request common case).
  if (PLAIN_ROUTES.has(rawUrl)) return rawUrl
  const q = rawUrl.indexOf('?')
  const raw = q === -1 ? rawUrl : rawUrl.slice(0, q)
  if (/%2f|%5c|%00|%25/i.test(raw)) return undefined
  let decoded: string
  try {
    decoded = decodeURIComponent(raw)
  } catch {
    return undefined
  }
  if (!decoded.startsWith('/') || decoded.includes('\\') || /[\u0000-\u001f]/.test(decoded)) return undefined
  const parts = decoded.split('/').filter((p) => p !== '')
  if (parts.some((p) => p === '.' || p === '..')) return undefined
  return `/${parts.join('/')}`
}
