/**
 * C-11: `models status` on an expired-but-refreshable OAuth profile and on one whose refresh
 * token the provider refused. The first is a warning (exit 2 with --check), the second an
 * error (exit 1) that names the exact login command; neither is ever "ok".
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { OAuthCredential } from '../src/auth/types.ts'
import { CredentialStore } from '../src/store/credential-store.ts'
import { canary, expectNoCanary, makeTempHome, type TempHome } from './support/cli.ts'

const homes: TempHome[] = []
afterEach(() => {
  homes.length = 0
})

function oauth(expires: number, refresh: string, access: string): OAuthCredential {
  return {
    type: 'oauth',
    provider: 'openai',
    access,
    refresh,
    expires,
    accountId: 'acct-1',
    email: 'u@example.com',
  }
}

describe('C-11 status honesty for OAuth profiles', () => {
  it('expired but refreshable: warning; re-auth required: error with the login command', async () => {
    const home = makeTempHome()
    homes.push(home)
    const secrets = [canary('at-'), canary('rt-'), canary('at-'), canary('rt-')]
    const store = CredentialStore.open(home.storePath())
    store.upsertProfile('openai:fine', oauth(Date.now() - 60_000, secrets[1]!, secrets[0]!))
    const check1 = await home.run(['models', 'status', '--check'])
    expect(check1.code, check1.stderr).toBe(2)
    expect(check1.stderr).toContain('openai:fine: access token expired; it will be refreshed on next use')

    const dead = store.upsertProfile('openai:dead', oauth(Date.now() + 3_600_000, secrets[3]!, secrets[2]!))
    store.setOAuthRefreshMarker('openai:dead', {
      generation: dead.generation,
      status: 'reauth_required',
      reason: 'invalid_grant',
      message: 'OAuth token refresh failed for openai: invalid_grant',
      failures: 1,
      failedAt: Date.now(),
    })
    store.close()

    const check = await home.run(['models', 'status', '--check'])
    expect(check.code).toBe(1)
    expect(check.stderr).toContain('openai:dead: re-authentication required (invalid_grant)')
    expect(check.stderr).toContain('fix: openclaw models auth login --provider openai')

    const text = await home.run(['models', 'status'])
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(
      /openai:dead expired .*\n\s+re-auth required \(invalid_grant\); run: openclaw models auth login --provider openai/,
    )
    expect(text.stdout).toMatch(/openai:fine expired \(refreshable\)/)

    const json = await home.run(['models', 'status', '--json'])
    const rows = JSON.parse(json.stdout).auth.oauth.profiles as Array<Record<string, unknown>>
    const deadRow = rows.find((r) => r.profileId === 'openai:dead')!
    expect(deadRow).toMatchObject({
      status: 'expired',
      refreshable: false,
      refresh: {
        status: 'reauth_required',
        reason: 'invalid_grant',
        command: 'openclaw models auth login --provider openai',
      },
    })
    expect(rows.find((r) => r.profileId === 'openai:fine')).toMatchObject({
      status: 'expired',
      refreshable: true,
    })
    expect(rows.every((r) => r.status !== 'ok')).toBe(true)
    expectNoCanary(
      [check1.stdout, check1.stderr, check.stdout, check.stderr, text.stdout, json.stdout, json.stderr],
      secrets,
    )
  })

  it('a new login (new generation) clears the verdict from status', async () => {
    const home = makeTempHome()
    const store = CredentialStore.open(home.storePath())
    const p = store.upsertProfile(
      'openai:x',
      oauth(Date.now() + 3_600_000 * 48, canary('rt-'), canary('at-')),
    )
    store.setOAuthRefreshMarker('openai:x', {
      generation: p.generation,
      status: 'reauth_required',
      reason: 'revoked',
      message: 'revoked',
      failures: 1,
      failedAt: Date.now(),
    })
    store.upsertProfile('openai:x', oauth(Date.now() + 3_600_000 * 48, canary('rt-'), canary('at-')))
    store.close()
    const check = await home.run(['models', 'status', '--check'])
    expect(check.code, check.stderr).toBe(0)
  })
})
