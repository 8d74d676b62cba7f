import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { importShellEnv, parseEnvNul, readLoginShellEnv, shellArgs } from './shell-env.ts'

/** A fake login shell: ignores -l/-i, runs the -c command with /bin/sh after `prelude`. */
function fakeShell(prelude: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-shell-'))
  const file = path.join(dir, 'fake-shell')
  fs.writeFileSync(
    file,
    `#!/bin/sh
${prelude}
while [ $# -gt 0 ]; do
  case "$1" in
    -c|-lic) shift; exec /bin/sh -c "$1" ;;
    *) shift ;;
  esac
done
exit 3
`,
    { mode: 0o700 },
  )
  return file
}

describe('shellArgs', () => {
  it('bash gets an interactive login shell, others a login shell', () => {
    expect(shellArgs('/usr/bin/bash')[0]).toBe('-lic')
    expect(shellArgs('/bin/zsh').slice(0, 2)).toEqual(['-l', '-c'])
  })
})

describe('parseEnvNul', () => {
  it('drops rc-file chatter before the marker and odd entries', () => {
    const out = parseEnvNul('Welcome!\nX=junk\0__OPENCLAW_SHELL_ENV__\0A=1\0B=multi\nline\0=bad\0noeq\0')
    expect(out).toEqual({ A: '1', B: 'multi\nline' })
  })
})

describe('readLoginShellEnv / importShellEnv', () => {
  it('imports only expected names that are still missing', () => {
    const shell = fakeShell(
      'echo "hello from rc"; export FROM_SHELL_KEY=shell-value OTHER_KEY=zzz PRESENT_KEY=shell',
    )
    const r = importShellEnv({
      current: { PRESENT_KEY: 'process' },
      expectedKeys: ['FROM_SHELL_KEY', 'PRESENT_KEY', 'ABSENT_KEY'],
      timeoutMs: 5000,
      env: { PATH: process.env.PATH, SHELL: shell },
    })
    expect(r).toEqual({ applied: { FROM_SHELL_KEY: 'shell-value' } })
  })

  it('does not start the shell when nothing is missing', () => {
    const r = importShellEnv({
      current: { A: '1' },
      expectedKeys: ['A'],
      timeoutMs: 5000,
      env: { SHELL: '/nonexistent/shell' },
    })
    expect(r).toEqual({ applied: {} })
  })

  it('a hanging shell is cut off at the timeout and yields nothing', () => {
    const shell = fakeShell('sleep 10')
    const started = Date.now()
    const r = importShellEnv({
      current: {},
      expectedKeys: ['X'],
      timeoutMs: 300,
      env: { PATH: process.env.PATH, SHELL: shell },
    })
    expect(Date.now() - started).toBeLessThan(5000)
    expect(r.applied).toEqual({})
    expect(r.error).toContain('did not finish within 300 ms')
  })

  it('a failing or missing shell yields nothing and never throws', () => {
    const failing = readLoginShellEnv({
      env: { PATH: process.env.PATH },
      timeoutMs: 5000,
      shell: fakeShell('exit 7'),
    })
    expect(failing).toEqual({ ok: false, reason: expect.stringContaining('status 7') })
    const missing = readLoginShellEnv({ env: {}, timeoutMs: 5000, shell: '/nonexistent/shell' })
    expect(missing.ok).toBe(false)
  })

  it('output above 1 MiB is refused', () => {
    const shell = fakeShell('head -c 2000000 /dev/zero; exit 0')
    const r = readLoginShellEnv({ env: { PATH: process.env.PATH }, timeoutMs: 5000, shell })
    expect(r).toEqual({ ok: false, reason: expect.stringContaining('more than') })
  })
})
