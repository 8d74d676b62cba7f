/**
 * security-and-reliability.md 2.D, exec policy rows: D-EXEC-01 (minimal env), 10/11 (command
 * checks, PATH hijack), 12 (grandchild), 13 (argv), 14 (batching, concurrency), 15, and the
 * E2BIG half of D-ENV-02, with real fixture provider processes.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { Limiter } from '../src/secrets/limiter.ts'
import { cfg, messageOf, okProvider, one, resolveIds } from './fixtures/secret-providers/exec-helpers.ts'
import { isAlive, makeProviderDir, waitFor } from './fixtures/secret-providers/install.ts'
import { canary, expectNoCanary } from './support/cli.ts'

describe('D-EXEC-01: exits 0 with valid JSON; the child sees only passEnv and env', () => {
  it('resolves values and the provider environment holds nothing else', async () => {
    const secret = canary()
    const planted = canary('sk-ant-api03-')
    const { command, args, dumpDir } = okProvider({ k: secret }, { dump: true })
    const config = cfg(command, { args, passEnv: ['PASS_ME', 'NOT_SET_ANYWHERE'], env: { EXPLICIT: 'yes' } })
    const r = await one(config, {
      PASS_ME: 'passed',
      ANTHROPIC_API_KEY: planted,
      OPENCLAW_GATEWAY_TOKEN: planted,
      PATH: '/usr/bin:/bin',
      HOME: '/root',
    })
    expect(r).toEqual({ ok: true, value: secret })
    const [envFile] = fs.readdirSync(dumpDir).filter((f) => f.startsWith('env-'))
    const childEnv = JSON.parse(fs.readFileSync(path.join(dumpDir, envFile!), 'utf8'))
    expect(childEnv).toEqual({ PASS_ME: 'passed', EXPLICIT: 'yes' })
    expectNoCanary([JSON.stringify(childEnv)], [planted])
  })
})

describe('D-EXEC-10/11: command policy, checked before any spawn', () => {
  function refused(command: string): void {
    expect(fs.existsSync(`${command}.ran`)).toBe(false)
  }

  it.each([
    ['group-writable binary', 0o720, 'is group- or world-writable (0720)'],
    ['world-writable binary', 0o702, 'is group- or world-writable (0702)'],
    ['not executable', 0o600, 'is not executable (0600)'],
  ])('%s', async (_name, mode, expected) => {
    const p = makeProviderDir()
    const command = p.install('hijack.sh')
    fs.chmodSync(command, mode)
    const r = await one(cfg(command))
    expect(messageOf(r)).toBe(
      `exec provider "vault": command ${command} ${expected}${mode & 0o022 ? `; run: chmod go-w ${command}` : ''}`,
    )
    expect(r.ok === false && r.code).toBe('secret_ref_invalid')
    refused(command)
  })

  it('relative command (no PATH lookup)', async () => {
    const r = await one(cfg('provider'))
    expect(messageOf(r)).toBe(
      'exec provider "vault": command provider is not an absolute path (no PATH lookup is done)',
    )
  })

  it('in a world-writable directory', async () => {
    const p = makeProviderDir()
    const open = path.join(p.dir, 'open')
    fs.mkdirSync(open)
    fs.chmodSync(open, 0o777)
    const command = path.join(open, 'provider.sh')
    fs.copyFileSync(p.install('hijack.sh'), command)
    fs.chmodSync(command, 0o700)
    expect(messageOf(await one(cfg(command)))).toBe(
      `exec provider "vault": command ${command} is in a world-writable directory (${open})`,
    )
    refused(command)
  })

  it('a symlink, even to a good provider', async () => {
    const p = makeProviderDir()
    const real = p.install('hijack.sh')
    const link = path.join(p.dir, 'link.sh')
    fs.symlinkSync(real, link)
    expect(messageOf(await one(cfg(link)))).toBe(
      `exec provider "vault": command ${link} is a symlink (refused; configure the real path)`,
    )
    refused(real)
  })

  it('owned by another uid', async () => {
    const p = makeProviderDir()
    let command = '/usr/bin/dash'
    if (process.getuid?.() === 0) {
      command = p.install('hijack.sh')
      fs.chownSync(command, 65534, 65534)
    }
    expect(messageOf(await one(cfg(command)))).toMatch(/is not owned by you \(owner uid \d+\)$/)
    if (process.getuid?.() === 0) refused(command)
  })

  it('outside trustedDirs, and accepted inside them', async () => {
    const { p, command, args } = okProvider({ k: 'v' })
    const other = makeProviderDir()
    expect(messageOf(await one(cfg(command, { args, trustedDirs: [other.dir] })))).toBe(
      `exec provider "vault": command ${command} is outside trustedDirs`,
    )
    expect(await one(cfg(command, { args, trustedDirs: [p.dir] }))).toEqual({ ok: true, value: 'v' })
  })

  it('D-EXEC-11: a same-named binary earlier in PATH is never used', async () => {
    const { command, args } = okProvider({ k: 'real' })
    const evil = makeProviderDir()
    const hijack = evil.install('hijack.sh', path.basename(command))
    const env = { PATH: `${evil.dir}:/usr/bin:/bin` }
    expect(await one(cfg(command, { args, passEnv: ['PATH'] }), env)).toEqual({ ok: true, value: 'real' })
    expect(messageOf(await one(cfg(path.basename(command), { passEnv: ['PATH'] }), env))).toContain(
      'is not an absolute path',
    )
    refused(hijack)
  })
})

describe('D-EXEC-12: a grandchild holding stdout cannot hang the resolver', () => {
  it('returns promptly after the provider exits, and the grandchild is killed with the group', async () => {
    const p = makeProviderDir()
    const pids = path.join(p.dir, 'pids.json')
    const started = Date.now()
    const r = await one(cfg(p.install('grandchild.mjs'), { args: [pids], timeoutMs: 5000 }))
    expect(messageOf(r)).toBe('exec provider "vault": returned empty stdout')
    expect(Date.now() - started).toBeLessThan(4000)
    const { parent, grandchild } = JSON.parse(fs.readFileSync(pids, 'utf8'))
    await waitFor(() => !isAlive(grandchild) && !isAlive(parent), 5000, 'the process group to die')
  })

  it('a grandchild that escaped the group (own session) still cannot hold us past the grace', async () => {
    const p = makeProviderDir()
    const pids = path.join(p.dir, 'pids.json')
    const started = Date.now()
    const r = await one(cfg(p.install('grandchild.mjs'), { args: [pids, '--escape'], timeoutMs: 5000 }))
    expect(messageOf(r)).toBe('exec provider "vault": returned empty stdout')
    expect(Date.now() - started).toBeLessThan(4000)
    const { grandchild } = JSON.parse(fs.readFileSync(pids, 'utf8'))
    process.kill(grandchild, 'SIGKILL')
  })
})

describe('D-EXEC-13: ids never reach argv', () => {
  it('hostile-looking ids are refused before any spawn, with the rule and not the id', async () => {
    const { command, args, dumpDir } = okProvider({}, { dump: true })
    const bad = ['-rf', 'a b', '$(touch /tmp/pwned)', '../etc', 'a/../b']
    const results = await resolveIds(cfg(command, { args }), bad)
    for (const [i, r] of results.entries()) {
      expect(r.ok === false && r.code).toBe('secret_ref_invalid')
      expect(messageOf(r)).not.toContain(bad[i])
    }
    expect(fs.readdirSync(dumpDir)).toEqual([])
  })

  it('valid ids travel on stdin; argv holds only the static args', async () => {
    const id = 'team:prod/anthropic#key'
    const { command, args, dumpDir } = okProvider({ [id]: 'v' }, { dump: true })
    expect((await resolveIds(cfg(command, { args }), [id]))[0]).toEqual({ ok: true, value: 'v' })
    const [argvFile] = fs.readdirSync(dumpDir).filter((f) => f.startsWith('argv-'))
    const argv = JSON.parse(fs.readFileSync(path.join(dumpDir, argvFile!), 'utf8'))
    expect(argv).toEqual([process.execPath, command, ...args])
    const [reqFile] = fs.readdirSync(dumpDir).filter((f) => f.startsWith('request-'))
    expect(JSON.parse(fs.readFileSync(path.join(dumpDir, reqFile!), 'utf8'))).toEqual({
      protocolVersion: 1,
      provider: 'vault',
      ids: [id],
    })
  })
})

describe('D-EXEC-14: batching and bounded concurrency', () => {
  const ids = Array.from({ length: 20 }, (_, i) => `key-${i}`)
  const values = Object.fromEntries(ids.map((id) => [id, `value-of-${id}`]))

  it('20 refs to one provider in one pass are one spawn', async () => {
    const { command, args, dumpDir } = okProvider(values, { dump: true })
    const results = await resolveIds(cfg(command, { args }), ids)
    expect(results).toEqual(ids.map((id) => ({ ok: true, value: `value-of-${id}` })))
    expect(fs.readFileSync(path.join(dumpDir, 'spawns.log'), 'utf8').trim().split('\n')).toHaveLength(1)
  })

  it('10 passes in parallel: 10 spawns, never more than the limit at once, consistent results', async () => {
    const { command, args, dumpDir } = okProvider(values, { dump: true })
    const limiter = new Limiter(2)
    const passes = await Promise.all(
      Array.from({ length: 10 }, () => resolveIds(cfg(command, { args }), ids, {}, limiter)),
    )
    for (const results of passes)
      expect(results).toEqual(ids.map((id) => ({ ok: true, value: `value-of-${id}` })))
    const lines = fs.readFileSync(path.join(dumpDir, 'spawns.log'), 'utf8').trim().split('\n')
    expect(lines).toHaveLength(10)
    const seen = lines.map((l) => Number(l.split(' ')[1]))
    expect(Math.max(...seen)).toBeLessThanOrEqual(2)
    expect(limiter.peak).toBe(2)
  })
})

describe('D-ENV-02: oversized environment values', () => {
  it.each([
    ['200 KiB', 200 * 1024],
    ['2 MiB', 2 * 1024 * 1024],
  ])('%s passed through passEnv fails with E2BIG as "environment too large"', async (_n, size) => {
    const { command, args } = okProvider({ k: 'v' })
    const r = await one(cfg(command, { args, passEnv: ['BIG'] }), { BIG: 'a'.repeat(size) })
    expect(messageOf(r)).toBe(
      'exec provider "vault": environment too large for provider "vault" (E2BIG; check passEnv/env sizes)',
    )
  })
})

describe('D-EXEC-15: the command is re-validated on every pass', () => {
  // No config-write API exists in this build (nothing to call over the network); what remains
  // is that a provider which becomes unsafe between passes is refused, not trusted from before.
  it('a provider made group-writable after a good pass is refused on the next pass', async () => {
    const { command, args } = okProvider({ k: 'v' })
    expect(await one(cfg(command, { args }))).toEqual({ ok: true, value: 'v' })
    fs.chmodSync(command, 0o770)
    expect(messageOf(await one(cfg(command, { args })))).toContain('is group- or world-writable (0770)')
  })
})
