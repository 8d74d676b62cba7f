/**
 * Makes the mock provider a strict resource server for the mock authorization server's tokens:
 * an access token is accepted only while it is its family's current or previous one (the
 * previous one is still inside its lifetime at a real provider when a request raced the
 * rotation) and the family is not revoked. Anything else gets the provider's own 401. A gateway
 * that kept sending a stale token, or one whose family a reused refresh token revoked, fails
 * loudly instead of being served by a permissive mock.
 */
import type { Family, MockOAuthServer } from '../../support/mock-oauth-server.ts'
import type { Behavior, MockProvider } from '../../support/mock-provider/index.ts'

export interface OAuthUpstream {
  /** Access tokens minted so far, per family id, oldest first. */
  issued: Map<string, string[]>
  /** Access tokens that were rejected because they were too old or revoked. */
  retired: Set<string>
  detach(): void
}

export function linkOAuthUpstream(
  as: MockOAuthServer,
  mock: MockProvider,
  ok: Behavior = { kind: 'ok' },
): OAuthUpstream {
  const issued = new Map<string, string[]>()
  const retired = new Set<string>()
  const retire = (access: string) => {
    retired.add(access)
    mock.setBehavior(access, { kind: 'auth' })
  }
  const onIssued = (f: Family, t: { access: string }) => {
    const list = issued.get(f.id) ?? []
    list.push(t.access)
    issued.set(f.id, list)
    mock.setBehavior(t.access, ok)
    for (const old of list.slice(0, -2)) if (!retired.has(old)) retire(old)
  }
  const onRevoked = (f: Family) => {
    for (const a of issued.get(f.id) ?? []) retire(a)
  }
  as.events.on('issued', onIssued)
  as.events.on('revoked', onRevoked)
  return {
    issued,
    retired,
    detach() {
      as.events.off('issued', onIssued)
      as.events.off('revoked', onRevoked)
    },
  }
}
