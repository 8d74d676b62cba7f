/**
 * Headless hosts cannot receive the browser's redirect, so the user pastes what the browser
 * ended on: the whole redirect URL, its query string, or `code#state`. Parsing is strict about
 * `state` when one is present; PKCE binds a bare code to this login anyway.
 */
import { sameState } from './pkce.ts'

export type PasteParse = { ok: true; code: string } | { ok: false; message: string } | { ok: 'skip' }

export function parsePastedRedirect(input: string, expectedState: string): PasteParse {
  const text = input.trim()
  if (text === '') return { ok: 'skip' }
  let code: string | null = null
  let state: string | null = null
  let error: string | null = null
  if (/^https?:\/\//i.test(text)) {
    let url: URL
    try {
      url = new URL(text)
    } catch {
      return { ok: false, message: 'That is not a valid URL.' }
    }
    code = url.searchParams.get('code')
    state = url.searchParams.get('state')
    error = url.searchParams.get('error')
  } else if (/(^|[?&])code=/.test(text)) {
    const q = new URLSearchParams(text.replace(/^\?/, ''))
    code = q.get('code')
    state = q.get('state')
    error = q.get('error')
  } else {
    const hash = text.indexOf('#')
    code = hash >= 0 ? text.slice(0, hash) : text
    state = hash >= 0 ? text.slice(hash + 1) : null
  }
  if (error) return { ok: false, message: `The authorization server returned ${error.slice(0, 60)}.` }
  if (!code || /\s/.test(code))
    return { ok: false, message: 'No authorization code found in what was pasted.' }
  if (state !== null && !sameState(state, expectedState)) {
    return {
      ok: false,
      message: 'The pasted state does not match this login attempt; paste the URL from this attempt.',
    }
  }
  return { ok: true, code }
}
