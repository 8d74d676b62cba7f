/** The pure halves of Claude CLI reuse in status: which auth a routed model gets, and the login's health. */
import { describe, expect, it } from 'vitest'
import type { ResolvedAuth } from '../auth/resolve.ts'
import { OpenclawError } from '../errors.ts'
import type { ClaudeCliLogin } from './credentials.ts'
import { claudeCliLoginReport, claudeCliProblems } from './login-health.ts'
import { claudeCliAuthChoice, claudeCliRoutedModels, isRoutedToClaudeCli } from './routing.ts'

const HOUR = 3_600_000
const NOW = 1_800_000_000_000

function login(over: Partial<ClaudeCliLogin> = {}): ClaudeCliLogin {
  return {
    loggedIn: true,
    refreshable: true,
    expiresAt: NOW + 48 * HOUR,
    account: { email: 'me@example.com', accountUuid: 'u1' },
    credentialsPath: '/h/.claude/.credentials.json',
    accountPath: '/h/.claude.json',
    readAt: NOW,
    ...over,
  }
}

function report(l: ClaudeCliLogin, linked = l.account) {
  return claudeCliLoginReport({
    login: l,
    linked,
    now: NOW,
    routedModels: ['anthropic/x'],
    serves: ['anthropic/x'],
  })
}

const resolved = (over: Partial<ResolvedAuth>): ResolvedAuth => ({
  provider: 'anthropic',
  model: 'x',
  order: undefined,
  candidates: [],
  effective: undefined,
  error: undefined,
  ...over,
})

describe('routing', () => {
  it('reads agents.defaults.models."<ref>".agentRuntime.id', () => {
    const config = {
      agents: {
        defaults: { models: { 'anthropic/b': { agentRuntime: { id: 'claude-cli' } }, 'anthropic/a': {} } },
      },
    }
    expect(isRoutedToClaudeCli(config, 'anthropic/b')).toBe(true)
    expect(isRoutedToClaudeCli(config, 'anthropic/a')).toBe(false)
    expect(claudeCliRoutedModels(config)).toEqual(['anthropic/b'])
  })

  it('a selected credential is handed to claude; none means its own login; a failed ref blocks the login', () => {
    const candidate = {
      kind: 'env',
      varName: 'K',
      source: 'env: K',
      mode: 'api_key',
      secret: 's',
      index: 0,
      stateId: 'env:anthropic:K#000000000000',
      available: true,
    } as const
    expect(claudeCliAuthChoice(resolved({ candidates: [candidate], effective: candidate }))).toEqual({
      kind: 'managed',
      candidate,
    })
    expect(claudeCliAuthChoice(resolved({ error: new OpenclawError('no_credentials', 'none') }))).toEqual({
      kind: 'cli',
    })
    const blocked = resolved({
      error: new OpenclawError('no_credentials', 'ref failed'),
      order: {
        provider: 'anthropic',
        explicit: false,
        source: 'stored',
        ordered: [],
        excluded: [{ profileId: 'anthropic:r', reason: 'unresolved_ref', detail: 'x' }],
      } as unknown as ResolvedAuth['order'],
    })
    expect(claudeCliAuthChoice(blocked).kind).toBe('blocked')
  })
})

describe('claudeCliLoginReport / claudeCliProblems', () => {
  it('ok, and a refreshable token nearing expiry is not a problem', () => {
    expect(report(login()).status).toBe('ok')
    const soon = report(login({ expiresAt: NOW + 2 * HOUR }))
    expect(soon.status).toBe('expiring')
    expect(claudeCliProblems(soon)).toEqual([])
  })

  it('expiry without a refresh token: warning while it lasts, error once gone', () => {
    const soon = claudeCliProblems(report(login({ refreshable: false, expiresAt: NOW + 2 * HOUR })))
    expect(soon).toMatchObject([{ level: 'warning', profileId: 'claude-cli' }])
    const gone = claudeCliProblems(report(login({ refreshable: false, expiresAt: NOW - HOUR })))
    expect(gone).toMatchObject([
      { level: 'error', message: 'claude-cli login (serves anthropic/x) expired and holds no refresh token' },
    ])
    expect(claudeCliProblems(report(login({ expiresAt: NOW - HOUR })))).toMatchObject([{ level: 'warning' }])
  })

  it('not logged in or another account: the gateway refusal, as an error', () => {
    const out = report(login({ loggedIn: false }))
    expect(out.status).toBe('missing')
    expect(claudeCliProblems(out)[0]).toMatchObject({ level: 'error' })
    const other = report(login({ account: { email: 'b@example.com' } }), { email: 'me@example.com' })
    expect(other.refusal?.message).toContain('logged in as b@example.com')
    expect(claudeCliProblems(other)[0]?.fix).toContain('claude auth logout && claude auth login')
  })

  it('a login that serves no model in use raises nothing, however broken', () => {
    const r = claudeCliLoginReport({
      login: login({ loggedIn: false }),
      linked: undefined,
      now: NOW,
      routedModels: ['anthropic/x'],
      serves: [],
    })
    expect(claudeCliProblems(r)).toEqual([])
  })
})
