/**
 * `${VAR}` substitution in config string values (auth-spec 1.8). Only upper-case names are
 * references, so `${lower}` and shell-ish text stay literal; `$${VAR}` escapes to `${VAR}`.
 * Object keys are never touched: a key is a name, and substituting it would let the
 * environment invent config entries. The caller keeps the unsubstituted tree for writing,
 * so no environment value is ever baked into openclaw.json.
 */
import { OpenclawError } from '../errors.ts'
import { isPlainObject, joinPath, setOwn } from './schema-dsl.ts'

type Env = Readonly<Record<string, string | undefined>>

const REF_RE = /\$?\$\{([A-Z_][A-Z0-9_]*)\}/g

interface Missing {
  path: string
  name: string
}

export function substituteEnv(value: unknown, env: Env, path = ''): unknown {
  const missing: Missing[] = []
  const out = walk(value, env, path, missing)
  if (missing.length > 0) {
    const lines = missing.map(
      (m) =>
        `${m.path === '' ? '(root)' : m.path}: environment variable ${m.name} referenced by \${${m.name}} is not set`,
    )
    const [first] = missing
    throw new OpenclawError('config_invalid', lines.join('\n'), {
      hint: `Set ${first?.name} (for example in ~/.openclaw/.env), or write $\${${first?.name}} to keep the text literally.`,
      details: { missing: missing.map((m) => ({ keyPath: m.path, variable: m.name })) },
    })
  }
  return out
}

function walk(value: unknown, env: Env, path: string, missing: Missing[]): unknown {
  if (typeof value === 'string') return substituteString(value, env, path, missing)
  if (Array.isArray(value)) return value.map((v, i) => walk(v, env, joinPath(path, i), missing))
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) setOwn(out, k, walk(v, env, joinPath(path, k), missing))
    return out
  }
  return value
}

function substituteString(text: string, env: Env, path: string, missing: Missing[]): string {
  if (!text.includes('${')) return text
  return text.replace(REF_RE, (match: string, name: string) => {
    if (match.startsWith('$$')) return match.slice(1)
    const v = env[name]
    // An empty value would silently turn `apiKey: "${KEY}"` into "no key": treat it as unset.
    if (v === undefined || v === '') {
      if (!missing.some((m) => m.path === path && m.name === name)) missing.push({ path, name })
      return match
    }
    return v
  })
}

/** Names referenced as `${VAR}` anywhere in the tree (escapes excluded); for diagnostics. */
export function referencedEnvNames(value: unknown): string[] {
  const names = new Set<string>()
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(REF_RE)) if (!m[0].startsWith('$$') && m[1] !== undefined) names.add(m[1])
    } else if (Array.isArray(v)) v.forEach(visit)
    else if (isPlainObject(v)) Object.values(v).forEach(visit)
  }
  visit(value)
  return [...names]
}
