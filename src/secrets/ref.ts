/**
 * SecretRef grammar (auth-spec 1.9, DECISIONS section 3). Pure and dependency-free so the config
 * validator and the CLI can use it without loading any provider. Violations quote the rule,
 * never the id: a mistyped ref field sometimes holds the secret itself.
 */
import type { SecretRef, SecretRefSource } from '../auth/types.ts'

export const SOURCES: readonly SecretRefSource[] = ['env', 'file', 'exec']
export const ALIAS_RE = /^[a-z][a-z0-9_-]{0,63}$/
export const ENV_ID_RE = /^[A-Z][A-Z0-9_]{0,127}$/
export const EXEC_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._:/#-]{0,255}$/
/** Built-in alias: the `env` source works with it without any `secrets.providers` entry. */
export const DEFAULT_ALIAS = 'default'
/** The id a `singleValue` file provider answers to. */
export const SINGLE_VALUE_ID = 'value'
export const MAX_POINTER_LENGTH = 1024
export const MAX_POINTER_SEGMENTS = 64

export const RULES = {
  alias: 'a secret provider alias must match ^[a-z][a-z0-9_-]{0,63}$',
  env: 'an env ref id must be a variable name matching ^[A-Z][A-Z0-9_]{0,127}$',
  exec: 'an exec ref id must match ^[A-Za-z0-9][A-Za-z0-9._:/#-]{0,255}$ with no "." or ".." path segments',
  file:
    'a file ref id must be an RFC 6901 JSON pointer ("/a/b", escapes ~0 and ~1 only, at most ' +
    `${MAX_POINTER_SEGMENTS} segments), a top-level key without "/", or "value" for a singleValue provider`,
} as const

export function isSource(v: unknown): v is SecretRefSource {
  return typeof v === 'string' && (SOURCES as readonly string[]).includes(v)
}

/** Why `id` is not valid for `source`, or undefined. Never contains the id. */
export function refIdViolation(source: SecretRefSource, id: string): string | undefined {
  if (typeof id !== 'string' || id.length === 0) return `the ref id is empty; ${RULES[source]}`
  switch (source) {
    case 'env':
      return ENV_ID_RE.test(id) ? undefined : RULES.env
    case 'exec':
      return EXEC_ID_RE.test(id) && !id.split('/').some((s) => s === '.' || s === '..')
        ? undefined
        : RULES.exec
    case 'file':
      return fileIdViolation(id)
  }
}

function fileIdViolation(id: string): string | undefined {
  if (id.length > MAX_POINTER_LENGTH || /[\u0000-\u001f\u007f]/.test(id)) return RULES.file
  if (!id.startsWith('/')) {
    return id.includes('/') ? `${RULES.file} (a pointer must start with "/")` : undefined
  }
  const parsed = parsePointer(id)
  return typeof parsed === 'string' ? parsed : undefined
}

/**
 * RFC 6901: "" is the whole document, "/a/b" walks keys; `~1` is "/", `~0` is "~", and any other
 * `~` sequence is invalid. Returns the decoded segments or a violation.
 */
export function parsePointer(pointer: string): string[] | string {
  if (pointer === '') return []
  if (!pointer.startsWith('/')) return `${RULES.file} (a pointer must start with "/")`
  const raw = pointer.slice(1).split('/')
  if (raw.length > MAX_POINTER_SEGMENTS) return RULES.file
  const out: string[] = []
  for (const seg of raw) {
    if (/~(?![01])/.test(seg)) return `${RULES.file} ("~" must be followed by 0 or 1)`
    out.push(seg.replace(/~1/g, '/').replace(/~0/g, '~'))
  }
  return out
}

/** A file id as the path of keys to walk (bare ids are one top-level key, per DECISIONS 3). */
export function fileIdSegments(id: string): string[] | string {
  return id.startsWith('/') ? parsePointer(id) : [id]
}

/** Stable map key of a ref. */
export function refKey(ref: SecretRef): string {
  return JSON.stringify([ref.source, ref.provider, ref.id])
}

/** `source:provider:id`, printable (ids are coordinates, never the secret; control chars escaped). */
export function formatRef(ref: SecretRef): string {
  const id = JSON.stringify(String(ref.id)).slice(1, -1)
  return `${ref.source}:${String(ref.provider)}:${id}`
}

export interface RefSpecDefaults {
  env?: string | undefined
  file?: string | undefined
  exec?: string | undefined
}

/**
 * Parses the CLI form `<source>:<provider>:<id>`. The id is everything after the second colon
 * (exec ids and pointers may contain ":"); an empty provider (`env::NAME`) takes
 * `secrets.defaults.<source>`, else the built-in `default`.
 */
export function parseRefSpec(spec: string, defaults: RefSpecDefaults = {}): SecretRef | string {
  const first = spec.indexOf(':')
  const second = first < 0 ? -1 : spec.indexOf(':', first + 1)
  if (first < 0 || second < 0) {
    return 'expected --ref <source>:<provider>:<id>, e.g. file:local:/anthropic/prod or env::ANTHROPIC_API_KEY'
  }
  const source = spec.slice(0, first)
  if (!isSource(source)) return `unknown ref source; expected one of ${SOURCES.join(', ')}`
  const provider = spec.slice(first + 1, second) || (defaults[source] ?? DEFAULT_ALIAS)
  if (!ALIAS_RE.test(provider)) return RULES.alias
  const id = spec.slice(second + 1)
  const bad = refIdViolation(source, id)
  return bad ?? { source, provider, id }
}

/** Structural test for a ref-shaped value read from disk or config. */
export function asSecretRef(v: unknown): SecretRef | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined
  const r = v as Record<string, unknown>
  if (!isSource(r.source) || typeof r.provider !== 'string' || typeof r.id !== 'string') return undefined
  return { source: r.source, provider: r.provider, id: r.id }
}
