/**
 * Who a system unit (`gateway install --system`) runs as, and where that user's state lives.
 * The decision is pure and unit-tested; only the home lookup asks the system (`getent passwd`).
 *
 * Writing /etc/systemd/system needs root, so the command runs under sudo; the gateway itself
 * must not run as root by accident, so User= is the account that invoked sudo (SUDO_USER), or
 * `--run-as <user>`; plain root without either is refused (`--run-as root` insists).
 */
import { OpenclawError } from '../errors.ts'
import type { Runner } from './run-command.ts'

const USER_RE = /^[a-z_][a-z0-9_.-]{0,31}\$?$/i

export interface SystemUserInput {
  /** process.geteuid(); undefined where it does not exist (Windows). */
  euid: number | undefined
  sudoUser: string | undefined
  currentUser: string
  runAs: string | undefined
  unitDir: string
}

/** Changing /etc/systemd/system is root's business: a clear refusal instead of EACCES. */
export function requireRoot(
  action: 'install' | 'uninstall',
  i: Pick<SystemUserInput, 'euid' | 'currentUser' | 'unitDir'>,
): void {
  if (i.euid === undefined)
    throw new OpenclawError('usage', '--system manages a systemd system unit; it needs Linux with systemd.')
  if (i.euid !== 0)
    throw new OpenclawError(
      'invalid_input',
      `${action === 'install' ? 'Installing' : 'Removing'} a system unit changes ${i.unitDir} and needs root (this is ${i.currentUser}).`,
      {
        hint: `Run it with sudo: sudo "$(command -v openclaw)" gateway ${action} --system${action === 'install' ? '; or use the user unit: openclaw gateway install' : ''}`,
      },
    )
}

export function systemServiceUser(i: SystemUserInput): string {
  requireRoot('install', i)
  const user = i.runAs ?? nonEmpty(i.sudoUser) ?? i.currentUser
  if (!USER_RE.test(user))
    throw new OpenclawError('invalid_input', `"${user.slice(0, 40)}" is not a valid user name for User=.`, {
      hint: 'Pass the account that should run the gateway: --run-as <user>',
    })
  if (user === 'root' && i.runAs !== 'root')
    throw new OpenclawError('invalid_input', 'Refusing to install a gateway that runs as root.', {
      hint: 'Run the install through sudo from the account that should own the gateway, or pass --run-as <user> (--run-as root to insist).',
    })
  return user
}

/** The user's home from the passwd database (local files, LDAP...), through `getent`. */
export function homeOf(user: string, run: Runner): string {
  const r = run('getent', ['passwd', user])
  const home = r.ok ? r.stdout.trim().split('\n')[0]?.split(':')[5] : undefined
  if (!home)
    throw new OpenclawError(
      'invalid_input',
      `Cannot find the home directory of user "${user}" (getent passwd ${user}).`,
      {
        hint: 'Set the state dir explicitly: sudo OPENCLAW_STATE_DIR=/home/<user>/.openclaw openclaw gateway install --system',
      },
    )
  return home
}

function nonEmpty(s: string | undefined): string | undefined {
  return s !== undefined && s.trim() !== '' ? s.trim() : undefined
}
