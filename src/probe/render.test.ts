import { describe, expect, it } from 'vitest'
import { renderProbeSection } from './render.ts'
import type { ProbeReport } from './types.ts'

const report = (results: ProbeReport['results']): ProbeReport => ({
  startedAt: 0,
  finishedAt: 1,
  durationMs: 1234,
  totalTargets: results.length,
  options: { profileIds: [], timeoutMs: 8000, concurrency: 2, maxTokens: 8 },
  results,
})

describe('renderProbeSection', () => {
  it('table with Model / Profile (mode) / Status · latency, ↳ detail lines and the summary', () => {
    const lines = renderProbeSection(
      report([
        {
          provider: 'anthropic',
          model: 'anthropic/claude-x',
          profileId: 'anthropic:a',
          label: 'anthropic:a',
          source: 'profile',
          mode: 'api_key',
          status: 'ok',
          latencyMs: 42,
        },
        {
          provider: 'anthropic',
          model: null,
          profileId: 'anthropic:t',
          label: 'anthropic:t',
          source: 'profile',
          mode: 'token',
          status: 'unknown',
          reasonCode: 'expired',
          error:
            'Auth profile credentials are missing or expired.\n↳ Auth reason [expired]: Token expired at 2026-01-01T00:00:00.000Z.',
          latencyMs: null,
        },
      ]),
    )
    expect(lines).toEqual([
      'Auth probes',
      'Model               Profile (mode)         Status',
      'anthropic/claude-x  anthropic:a (api_key)  ok · 42ms',
      '-                   anthropic:t (token)    unknown [expired]',
      '                    ↳ Auth profile credentials are missing or expired.',
      '                    ↳ Auth reason [expired]: Token expired at 2026-01-01T00:00:00.000Z.',
      'Probed 2 target(s) in 1.2s',
    ])
  })

  it('says so when there is nothing to probe', () => {
    expect(renderProbeSection(report([]))).toEqual(['Auth probes', 'No probe targets.'])
  })
})
