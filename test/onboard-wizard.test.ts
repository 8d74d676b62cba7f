/**
 * The interactive `openclaw onboard` in a real terminal (tmux), tried the way a new user would:
 * pick "Anthropic API key", paste a key, keep it in the store; the wizard verifies it against
 * the configured (mock) provider, and `openclaw models status --check` then exits 0. A rejected
 * key is not saved and the wizard offers another try.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BIN, canary, expectNoCanary, makeTempHome } from './support/cli.ts'
import { type MockProvider, startMockProvider } from './support/mock-provider/index.ts'
import { startTmux, tmuxAvailable } from './support/tmux.ts'

let mock: MockProvider
beforeAll(async () => {
  mock = await startMockProvider()
})
afterAll(() => mock.close())

describe.skipIf(!tmuxAvailable())('openclaw onboard wizard (tmux)', () => {
  it('adds an Anthropic key, verifies it against the mock provider, then models status --check exits 0', async () => {
    const home = makeTempHome()
    home.writeConfig({ models: { providers: { anthropic: { baseUrl: mock.url } } } })
    const bad = canary('sk-ant-api03-')
    const good = canary('sk-ant-api03-')
    mock.setBehavior(bad, { kind: 'auth' })
    mock.setBehavior(good, { kind: 'ok' })
    const t = startTmux(
      [process.execPath, BIN, 'onboard'],
      { ...home.env, TERM: 'xterm-256color' },
      home.home,
    )
    try {
      await t.waitFor('Which credential do you want to add?')
      t.send('Enter') // Anthropic API key is preselected
      await t.waitFor('Paste the anthropic API key')
      t.type(bad)
      t.send('Enter')
      await t.waitFor('Where should the key be kept?')
      t.send('Enter') // credential store
      await t.waitFor('Try again with another credential?')
      expect(t.screen()).toContain('anthropic rejected the credential')
      t.send('Enter') // yes
      await t.waitFor(/Paste the anthropic API key[\s\S]*Paste the anthropic API key/)
      t.type(good)
      t.send('Enter')
      await t.waitFor(/Where should the key be kept\?[\s\S]*Where should the key be kept\?/)
      t.send('Enter')
      const done = await t.waitFor('EXIT=')
      expect(done).toContain('EXIT=0')
      expect(done).toContain('Verified anthropic/claude-sonnet-4-5')
      expect(done).toContain('openclaw models status --check')
      expectNoCanary([done], [bad, good])
    } finally {
      t.kill()
    }
    expect(mock.requests.map((r) => r.credential)).toEqual([bad, good])
    const check = await home.run(['models', 'status', '--check'])
    expect(check.code, check.stderr).toBe(0)
    const list = await home.run(['models', 'auth', 'list', '--json'])
    expect(JSON.parse(list.stdout).profiles.map((p: { id: string }) => p.id)).toEqual(['anthropic:default'])
  })
})
