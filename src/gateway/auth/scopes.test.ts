import { describe, expect, it } from 'vitest'
import { METHODS } from '../control/methods.ts'
import {
  ALL_SCOPES,
  hasScope,
  METHOD_SCOPES,
  methodScope,
  missingScopeMessage,
  SCOPE_NAMES,
  scopeNames,
  scopeSet,
} from './scopes.ts'

describe('scope sets (F-10)', () => {
  it('grants exactly the configured scopes; admin implies read, nothing implies chat', () => {
    expect(scopeNames(scopeSet(['chat']))).toEqual(['chat'])
    expect(scopeNames(scopeSet(['read', 'read']))).toEqual(['read'])
    expect(scopeNames(scopeSet(['admin']))).toEqual(['read', 'admin'])
    expect(hasScope(scopeSet(['admin']), 'chat')).toBe(false)
    expect(hasScope(scopeSet(['read']), 'admin')).toBe(false)
    expect(scopeNames(ALL_SCOPES)).toEqual([...SCOPE_NAMES])
  })

  it('every control method has a scope, and an unknown method needs admin (deny by default)', () => {
    expect(Object.keys(METHODS).sort()).toEqual(Object.keys(METHOD_SCOPES).sort())
    expect(methodScope('models.authStatus')).toBe('read')
    expect(methodScope('sessions.list')).toBe('read')
    for (const m of ['models.authLogout', 'models.clearCooldown', 'models.reload', 'chat.abort'])
      expect(methodScope(m)).toBe('admin')
    expect(methodScope('config.apply')).toBe('admin')
    expect(methodScope('__proto__')).toBe('admin')
    expect(methodScope('toString')).toBe('admin')
  })

  it('the refusal names the scope and the client, nothing else', () => {
    expect(missingScopeMessage('admin', 'models.authLogout', 'ci-reader')).toBe(
      'Forbidden: models.authLogout needs the "admin" scope, which client "ci-reader" does not have (scopes are set per credential in gateway.auth.clients).',
    )
    expect(missingScopeMessage('chat', 'POST /v1/messages', undefined)).toContain('this credential')
  })
})
