import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { OpenclawError } from '../errors.ts'
import {
  agentDirFor,
  normalizeAgentId,
  resolveAgentPaths,
  resolveConfigPath,
  resolveDefaultAgentId,
  resolveStateDir,
  storePathFor,
} from './paths.ts'

const HOME = '/home/tester'

describe('resolveStateDir / resolveConfigPath', () => {
  it('defaults to <HOME>/.openclaw and <state>/openclaw.json', () => {
    const state = resolveStateDir({ HOME })
    expect(state).toBe('/home/tester/.openclaw')
    expect(resolveConfigPath({ HOME }, state)).toBe('/home/tester/.openclaw/openclaw.json')
  })

  it('falls back to os.homedir() without HOME', () => {
    expect(resolveStateDir({})).toBe(path.join(os.homedir(), '.openclaw'))
  })

  it('honours OPENCLAW_STATE_DIR with a leading ~ and OPENCLAW_CONFIG_PATH', () => {
    const env = { HOME, OPENCLAW_STATE_DIR: '~/state', OPENCLAW_CONFIG_PATH: '~/cfg/oc.json5' }
    const state = resolveStateDir(env)
    expect(state).toBe('/home/tester/state')
    expect(resolveConfigPath(env, state)).toBe('/home/tester/cfg/oc.json5')
  })

  it('treats empty overrides as unset', () => {
    expect(resolveStateDir({ HOME, OPENCLAW_STATE_DIR: '  ' })).toBe('/home/tester/.openclaw')
  })

  it('OPENCLAW_HOME moves the home used for defaults', () => {
    expect(resolveStateDir({ HOME, OPENCLAW_HOME: '/srv/oc' })).toBe('/srv/oc/.openclaw')
  })
})

describe('agent ids', () => {
  it('lower-cases valid ids', () => {
    expect(normalizeAgentId('Work_2')).toBe('work_2')
  })

  it.each([
    '',
    '..',
    '../x',
    'a/b',
    '/etc/passwd',
    '%2e%2e%2f',
    'a\u0000b',
    'a\r\nb',
    '-lead',
    'x'.repeat(65),
    'é',
    '\u212a', // KELVIN SIGN lower-cases to "k"
    ' ',
    '🙂',
  ])('rejects %j with the rule in the message', (id) => {
    let caught: unknown
    try {
      normalizeAgentId(id)
    } catch (err) {
      caught = err
    }
    expect(OpenclawError.isInstance(caught)).toBe(true)
    const e = caught as OpenclawError
    expect(e.code).toBe('invalid_agent_id')
    expect(e.message).toContain('^[a-z0-9][a-z0-9_-]{0,63}$')
    expect(e.message).not.toMatch(/[\u0000-\u001f]/)
  })

  it('agentDirFor and storePathFor build the documented layout', () => {
    const dir = agentDirFor('/s', 'Main')
    expect(dir).toBe('/s/agents/main/agent')
    expect(storePathFor(dir)).toBe('/s/agents/main/agent/openclaw-agent.sqlite')
  })
})

describe('resolveAgentPaths', () => {
  const config = { agents: { list: [{ id: 'ops' }, { id: 'Home', default: true }] } }

  it('uses the first agents.list entry with default: true', () => {
    expect(resolveDefaultAgentId(config)).toBe('home')
    expect(resolveDefaultAgentId({})).toBe('main')
  })

  it('--agent wins over everything', () => {
    const p = resolveAgentPaths({ env: { HOME, OPENCLAW_AGENT_DIR: '/x' }, config, agentFlag: 'Ops' })
    expect(p).toEqual({
      stateDir: '/home/tester/.openclaw',
      configPath: '/home/tester/.openclaw/openclaw.json',
      agentId: 'ops',
      agentDir: '/home/tester/.openclaw/agents/ops/agent',
      storePath: '/home/tester/.openclaw/agents/ops/agent/openclaw-agent.sqlite',
      envFilePath: '/home/tester/.openclaw/.env',
      agentSource: 'flag',
    })
  })

  it('OPENCLAW_AGENT_DIR comes next; the agent id is the default one', () => {
    const p = resolveAgentPaths({ env: { HOME, OPENCLAW_AGENT_DIR: '~/agentdir' }, config })
    expect(p.agentSource).toBe('env-agent-dir')
    expect(p.agentDir).toBe('/home/tester/agentdir')
    expect(p.agentId).toBe('home')
    expect(p.storePath).toBe('/home/tester/agentdir/openclaw-agent.sqlite')
  })

  it('then the config default, then main', () => {
    expect(resolveAgentPaths({ env: { HOME }, config }).agentSource).toBe('config-default')
    const p = resolveAgentPaths({ env: { HOME }, config: {} })
    expect(p.agentSource).toBe('builtin-default')
    expect(p.agentId).toBe('main')
  })

  it('explicit stateDir/configPath are used as given', () => {
    const p = resolveAgentPaths({ env: { HOME }, config: {}, stateDir: '/st', configPath: '/etc/oc.json' })
    expect(p.configPath).toBe('/etc/oc.json')
    expect(p.agentDir).toBe('/st/agents/main/agent')
  })

  it('rejects a bad --agent and creates nothing on disk', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-paths-'))
    expect(() => resolveAgentPaths({ env: {}, config: {}, stateDir: root, agentFlag: '../evil' })).toThrow(
      /Invalid agent id/,
    )
    resolveAgentPaths({ env: {}, config: {}, stateDir: root, agentFlag: 'fine' })
    expect(fs.readdirSync(root)).toEqual([])
  })
})
