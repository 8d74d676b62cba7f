/**
 * Issue 7's "done when", through the product itself: eight `openclaw` processes, each a
 * different agent holding a byte-identical copy of the same expired OAuth profile, make a real
 * model request at once (`models status --probe` refreshes an expired token first, through the
 * gateway's own refresher and request code). The strict mock authorization server revokes the
 * whole token family when a spent refresh token is presented again, so a single uncoordinated
 * refresh would fail them all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CredentialStore } from '../src/store/credential-store.ts'
import { expectNoCanary, makeTempHome, runCli } from './support/cli.ts'
import { startMockOAuthServer } from './support/mock-oauth-server.ts'
import { type MockProvider, startMockProvider } from './support/mock-provider/index.ts'

let mock: MockProvider
beforeAll(async () => {
  mock = await startMockProvider()
})
afterAll(async () => {
  await mock.close()
})

describe('eight CLI processes, one expired OAuth account', () => {
  it('exactly one refresh call; all eight requests succeed with the new token; no family revoked', async () => {
    const as = await startMockOAuthServer()
    try {
      const fam = as.issueFamily({ email: 'shared@example.com' })
      const stale = { ...fam.current }
      // Only the access token the authorization server currently considers valid is accepted.
      mock.setDefault({ kind: 'auth' })
      as.events.on('issued', (_f: unknown, pair: { access: string }) =>
        mock.setBehavior(pair.access, { kind: 'ok', text: 'OK' }),
      )
      const t = makeTempHome()
      t.writeConfig({
        models: {
          providers: {
            openai: {
              baseUrl: `${mock.url}/v1`,
              api: 'openai-completions',
              oauth: { tokenUrl: as.tokenUrl, clientId: as.clientId },
            },
          },
        },
        agents: {
          defaults: { model: 'openai/gpt-probe' },
          list: ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'].map((id) => ({ id })),
        },
      })
      const agents = ['main', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7']
      for (const a of agents) {
        const s = CredentialStore.open(t.storePath(a))
        s.upsertProfile('openai:shared@example.com', {
          type: 'oauth',
          provider: 'openai',
          access: stale.access,
          refresh: stale.refresh,
          expires: Date.now() - 60_000,
          email: 'shared@example.com',
        })
        s.close()
      }
      const runs = await Promise.all(
        agents.map((a) =>
          runCli(['models', 'status', '--probe', '--json', '--agent', a], {
            env: t.env,
            cwd: t.home,
            timeoutMs: 60_000,
          }),
        ),
      )
      for (const r of runs) expect(r.code, r.stderr).toBe(0)
      const results = runs.map((r) => JSON.parse(r.stdout).auth.probes.results[0])
      for (const r of results)
        expect(r).toMatchObject({ profileId: 'openai:shared@example.com', status: 'ok' })
      expect(as.refreshCalls).toHaveLength(1)
      expect(as.refreshCalls[0]?.outcome).not.toBe('reused')
      expect(as.family(fam.id)?.revoked).toBe(false)
      // Every model request carried the one token the server issued, never the stale one.
      const fresh = as.family(fam.id)!.current.access
      const sent = mock.requests.filter((q) => q.credential !== undefined)
      expect(sent).toHaveLength(8)
      expect(new Set(sent.map((q) => q.credential))).toEqual(new Set([fresh]))
      expectNoCanary(
        runs.flatMap((r) => [r.stdout, r.stderr]),
        [stale.access, stale.refresh, fresh],
      )
    } finally {
      await as.close()
    }
  })
})
