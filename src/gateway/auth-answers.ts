/**
 * The HTTP answers for a request client auth refused (401/429/503) or a verified client
 * without the needed scope (403). Logged with the client address, never with what it presented.
 */
import type http from 'node:http'
import type { AuthResult } from './auth/gateway-auth.ts'
import { missingScopeMessage, type ScopeName } from './auth/scopes.ts'
import type { InboundApi } from './error-response.ts'
import type { Logger } from './gateway-state.ts'
import { writeGatewayError } from './respond.ts'

export function refuse(
  res: http.ServerResponse,
  inbound: InboundApi,
  v: Extract<AuthResult, { ok: false }>,
  log: Logger,
): void {
  log(
    'warn',
    `refused ${v.client.address}${v.client.viaTrustedProxy ? ` via ${v.client.peer}` : ''}: ${v.code}`,
  )
  // The body never echoes what was presented and never says which check failed.
  writeGatewayError(res, inbound, {
    status: v.status,
    kind: v.status === 429 ? 'rate_limited' : v.status === 503 ? 'overloaded' : 'unauthorized',
    message:
      v.status === 429
        ? 'Too many failed authentication attempts; retry later.'
        : v.status === 503
          ? 'Too many password checks in progress; retry shortly.'
          : 'Unauthorized: send Authorization: Bearer <gateway token>.',
    ...(v.retryAfterMs !== undefined ? { retryAfterMs: v.retryAfterMs } : {}),
  })
}

/** 403 naming the missing scope and the client name; never the presented credential. */
export function forbid(
  res: http.ServerResponse,
  inbound: InboundApi,
  v: Extract<AuthResult, { ok: true }>,
  needed: ScopeName,
  what: string,
  log: Logger,
): void {
  log(
    'warn',
    `forbidden ${v.client.address}${v.principal ? ` (client ${v.principal})` : ''}: ${what} needs ${needed}`,
  )
  writeGatewayError(res, inbound, {
    status: 403,
    kind: 'forbidden',
    message: missingScopeMessage(needed, what, v.principal),
  })
}
