import { describe, expect, it } from 'vitest'
import type { AuthView } from '../auth/resolve.ts'
import type { StoredProfile } from '../auth/types.ts'
import type { SessionRecord } from '../store/session-repo.ts'
import { isChatCommand, runChatCommand } from './chat-commands.ts'

const NOW = 1_700_000_000_000

function profile(id: string, provider: string): StoredProfile {
  return {
    id,
    credential: { type: 'api_key', provider, key: 'k' },
    createdAt: 0,
    updatedAt: 0,
    generation: 1,
  }
}

const view: AuthView = {
  agentId: 'main',
  storePath: '/tmp/x.sqlite',
  profiles: [
    profile('anthropic:home', 'anthropic'),
    profile('anthropic:work', 'anthropic'),
    profile('openai:main', 'openai'),
  ],
  owners: new Map([
    ['anthropic:home', 'main'],
    ['anthropic:work', 'main'],
    ['openai:main', 'main'],
  ]),
  states: new Map(),
  orderOverrides: {},
  config: { agents: { defaults: { model: { primary: 'anthropic/claude-a', fallbacks: ['openai/gpt-b'] } } } },
  env: {},
}

const run = (text: string, session?: SessionRecord) =>
  runChatCommand({ text, view, sessionKey: 's1', session, now: NOW })

describe('chat commands', () => {
  it('recognises only the commands, as the whole last message', () => {
    for (const t of [
      '/model',
      '/model list',
      '/model status',
      '/model x/y@x:z',
      '/new',
      '/reset',
      '  /model  ',
    ])
      expect(isChatCommand(t)).toBe(true)
    for (const t of ['/models', 'please /model', '/newer', undefined, ''])
      expect(isChatCommand(t)).toBe(false)
  })

  it('/model lists numbered models and profiles; /model <n> picks one', () => {
    const list = run('/model').reply
    expect(list).toContain('1. anthropic/claude-a')
    expect(list).toContain('2. openai/gpt-b')
    expect(list).toContain('anthropic: anthropic:home, anthropic:work')
    expect(run('/model 2').session).toMatchObject({ modelOverride: 'openai/gpt-b' })
  })

  it('/model <ref>@<profile> sets a user pin; /model @<profile> keeps the model', () => {
    expect(run('/model anthropic/claude-a@anthropic:work').session).toMatchObject({
      modelOverride: 'anthropic/claude-a',
      profileOverride: 'anthropic:work',
      profileOverrideSource: 'user',
    })
    // Seed 000's form pins only the profile: the default model keeps applying to the session.
    const pinned = run('/model @anthropic:home').session!
    expect(pinned).toMatchObject({ profileOverride: 'anthropic:home', profileOverrideSource: 'user' })
    expect(pinned.modelOverride).toBeUndefined()
    // A session that already chose a model keeps it.
    const withModel = run('/model @anthropic:home', {
      sessionKey: 's1',
      modelOverride: 'anthropic/claude-z',
      updatedAt: NOW,
    }).session!
    expect(withModel).toMatchObject({
      modelOverride: 'anthropic/claude-z',
      profileOverride: 'anthropic:home',
    })
  })

  it('/model @<profile> with no default model uses the model the request names (seed 000)', () => {
    const noDefault: AuthView = { ...view, config: {} }
    const requested = { provider: 'anthropic', model: 'claude-x', key: 'anthropic/claude-x' }
    const r = runChatCommand({
      text: '/model @anthropic:work',
      view: noDefault,
      sessionKey: 's1',
      session: undefined,
      now: NOW,
      requested,
    })
    expect(r.reply).toContain('anthropic:work pinned')
    expect(r.session).toMatchObject({ profileOverride: 'anthropic:work', profileOverrideSource: 'user' })
    expect(r.session?.modelOverride).toBeUndefined()
    expect(() =>
      runChatCommand({
        text: '/model @anthropic:work',
        view: noDefault,
        sessionKey: 's1',
        session: undefined,
        now: NOW,
      }),
    ).toThrow(/No model selected/)
    const status = runChatCommand({
      text: '/model status',
      view: noDefault,
      sessionKey: 's1',
      session: r.session!,
      now: NOW,
      requested,
    })
    expect(status.reply).toContain('Model: anthropic/claude-x (from the request)')
    expect(status.reply).toContain('Pinned profile: anthropic:work (user)')
  })

  it('refuses unknown profiles and profiles of another provider', () => {
    expect(() => run('/model anthropic/claude-a@anthropic:nope')).toThrow(/not found/)
    expect(() => run('/model @openai:main')).toThrow(/is for openai, not anthropic/)
  })

  it('/model default keeps a compatible pin and drops an incompatible one', () => {
    const pinned: SessionRecord = {
      sessionKey: 's1',
      modelOverride: 'openai/gpt-b',
      profileOverride: 'openai:main',
      profileOverrideSource: 'user',
      updatedAt: 0,
    }
    expect(run('/model default', pinned).session).toEqual({ sessionKey: 's1', updatedAt: NOW })
    const compatible = { ...pinned, modelOverride: 'anthropic/claude-z', profileOverride: 'anthropic:work' }
    expect(run('/model default', compatible).session).toMatchObject({ profileOverride: 'anthropic:work' })
  })

  it('/new drops an auto pin but keeps a user pin', () => {
    const auto: SessionRecord = {
      sessionKey: 's1',
      profileOverride: 'anthropic:home',
      profileOverrideSource: 'auto',
      updatedAt: 0,
    }
    expect(run('/new', auto).session).toEqual({ sessionKey: 's1', updatedAt: NOW })
    const user = { ...auto, profileOverrideSource: 'user' as const }
    const r = run('/reset', user)
    expect(r.session).toMatchObject({ profileOverride: 'anthropic:home', profileOverrideSource: 'user' })
    expect(r.reply).toContain('kept')
  })

  it('/model status shows the model, the pin and the next profile', () => {
    const s: SessionRecord = {
      sessionKey: 's1',
      profileOverride: 'anthropic:work',
      profileOverrideSource: 'user',
      updatedAt: 0,
    }
    const text = run('/model status', s).reply
    expect(text).toContain('Model: anthropic/claude-a (default)')
    expect(text).toContain('Pinned profile: anthropic:work (user)')
    expect(text).toContain('Next auth profile: anthropic:work')
    expect(text).toContain('Endpoint: https://api.anthropic.com (anthropic-messages)')
  })

  it('session-changing commands need a session key', () => {
    const noKey = (text: string) =>
      runChatCommand({ text, view, sessionKey: undefined, session: undefined, now: NOW })
    expect(() => noKey('/model anthropic/claude-a')).toThrow(/x-openclaw-session-key/)
    expect(noKey('/model list').reply).toContain('Models:')
  })
})
