import { describe, expect, it } from 'vitest'
import { computeFindings, doctorExitCode } from './findings.ts'
import type { DoctorState, Finding } from './types.ts'

function base(over: Partial<DoctorState> = {}): DoctorState {
  return {
    now: 1_000_000,
    stateDir: '/s',
    configPath: '/s/openclaw.json',
    defaultAgentId: 'main',
    options: { deep: false, allowExec: false },
    config: { status: 'ok', warnings: [] },
    auth: [],
    modes: [],
    gateway: {
      url: 'http://127.0.0.1:18789',
      port: 18789,
      portSource: 'default',
      reachable: false,
      error: 'connection refused',
    },
    legacy: { agents: [] },
    staleOrders: [],
    codexConfig: [],
    modelsJson: [],
    storeFiles: [],
    ...over,
  }
}

const agent = (over: Partial<DoctorState['auth'][number]> = {}): DoctorState['auth'][number] => ({
  agentId: 'main',
  isDefault: true,
  storePath: '/s/agents/main/agent/openclaw-agent.sqlite',
  problems: [],
  unusable: [],
  codexIds: [],
  corruptAside: [],
  ...over,
})

const pick = (fs: Finding[], id: string) => fs.find((f) => f.id === id)

describe('computeFindings (pure)', () => {
  const cases: Array<{
    name: string
    state: DoctorState
    id: string
    expect: Partial<Finding> | undefined
    exit: 0 | 1
  }> = [
    {
      name: 'clean state: only the gateway info',
      state: base(),
      id: 'gateway.not-running',
      expect: { level: 'info', fix: { command: 'openclaw gateway', automatic: false } },
      exit: 0,
    },
    {
      name: 'invalid config is an error without an automatic fix',
      state: base({
        config: { status: 'invalid', message: 'Config /s/openclaw.json is not valid JSON5', warnings: [] },
      }),
      id: 'config.invalid',
      expect: { level: 'error', area: 'config', detail: 'Config /s/openclaw.json is not valid JSON5' },
      exit: 1,
    },
    {
      name: 'config warnings are warnings',
      state: base({ config: { status: 'ok', warnings: ['unknown key foo'] } }),
      id: 'config.warning:0',
      expect: { level: 'warning', detail: 'unknown key foo' },
      exit: 0,
    },
    {
      name: 'world-readable config: chmod 600, automatic when ours',
      state: base({
        modes: [{ path: '/s/openclaw.json', kind: 'file', mode: 0o644, expected: 0o600, ownedByUser: true }],
      }),
      id: 'files.mode:/s/openclaw.json',
      expect: { level: 'warning', fix: { command: 'chmod 600 /s/openclaw.json', automatic: true } },
      exit: 0,
    },
    {
      name: 'a file owned by someone else is never chmod-ed automatically',
      state: base({ modes: [{ path: '/s', kind: 'dir', mode: 0o755, expected: 0o700, ownedByUser: false }] }),
      id: 'files.mode:/s',
      expect: { fix: { command: 'chmod 700 /s', automatic: false } },
      exit: 0,
    },
    {
      name: 'a tight mode is no finding',
      state: base({ modes: [{ path: '/s', kind: 'dir', mode: 0o700, expected: 0o700, ownedByUser: true }] }),
      id: 'files.mode:/s',
      expect: undefined,
      exit: 0,
    },
    {
      name: 'migration required is an error fixed by doctor --fix',
      state: base({
        auth: [
          agent({
            migrationRequired: { message: 'AUTH_PROFILE_MIGRATION_REQUIRED: ...', files: ['/a/auth.json'] },
          }),
        ],
      }),
      id: 'auth.migration-required:main',
      expect: { level: 'error', fix: { command: 'openclaw doctor --fix', automatic: true } },
      exit: 1,
    },
    {
      name: 'an expired token problem keeps its level and fix command',
      state: base({
        auth: [
          agent({
            problems: [
              {
                level: 'error',
                provider: 'anthropic',
                profileId: 'anthropic:old',
                message: 'anthropic:old: token expired',
                fix: 'openclaw models auth paste-token --provider anthropic --profile-id anthropic:old',
              },
            ],
          }),
        ],
      }),
      id: 'auth.profile:anthropic:old',
      expect: {
        level: 'error',
        fix: {
          command: 'openclaw models auth paste-token --provider anthropic --profile-id anthropic:old',
          automatic: false,
        },
      },
      exit: 1,
    },
    {
      name: 'an expiring token is a warning',
      state: base({
        auth: [
          agent({
            problems: [
              {
                level: 'warning',
                provider: 'openai',
                profileId: 'openai:x',
                message: 'openai:x: token expires in 3h',
              },
            ],
          }),
        ],
      }),
      id: 'auth.profile:openai:x',
      expect: { level: 'warning' },
      exit: 0,
    },
    {
      name: 'a cooldown of a non-default agent names --agent in the clear command',
      state: base({
        auth: [
          agent({
            agentId: 'work',
            isDefault: false,
            unusable: [
              {
                profileId: 'anthropic:w',
                provider: 'anthropic',
                kind: 'cooldown',
                reason: 'rate_limit',
                model: 'claude-x',
                until: 1_060_000,
                remainingMs: 60_000,
                recovery: 'waits out automatically',
              },
            ],
          }),
        ],
      }),
      id: 'auth.cooldown:anthropic:w@work',
      expect: {
        level: 'warning',
        fix: { command: 'openclaw models auth clear-cooldown anthropic:w --agent work', automatic: false },
      },
      exit: 0,
    },
    {
      name: 'a cooling env key is a warning with the clear-cooldown command that names it',
      state: base({
        auth: [
          agent({
            unusableKeys: [
              {
                key: 'env:ANTHROPIC_API_KEYS[0]',
                keyId: 'env:anthropic:ANTHROPIC_API_KEYS#0123456789ab',
                provider: 'anthropic',
                kind: 'cooldown',
                reason: 'rate_limit',
                model: 'claude-x',
                until: 1_060_000,
                remainingMs: 60_000,
                recovery: 'waits out automatically',
              },
            ],
          }),
        ],
      }),
      id: 'auth.cooldown:env:anthropic:ANTHROPIC_API_KEYS#0123456789ab',
      expect: {
        level: 'warning',
        title: 'env:ANTHROPIC_API_KEYS[0] is cooling down (rate_limit, model claude-x), 1m left',
        fix: { command: 'openclaw models auth clear-cooldown env:ANTHROPIC_API_KEYS[0]', automatic: false },
      },
      exit: 0,
    },
    {
      name: 'a foreign store is an error with the automatic import',
      state: base({
        legacy: {
          agents: [
            { agentId: 'main', storePath: '/x.sqlite', storeProfiles: 0, foreignStore: true, files: [] },
          ],
        },
      }),
      id: 'legacy.openclaw-store:main',
      expect: { level: 'error', fix: { command: 'openclaw doctor --fix', automatic: true } },
      exit: 1,
    },
    {
      name: 'a legacy file beside a populated store is a warning listing rejected entries',
      state: base({
        legacy: {
          agents: [
            {
              agentId: 'main',
              storePath: '/x.sqlite',
              storeProfiles: 2,
              foreignStore: false,
              files: [
                {
                  path: '/a/auth-profiles.json',
                  kind: 'auth-profiles',
                  credentialBearing: true,
                  credentials: 1,
                  rejected: [{ id: 'x:y', reason: 'non_object' }],
                },
              ],
            },
          ],
        },
      }),
      id: 'legacy.file:/a/auth-profiles.json',
      expect: {
        level: 'warning',
        detail:
          '1 credential(s) to import. Rejected entries: x:y (non_object). The store already has profiles: the runtime ignores this file.',
      },
      exit: 0,
    },
    {
      name: 'an unparseable legacy file is an error that --fix will not touch',
      state: base({
        legacy: {
          agents: [
            {
              agentId: 'main',
              storePath: '/x',
              storeProfiles: 0,
              foreignStore: false,
              files: [
                {
                  path: '/a/auth.json',
                  kind: 'auth-json',
                  credentialBearing: true,
                  credentials: 0,
                  rejected: [],
                  failure: 'not valid JSON',
                },
              ],
            },
          ],
        },
      }),
      id: 'legacy.file:/a/auth.json',
      expect: {
        level: 'error',
        fix: { description: expect.stringContaining('by hand'), automatic: false } as Finding['fix'],
      },
      exit: 1,
    },
    {
      name: 'a stale order is a warning removed by --fix',
      state: base({
        staleOrders: [{ provider: 'anthropic', ids: ['anthropic:gone'], compatible: ['anthropic:live'] }],
      }),
      id: 'legacy.stale-order:anthropic',
      expect: {
        level: 'warning',
        area: 'config',
        fix: { command: 'openclaw doctor --fix', automatic: true },
      },
      exit: 0,
    },
    {
      name: 'an unresolved secret ref is an error',
      state: base({
        secrets: {
          unresolved: [{ ref: 'file:local:/k', where: 'profile openai:x', message: 'missing' }],
          notChecked: [],
          plaintext: 0,
        },
      }),
      id: 'secrets.unresolved:file:local:/k',
      expect: { level: 'error' },
      exit: 1,
    },
    {
      name: 'a plaintext gateway password recommends the hash (F-14)',
      state: base({
        secrets: { unresolved: [], notChecked: [], plaintext: 1, gatewayPasswordPlaintext: true },
      }),
      id: 'secrets.gateway-password-plaintext',
      expect: { level: 'warning', fix: { command: 'openclaw gateway set-password', automatic: false } },
      exit: 0,
    },
    {
      name: 'a gateway without client auth is a warning',
      state: base({
        gateway: {
          url: 'http://127.0.0.1:1',
          port: 1,
          portSource: 'env',
          reachable: true,
          status: 200,
          requiresAuth: false,
        },
      }),
      id: 'gateway.running',
      expect: { level: 'warning' },
      exit: 0,
    },
    {
      name: 'an unreachable provider origin (--deep) is a warning',
      state: base({
        network: [
          { provider: 'openai', origin: 'https://api.openai.com', reachable: false, error: 'ENOTFOUND' },
        ],
      }),
      id: 'network.unreachable:openai',
      expect: { level: 'warning' },
      exit: 0,
    },
    {
      name: 'a legacy ~/.clawdbot dir is offered, not applied automatically',
      state: base({ legacy: { agents: [], clawdbot: { dir: '/h/.clawdbot', agents: ['main'] } } }),
      id: 'legacy.clawdbot',
      expect: {
        level: 'warning',
        fix: {
          command: 'openclaw doctor --fix --yes',
          description: 'import asks first; --yes accepts',
          automatic: false,
        },
      },
      exit: 0,
    },
  ]

  for (const c of cases) {
    it(c.name, () => {
      const fs = computeFindings(c.state)
      if (c.expect === undefined) expect(pick(fs, c.id)).toBeUndefined()
      else expect(pick(fs, c.id)).toMatchObject(c.expect)
      expect(doctorExitCode(fs)).toBe(c.exit)
    })
  }

  it('groups by area in a fixed order', () => {
    const fs = computeFindings(
      base({
        config: { status: 'ok', warnings: ['w'] },
        modes: [{ path: '/s', kind: 'dir', mode: 0o755, expected: 0o700, ownedByUser: true }],
        auth: [agent({ codexIds: ['openai-codex:x'] })],
      }),
    )
    expect(fs.map((f) => f.area)).toEqual(['config', 'auth', 'files', 'gateway'])
  })
})
