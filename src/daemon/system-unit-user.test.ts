import { describe, expect, it } from 'vitest'
import type { CommandResult } from './run-command.ts'
import { homeOf, requireRoot, systemServiceUser } from './system-unit-user.ts'

const base = {
  euid: 0,
  sudoUser: undefined,
  currentUser: 'root',
  runAs: undefined,
  unitDir: '/etc/systemd/system',
}
const codeOf = (f: () => unknown) => {
  try {
    f()
    return 'ok'
  } catch (e) {
    return `${(e as { code: string }).code}: ${(e as Error).message}`
  }
}

describe('systemServiceUser', () => {
  it('is the sudo user, or --run-as; never root by accident', () => {
    expect(systemServiceUser({ ...base, sudoUser: 'alice' })).toBe('alice')
    expect(systemServiceUser({ ...base, sudoUser: 'alice', runAs: 'svc-gw' })).toBe('svc-gw')
    expect(systemServiceUser({ ...base, runAs: 'root' })).toBe('root')
    expect(codeOf(() => systemServiceUser(base))).toBe(
      'invalid_input: Refusing to install a gateway that runs as root.',
    )
    expect(codeOf(() => systemServiceUser({ ...base, sudoUser: '  ' }))).toMatch(/runs as root/)
    expect(codeOf(() => systemServiceUser({ ...base, runAs: 'al ice\nUser=root' }))).toMatch(
      /not a valid user name/,
    )
  })

  it('needs root, and says how to get it', () => {
    expect(codeOf(() => systemServiceUser({ ...base, euid: 1000, currentUser: 'alice' }))).toBe(
      'invalid_input: Installing a system unit changes /etc/systemd/system and needs root (this is alice).',
    )
    expect(codeOf(() => requireRoot('uninstall', { ...base, euid: 1000 }))).toMatch(
      /^invalid_input: Removing/,
    )
    expect(codeOf(() => requireRoot('install', { ...base, euid: undefined }))).toMatch(/^usage: /)
  })
})

describe('homeOf', () => {
  const runner =
    (stdout: string, ok = true) =>
    (): CommandResult => ({ ok, code: ok ? 0 : 2, stdout, stderr: '' })
  it('reads the home field of getent passwd', () => {
    expect(homeOf('alice', runner('alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\n'))).toBe('/home/alice')
  })
  it('an unknown user is a clear error naming the override', () => {
    expect(codeOf(() => homeOf('ghost', runner('', false)))).toMatch(
      /Cannot find the home directory of user "ghost"/,
    )
  })
})
