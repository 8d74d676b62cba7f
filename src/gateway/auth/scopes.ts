/**
 * What an authenticated client may do (F-10). Scopes come only from the server-side binding of
 * the credential that was verified (`gateway.auth.clients[].scopes`; the main token, password,
 * trusted-proxy identities and mode none hold all of them). Nothing a client sends - a connect
 * frame field, a header such as `x-openclaw-scopes`, a body field - is ever read here; the
 * functions only take the granted set and the route or method. Pure, no I/O.
 *
 * A bit set, so the per-request check is one AND: `chat` = model routes, `read` = listings and
 * status, `admin` = anything that changes gateway state. `admin` implies `read` (an operator
 * has to see what they are changing); nothing implies `chat`.
 */

export const SCOPE_NAMES = ['chat', 'read', 'admin'] as const
export type ScopeName = (typeof SCOPE_NAMES)[number]

export const SCOPE = { chat: 1, read: 2, admin: 4 } as const satisfies Record<ScopeName, number>
export type ScopeSet = number

export const ALL_SCOPES: ScopeSet = SCOPE.chat | SCOPE.read | SCOPE.admin

/** The granted set of a configured scope list (duplicates and order do not matter). */
export function scopeSet(names: readonly ScopeName[]): ScopeSet {
  let s = 0
  for (const n of names) s |= SCOPE[n]
  if (s & SCOPE.admin) s |= SCOPE.read
  return s
}

export function scopeNames(set: ScopeSet): ScopeName[] {
  return SCOPE_NAMES.filter((n) => (set & SCOPE[n]) !== 0)
}

export function hasScope(granted: ScopeSet, needed: ScopeName): boolean {
  return (granted & SCOPE[needed]) !== 0
}

/**
 * Control-plane methods and the scope each needs. A method missing from this table needs
 * `admin` (deny by default: a new method is not accidentally open to every client).
 */
export const METHOD_SCOPES: Readonly<Record<string, ScopeName>> = {
  'models.authStatus': 'read',
  'sessions.list': 'read',
  'runs.list': 'read',
  'models.authLogout': 'admin',
  'models.clearCooldown': 'admin',
  'models.reload': 'admin',
  'chat.abort': 'admin',
}

export function methodScope(method: string): ScopeName {
  return Object.hasOwn(METHOD_SCOPES, method) ? METHOD_SCOPES[method]! : 'admin'
}

/**
 * Events a connection receives: run events and health carry agent, session and run ids, so
 * they are `read` information.
 */
export const EVENT_SCOPE: ScopeName = 'read'

/** The refusal text: names the missing scope and the client, never the credential. */
export function missingScopeMessage(needed: ScopeName, what: string, client: string | undefined): string {
  const who = client ? `client "${client}"` : 'this credential'
  return `Forbidden: ${what} needs the "${needed}" scope, which ${who} does not have (scopes are set per credential in gateway.auth.clients).`
}
