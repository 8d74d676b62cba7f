/**
 * Findings about the installation around the credentials: config validity, file modes, env
 * sources, secret refs, the local gateway and (with --deep) provider reachability. Pure.
 */
import { chownCommand, FOREIGN_OWNER_RISK } from '../util/foreign-owner.ts'
import type { DoctorState, Finding } from './types.ts'

const octal = (m: number) => `0${(m & 0o777).toString(8)}`

export function configFindings(s: DoctorState): Finding[] {
  const c = s.config
  const out: Finding[] = []
  if (c.status === 'invalid' || c.status === 'unreadable') {
    out.push({
      id: `config.${c.status}`,
      area: 'config',
      level: 'error',
      title: `Config ${s.configPath} is ${c.status}`,
      detail: c.message ?? '',
      fix: {
        description: `fix ${s.configPath} by hand (backups: ${s.configPath}.bak*); nothing else is checked against it until it loads`,
        automatic: false,
      },
    })
  } else if (c.status === 'missing') {
    out.push({
      id: 'config.missing',
      area: 'config',
      level: 'info',
      title: `No config at ${s.configPath}`,
      detail: 'Defaults apply.',
    })
  }
  c.warnings.forEach((w, i) => {
    out.push({
      id: `config.warning:${i}`,
      area: 'config',
      level: 'warning',
      title: 'Config warning',
      detail: w,
    })
  })
  return out
}

export function modeFindings(s: DoctorState): Finding[] {
  return [...ownerFindings(s), ...looseModeFindings(s)]
}

/** A-04: never chmod-ed (fs-private.ts), so said out loud, whatever its mode. */
function ownerFindings(s: DoctorState): Finding[] {
  return s.modes
    .filter((m) => !m.ownedByUser && m.ownerUid !== undefined && m.userUid !== undefined)
    .map((m) => ({
      id: `files.owner:${m.path}`,
      area: 'files' as const,
      level: 'warning' as const,
      title: `${m.path} belongs to uid ${m.ownerUid}, not to you (uid ${m.userUid})`,
      detail: `${FOREIGN_OWNER_RISK}.`,
      fix: { command: chownCommand(m.path, m.userUid as number), automatic: false },
    }))
}

function looseModeFindings(s: DoctorState): Finding[] {
  return s.modes
    .filter((m) => (m.mode & 0o777 & ~m.expected) !== 0)
    .map((m) => ({
      id: `files.mode:${m.path}`,
      area: 'files' as const,
      level: 'warning' as const,
      title: `${m.path} is ${m.kind === 'dir' ? 'a directory' : 'a file'} with mode ${octal(m.mode)}; others can ${m.kind === 'dir' ? 'list or enter it' : 'read it'}`,
      detail: m.ownedByUser
        ? `Expected ${octal(m.expected)}.`
        : `Expected ${octal(m.expected)}, but it belongs to another user: doctor does not chmod it.`,
      fix: {
        command: `chmod ${(m.expected & 0o777).toString(8)} ${shellQuote(m.path)}`,
        automatic: m.ownedByUser,
      },
    }))
}

export function envFindings(s: DoctorState): Finding[] {
  const e = s.env
  if (!e) return []
  const out: Finding[] = [
    {
      id: 'env.sources',
      area: 'env',
      level: 'info',
      title: `.env files in use: ${e.files.length ? e.files.join(', ') : 'none'}`,
      detail: `Shell env import: ${e.shellEnabled ? `on${e.shellApplied.length ? ` (applied ${e.shellApplied.join(', ')})` : ''}` : 'off'}. Process env wins over every file; nothing overrides a name set earlier.`,
    },
  ]
  for (const i of e.ignored) {
    out.push({
      id: `env.ignored:${i.name}`,
      area: 'env',
      level: 'warning',
      title: `Ignored ${i.name} from ${i.file}`,
      detail: `${i.reason}. A workspace .env cannot supply credentials, endpoints or OpenClaw settings; put it in ${s.stateDir}/.env or a SecretRef.`,
    })
  }
  if (e.shellError) {
    out.push({
      id: 'env.shell',
      area: 'env',
      level: 'warning',
      title: 'Login shell env import failed',
      detail: e.shellError,
    })
  }
  return out
}

export function secretFindings(s: DoctorState): Finding[] {
  const x = s.secrets
  if (!x) return []
  const out: Finding[] = []
  if (x.error)
    out.push({
      id: 'secrets.error',
      area: 'secrets',
      level: 'warning',
      title: 'Secret refs could not be checked',
      detail: x.error,
    })
  for (const u of x.unresolved) {
    out.push({
      id: `secrets.unresolved:${u.ref}`,
      area: 'secrets',
      level: 'error',
      title: `Secret ref ${u.ref} used by ${u.where} does not resolve`,
      detail: u.message,
      fix: {
        command: 'openclaw secrets audit',
        description: 'fix the secret provider or the ref',
        automatic: false,
      },
    })
  }
  if (x.notChecked.length) {
    out.push({
      id: 'secrets.exec-not-checked',
      area: 'secrets',
      level: 'info',
      title: `${x.notChecked.length} exec ref(s) not checked`,
      detail: `${x.notChecked.map((n) => `${n.ref} (${n.where})`).join(', ')}. Exec providers run only with --allow-exec.`,
      fix: { command: 'openclaw doctor --allow-exec', automatic: false },
    })
  }
  if (x.gatewayPasswordPlaintext) {
    out.push({
      id: 'secrets.gateway-password-plaintext',
      area: 'secrets',
      level: 'warning',
      title: 'gateway.auth.password is stored in plaintext in openclaw.json',
      detail:
        'Anyone who can read the config (or a backup of it) can use the gateway. Store only a scrypt hash.',
      fix: { command: 'openclaw gateway set-password', automatic: false },
    })
  }
  if (x.plaintext > 0) {
    out.push({
      id: 'secrets.plaintext',
      area: 'secrets',
      level: 'info',
      title: `${x.plaintext} plaintext credential(s) in stores, config or .env files`,
      detail: 'Consider SecretRefs (keyRef / tokenRef) for shared machines.',
      fix: { command: 'openclaw secrets audit', automatic: false },
    })
  }
  return out
}

export function gatewayFindings(s: DoctorState): Finding[] {
  const g = s.gateway
  const where = `${g.url} (port from ${g.portSource})`
  if (!g.reachable) {
    return [
      {
        id: 'gateway.not-running',
        area: 'gateway',
        level: 'info',
        title: `No gateway answers at ${where}`,
        detail: g.error ?? 'not reachable',
        fix: { command: 'openclaw gateway', automatic: false },
      },
    ]
  }
  if (g.status !== 200) {
    return [
      {
        id: 'gateway.unhealthy',
        area: 'gateway',
        level: 'warning',
        title: `Gateway at ${where} answered /health with HTTP ${g.status}`,
        detail: g.error ?? 'unexpected status',
      },
    ]
  }
  return [
    {
      id: 'gateway.running',
      area: 'gateway',
      level: g.requiresAuth === false ? 'warning' : 'info',
      title: `Gateway is running at ${where}`,
      detail:
        g.requiresAuth === undefined
          ? 'Could not tell whether it requires client auth.'
          : g.requiresAuth
            ? 'It refuses unauthenticated API calls.'
            : 'It accepts API calls without client auth: any local process can spend your credentials.',
      ...(g.requiresAuth === false
        ? { fix: { description: 'set gateway.auth.mode = "token" in openclaw.json', automatic: false } }
        : {}),
    },
  ]
}

export function networkFindings(s: DoctorState): Finding[] {
  return (s.network ?? []).map((n) =>
    n.reachable
      ? {
          id: `network.ok:${n.provider}`,
          area: 'network' as const,
          level: 'info' as const,
          title: `${n.provider}: ${n.origin} reachable`,
          detail: `TCP connect in ${n.latencyMs ?? 0} ms.`,
        }
      : {
          id: `network.unreachable:${n.provider}`,
          area: 'network' as const,
          level: 'warning' as const,
          title: `${n.provider}: ${n.origin} is not reachable`,
          detail: `${n.error ?? 'no connection'}. Check the network, a proxy, or models.providers.${n.provider}.baseUrl.`,
        },
  )
}

function shellQuote(p: string): string {
  return /^[A-Za-z0-9_./-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`
}
