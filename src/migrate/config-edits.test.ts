import { describe, expect, it } from 'vitest'
import type { StoredProfile } from '../auth/types.ts'
import { awsSdkConfigEdit, awsSdkConflicts } from './aws-sdk-markers.ts'
import { codexConfigEdit } from './codex-config.ts'
import { findStaleOrders, staleOrderEdit } from './stale-order.ts'

// biome-ignore lint/suspicious/noExplicitAny: tests walk arbitrary config trees
type Loose = Record<string, any>

const NOW = 1_800_000_000_000
const p = (id: string, provider: string): StoredProfile => ({
  id,
  credential: { type: 'api_key', provider, key: 'k' },
  createdAt: 1,
  updatedAt: 1,
  generation: 1,
})

describe('stale auth.order lists', () => {
  const raw = () => ({
    auth: {
      profiles: { 'amazon-bedrock:aws': { provider: 'amazon-bedrock', mode: 'aws-sdk' } },
      order: {
        anthropic: ['anthropic:gone'],
        openai: ['openai:gone', 'openai:live'],
        google: [],
        openrouter: ['openrouter:gone'],
        'amazon-bedrock': ['amazon-bedrock:aws'],
      },
    },
  })
  const stored = [
    p('anthropic:live', 'anthropic'),
    p('openai:live', 'openai'),
    p('amazon-bedrock:key', 'amazon-bedrock'),
  ]

  it('only the all-gone list with compatible credentials is stale', () => {
    expect(findStaleOrders(raw(), stored, NOW)).toEqual([
      { provider: 'anthropic', ids: ['anthropic:gone'], compatible: ['anthropic:live'] },
    ])
  })

  it('the edit removes exactly that list and is idempotent', () => {
    const r = raw()
    const stale = findStaleOrders(r, stored, NOW)
    expect(staleOrderEdit(stale)(r)).toEqual(['removed stale auth.order.anthropic (anthropic:gone)'])
    expect(Object.keys(r.auth.order)).toEqual(['openai', 'google', 'openrouter', 'amazon-bedrock'])
    expect(staleOrderEdit(stale)(r)).toEqual([])
  })
})

describe('openai-codex config migration', () => {
  it('renames order, profiles and model refs; a second pass changes nothing', () => {
    const raw: Loose = {
      auth: {
        order: { 'openai-codex': ['openai-codex:a'], openai: ['openai:b'] },
        profiles: {
          'openai-codex:a': { provider: 'openai-codex', mode: 'oauth' },
          'openai:b': { provider: 'openai-codex', mode: 'api_key' },
        },
      },
      agents: {
        defaults: {
          model: 'openai-codex/gpt-5',
          models: { 'openai-codex/gpt-5': { alias: 'c' }, 'openai/gpt-5': { params: 1 } },
        },
        list: [{ id: 'x', model: { primary: 'anthropic/claude', fallbacks: ['openai-codex/gpt-5-mini'] } }],
      },
    }
    const edit = codexConfigEdit(new Map([['openai-codex:a', 'openai:a-codex']]))
    expect(edit(raw).length).toBeGreaterThan(0)
    expect(raw.auth.order).toEqual({ openai: ['openai:b', 'openai:a-codex'] })
    expect(raw.auth.profiles).toEqual({
      'openai:a-codex': { provider: 'openai', mode: 'oauth' },
      'openai:b': { provider: 'openai', mode: 'api_key' },
    })
    expect(raw.agents.defaults.model).toBe('openai/gpt-5')
    expect(raw.agents.defaults.models).toEqual({ 'openai/gpt-5': { alias: 'c', params: 1 } })
    expect(raw.agents.list[0].model).toEqual({
      primary: 'anthropic/claude',
      fallbacks: ['openai/gpt-5-mini'],
    })
    expect(edit(raw)).toEqual([])
  })

  it('an explicit empty codex order stays an explicit empty openai order', () => {
    const raw: Loose = { auth: { order: { 'openai-codex': [] } } }
    codexConfigEdit(new Map())(raw)
    expect(raw.auth.order).toEqual({ openai: [] })
  })
})

describe('aws-sdk markers', () => {
  it('become auth.profiles entries; an existing entry is never overwritten', () => {
    const raw: Loose = {
      auth: { profiles: { 'amazon-bedrock:b': { provider: 'amazon-bedrock', mode: 'api_key' } } },
    }
    const markers = [
      { id: 'amazon-bedrock:a', provider: 'amazon-bedrock' },
      { id: 'amazon-bedrock:b', provider: 'amazon-bedrock' },
    ]
    expect(awsSdkConflicts(markers, raw)).toEqual([{ id: 'amazon-bedrock:b', reason: expect.any(String) }])
    expect(awsSdkConfigEdit(markers)(raw)).toEqual(['auth.profiles.amazon-bedrock:a = { mode: "aws-sdk" }'])
    expect(raw.auth.profiles['amazon-bedrock:b'].mode).toBe('api_key')
    expect(awsSdkConfigEdit(markers)(raw)).toEqual([])
  })
})
