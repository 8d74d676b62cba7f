/**
 * `openclaw secrets audit` findings (auth-spec 3.7, security notes "plaintext residue"):
 * plaintext credentials in the stores, openclaw.json and `.env` files, refs shadowed by
 * stored plaintext or env keys, and refs that do not resolve. Findings name places, variable
 * names and ref coordinates; a secret value is never read into a finding.
 */
import { normalizeProviderId } from '../auth/profile-id.ts'
import type { SecretRef } from '../auth/types.ts'
import type { OpenclawConfig } from '../config/types.ts'
import { collectEnvApiKeys } from '../env/env-keys.ts'
import type { AgentStoreInput, DotenvInput } from './audit-inputs.ts'
import { configRefs, describeUse, profileRefs, type RefEntry } from './collect-refs.ts'
import type { Limiter } from './limiter.ts'
import { asSecretRef, formatRef } from './ref.ts'
import { resolveSecretRefs } from './resolver.ts'

export type FindingCode =
  | 'PLAINTEXT_FOUND'
  | 'REF_SHADOWED'
  | 'REF_UNRESOLVED'
  | 'REF_NOT_CHECKED'
  | 'STORE_UNREADABLE'

export interface AuditFinding {
  code: FindingCode
  /** `info` findings (not checked) never fail `--check`. */
  severity: 'error' | 'warning' | 'info'
  /** File the finding is in (store, config or .env path). */
  file: string
  /** What inside the file: a profile, a config key path or a variable name. */
  location: string
  message: string
  ref?: string
}

export interface AuditInputs {
  config: OpenclawConfig
  /** openclaw.json as written (before `${VAR}` substitution), so env references are not flagged. */
  rawConfig: Record<string, unknown>
  configPath: string
  env: Readonly<Record<string, string | undefined>>
  stores: readonly AgentStoreInput[]
  dotenv: readonly DotenvInput[]
  allowExec: boolean
  execLimiter?: Limiter
}

export interface AuditReport {
  findings: AuditFinding[]
  summary: Record<'plaintext' | 'shadowed' | 'unresolved' | 'notChecked' | 'refsChecked', number>
}

const CREDENTIAL_NAME_RE = /(_API_KEYS?|_API_KEY_[A-Z0-9_]+|_KEYS?|_TOKEN|_SECRET|_PASSWORD)$/i
const CREDENTIAL_HEADER_RE = /^(authorization|proxy-authorization|cookie)$|key|token|secret|password|auth/i

export async function runAudit(inputs: AuditInputs): Promise<AuditReport> {
  const findings: AuditFinding[] = []
  storeFindings(inputs, findings)
  configFindings(inputs, findings)
  for (const d of inputs.dotenv) {
    for (const name of d.names) {
      if (!d.nonEmpty.has(name) || !CREDENTIAL_NAME_RE.test(name)) continue
      findings.push(plain(d.file, name, `${name} holds a credential in plaintext in ${d.file}`))
    }
  }
  const refsChecked = await refFindings(inputs, findings)
  const count = (c: FindingCode) => findings.filter((f) => f.code === c).length
  return {
    findings,
    summary: {
      plaintext: count('PLAINTEXT_FOUND'),
      shadowed: count('REF_SHADOWED'),
      unresolved: count('REF_UNRESOLVED'),
      notChecked: count('REF_NOT_CHECKED'),
      refsChecked,
    },
  }
}

/** `--check`: 2 when any ref is unresolved, 1 for any other finding, else 0. */
export function auditExitCode(report: AuditReport): 0 | 1 | 2 {
  if (report.findings.some((f) => f.code === 'REF_UNRESOLVED')) return 2
  return report.findings.some((f) => f.severity !== 'info') ? 1 : 0
}

function storeFindings(inputs: AuditInputs, findings: AuditFinding[]): void {
  for (const s of inputs.stores) {
    if (s.error) {
      findings.push({
        code: 'STORE_UNREADABLE',
        severity: 'error',
        file: s.storePath,
        location: `agent ${s.agentId}`,
        message: `store of agent ${s.agentId} could not be read (${s.error}); run: openclaw doctor`,
      })
    }
    for (const p of s.profiles) {
      const c = p.credential
      const where = `profile ${p.id} (agent ${s.agentId})`
      const [plainField, refField, value, ref] =
        c.type === 'api_key'
          ? (['key', 'keyRef', c.key, c.keyRef] as const)
          : c.type === 'token'
            ? (['token', 'tokenRef', c.token, c.tokenRef] as const)
            : ([undefined, undefined, undefined, undefined] as const)
      if (plainField === undefined || value === undefined || value.trim() === '') continue
      if (ref) {
        findings.push({
          code: 'REF_SHADOWED',
          severity: 'warning',
          file: s.storePath,
          location: where,
          ref: formatRef(ref),
          message: `${where} stores a plaintext ${plainField} next to its ${refField} ${formatRef(ref)}; the ref is used and the plaintext is residue (re-save with --ref to drop it)`,
        })
      } else {
        findings.push(plain(s.storePath, where, `${where} stores its ${plainField} in plaintext`))
      }
    }
  }
}

function configFindings(inputs: AuditInputs, findings: AuditFinding[]): void {
  const raw = inputs.rawConfig as RawConfig
  const file = inputs.configPath
  const literal = (v: unknown): boolean => typeof v === 'string' && v.trim() !== '' && !v.includes('${')
  for (const [id, p] of Object.entries(raw.models?.providers ?? {})) {
    const base = `models.providers.${id}`
    if (literal(p?.apiKey)) findings.push(plain(file, `${base}.apiKey`, `${base}.apiKey is a plaintext key`))
    for (const [name, v] of Object.entries(p?.headers ?? {})) {
      if (CREDENTIAL_HEADER_RE.test(name) && literal(v)) {
        findings.push(
          plain(file, `${base}.headers.${name}`, `${base}.headers.${name} is a plaintext credential`),
        )
      }
    }
    const ref = asSecretRef(p?.apiKey)
    if (ref) shadowedConfigRef(inputs, id, ref, findings)
  }
  if (literal(raw.gateway?.auth?.token))
    findings.push(plain(file, 'gateway.auth.token', 'gateway.auth.token is a plaintext token'))
  if (literal(raw.gateway?.auth?.password))
    findings.push(
      plain(
        file,
        'gateway.auth.password',
        'gateway.auth.password is a plaintext password; keep only its hash: openclaw gateway set-password',
      ),
    )
  const clients = raw.gateway?.auth?.clients
  if (Array.isArray(clients)) {
    clients.forEach((c, i) => {
      const path = `gateway.auth.clients[${i}].token`
      if (literal((c as { token?: unknown } | null)?.token))
        findings.push(plain(file, path, `${path} is a plaintext token`))
    })
  }
  for (const [name, v] of Object.entries(raw.env?.vars ?? {})) {
    if (CREDENTIAL_NAME_RE.test(name) && literal(v)) {
      findings.push(plain(file, `env.vars.${name}`, `env.vars.${name} holds a credential in plaintext`))
    }
  }
}

/** Profiles and env keys come before `models.providers.<p>.apiKey`, so such a ref is never used. */
function shadowedConfigRef(inputs: AuditInputs, id: string, ref: SecretRef, findings: AuditFinding[]): void {
  const provider = normalizeProviderId(id)
  const profiles = inputs.stores.flatMap((s) =>
    s.profiles.filter((p) => normalizeProviderId(p.credential.provider) === provider).map((p) => p.id),
  )
  const envKeys = collectEnvApiKeys(provider, inputs.env).map((k) => k.varName)
  if (profiles.length === 0 && envKeys.length === 0) return
  const by = profiles.length ? `stored profile(s) ${profiles.join(', ')}` : `env key(s) ${envKeys.join(', ')}`
  findings.push({
    code: 'REF_SHADOWED',
    severity: 'warning',
    file: inputs.configPath,
    location: `models.providers.${id}.apiKey`,
    ref: formatRef(ref),
    message: `models.providers.${id}.apiKey is ${formatRef(ref)}, but ${by} take precedence, so the ref is not used`,
  })
}

async function refFindings(inputs: AuditInputs, findings: AuditFinding[]): Promise<number> {
  const entries: Array<RefEntry & { file: string }> = []
  for (const s of inputs.stores) {
    for (const e of profileRefs(s.profiles, s.agentId)) entries.push({ ...e, file: s.storePath })
  }
  for (const e of configRefs(inputs.config, { gateway: true }))
    entries.push({ ...e, file: inputs.configPath })
  const oauthMode = (e: RefEntry) =>
    e.use.kind === 'profile' && inputs.config.auth?.profiles?.[e.use.profileId]?.mode === 'oauth'
  const runnable = entries.filter((e) => !oauthMode(e) && (inputs.allowExec || e.ref.source !== 'exec'))
  const snapshot = await resolveSecretRefs(
    runnable.map((e) => e.ref),
    {
      config: inputs.config,
      env: inputs.env,
      ...(inputs.execLimiter ? { execLimiter: inputs.execLimiter } : {}),
    },
  )
  for (const e of entries) {
    const where = describeUse(e.use)
    const ref = formatRef(e.ref)
    if (oauthMode(e)) {
      findings.push(unresolved(e.file, where, ref, `${where}: OAuth profiles cannot use SecretRefs`))
    } else if (!inputs.allowExec && e.ref.source === 'exec') {
      findings.push({
        code: 'REF_NOT_CHECKED',
        severity: 'info',
        file: e.file,
        location: where,
        ref,
        message: `${ref} used by ${where} was not checked (exec providers run only with --allow-exec)`,
      })
    } else {
      const failed = snapshot.error(e.ref)
      if (failed)
        findings.push(
          unresolved(e.file, where, ref, `${ref} used by ${where} is unresolved: ${failed.message}`),
        )
    }
  }
  return runnable.length
}

function plain(file: string, location: string, message: string): AuditFinding {
  return { code: 'PLAINTEXT_FOUND', severity: 'warning', file, location, message }
}

function unresolved(file: string, location: string, ref: string, message: string): AuditFinding {
  return { code: 'REF_UNRESOLVED', severity: 'error', file, location, ref, message }
}

interface RawConfig {
  models?: { providers?: Record<string, { apiKey?: unknown; headers?: Record<string, unknown> } | undefined> }
  gateway?: { auth?: { token?: unknown; password?: unknown; clients?: unknown } }
  env?: { vars?: Record<string, unknown> }
}
