import { describe, expect, it } from 'vitest'
import type { OpenclawConfig } from '../config/types.ts'
import { cachedTarget, resolveTarget } from './target.ts'

const config: OpenclawConfig = {
  agents: {
    defaults: {
      model: { primary: 'anthropic/claude-a', fallbacks: ['openai/gpt-x', 'anthropic/claude-a'] },
      models: { 'anthropic/claude-a': { alias: 'fast' } },
    },
  },
}

describe('resolveTarget', () => {
  it('no model means the default model and its fallbacks (deduped)', () => {
    const t = resolveTarget({
      requested: undefined,
      session: undefined,
      config,
      agentId: 'main',
      inbound: 'openai',
    })
    expect(t.chain).toEqual([
      { provider: 'anthropic', model: 'claude-a' },
      { provider: 'openai', model: 'gpt-x' },
    ])
  })

  it('aliases resolve and keep fallbacks when they name the primary', () => {
    const t = resolveTarget({
      requested: 'fast',
      session: undefined,
      config,
      agentId: 'main',
      inbound: 'openai',
    })
    expect(t.chain.map((c) => c.model)).toEqual(['claude-a', 'gpt-x'])
  })

  it('an explicit other model is strict; @profile pins that request', () => {
    const t = resolveTarget({
      requested: 'openai/gpt-y@openai:work',
      session: undefined,
      config,
      agentId: 'main',
      inbound: 'openai',
    })
    expect(t.chain).toEqual([{ provider: 'openai', model: 'gpt-y', profileId: 'openai:work' }])
  })

  it('a bare model id is matched to its provider family', () => {
    expect(
      resolveTarget({ requested: 'claude-z', session: undefined, config, agentId: 'main', inbound: 'openai' })
        .chain[0],
    ).toEqual({
      provider: 'anthropic',
      model: 'claude-z',
    })
    expect(
      resolveTarget({
        requested: 'gpt-5',
        session: undefined,
        config: {},
        agentId: 'main',
        inbound: 'anthropic',
      }).chain[0],
    ).toEqual({
      provider: 'openai',
      model: 'gpt-5',
    })
  })

  it('the session /model override wins over the request body', () => {
    const t = resolveTarget({
      requested: 'openai/gpt-x',
      session: { sessionKey: 's', modelOverride: 'anthropic/claude-b', updatedAt: 0 },
      config,
      agentId: 'main',
      inbound: 'openai',
    })
    expect(t.chain).toEqual([{ provider: 'anthropic', model: 'claude-b' }])
  })

  it('no model and no default is a clear error', () => {
    expect(() =>
      resolveTarget({
        requested: undefined,
        session: undefined,
        config: {},
        agentId: 'main',
        inbound: 'openai',
      }),
    ).toThrow(/No model given and no default model configured/)
  })
})

describe('cachedTarget', () => {
  const req = (requested: unknown, cfg: OpenclawConfig = config, session?: { modelOverride?: string }) => ({
    requested,
    session: session as never,
    config: cfg,
    agentId: 'main',
    inbound: 'openai' as const,
  })

  it('answers what resolveTarget answers, for requests, session overrides and defaults', () => {
    for (const r of [
      req('fast'),
      req(undefined),
      req('openai/gpt-y'),
      req('x', config, { modelOverride: 'openai/gpt-z' }),
    ]) {
      expect(cachedTarget(r)).toEqual(resolveTarget(r))
    }
  })

  it('is keyed on the config object: a reloaded config is never served an old answer', () => {
    expect(cachedTarget(req('fast')).chain[0]).toEqual({ provider: 'anthropic', model: 'claude-a' })
    const reloaded: OpenclawConfig = {
      agents: { defaults: { model: 'openai/gpt-x', models: { 'openai/gpt-q': { alias: 'fast' } } } },
    }
    expect(cachedTarget(req('fast', reloaded)).chain).toEqual([{ provider: 'openai', model: 'gpt-q' }])
  })

  it('errors are not cached and stay errors', () => {
    expect(() => cachedTarget(req('nope/'))).toThrow(/Unknown model/)
    expect(() => cachedTarget(req('nope/'))).toThrow(/Unknown model/)
  })
})
