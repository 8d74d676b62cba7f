/**
 * Reads openclaw.json: parse (JSON5), substitute `${VAR}`, validate. A missing file is an
 * empty config; anything else that is wrong fails loudly with the path and the bad key, because
 * running on a half-understood config is how credentials end up going somewhere unintended.
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import { escapeForMessage } from '../auth/profile-id.ts'
import { OpenclawError } from '../errors.ts'
import { validateConfig } from './schema.ts'
import { formatIssue } from './schema-dsl.ts'
import { substituteEnv } from './substitute.ts'
import type { OpenclawConfig } from './types.ts'

type Env = Readonly<Record<string, string | undefined>>

export interface LoadedConfig {
  path: string
  exists: boolean
  /** The file as parsed, before `${VAR}` substitution: the only thing writers may persist. */
  raw: Record<string, unknown>
  config: OpenclawConfig
  warnings: string[]
}

export interface RawConfig {
  path: string
  exists: boolean
  raw: Record<string, unknown>
  warnings: string[]
}

export function loadConfig(path: string, env: Env): LoadedConfig {
  const { exists, raw, warnings } = readRawConfig(path)
  if (!exists) return { path, exists, raw, config: {}, warnings }
  const substituted = substituteWithPath(raw, env, path)
  const result = validateConfig(substituted)
  if (result.errors.length > 0) {
    throw new OpenclawError(
      'config_invalid',
      `Config ${path} is invalid:\n${result.errors.map((e) => `  ${formatIssue(e)}`).join('\n')}`,
      {
        hint: `Fix the key(s) above in ${path}, or run: openclaw doctor`,
        details: { path, errors: result.errors },
      },
    )
  }
  return {
    path,
    exists,
    raw,
    config: result.config,
    warnings: [...warnings, ...result.warnings.map(formatIssue)],
  }
}

function substituteWithPath(raw: Record<string, unknown>, env: Env, path: string): unknown {
  try {
    return substituteEnv(raw, env)
  } catch (err) {
    if (!OpenclawError.isInstance(err)) throw err
    throw new OpenclawError('config_invalid', `Config ${path}: ${err.message}`, {
      hint: err.hint,
      details: { path, ...err.details },
    })
  }
}

/** Read and parse only: no substitution, no validation. Writers start from this. */
export function readRawConfig(path: string): RawConfig {
  let text: string
  try {
    text = fs.readFileSync(path, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return { path, exists: false, raw: {}, warnings: [] }
    const why =
      code === 'EISDIR'
        ? 'it is a directory'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : (code ?? String(err))
    throw new OpenclawError('config_unreadable', `Cannot read config ${path}: ${why}`, {
      hint: `Check the file's owner and permissions (it should be yours, mode 0600): ls -l ${path}`,
      details: { path, code },
      cause: err,
    })
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  if (text.trim() === '') {
    return { path, exists: true, raw: {}, warnings: [`${path}: the file is empty; treating it as {}`] }
  }
  const parsed = parseConfigText(text, path)
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    const got = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`
    throw new OpenclawError(
      'config_invalid',
      `Config ${path} must contain a JSON object at the top level, got ${got}`,
      {
        hint: `Wrap the settings in { ... } in ${path}, or run: openclaw doctor`,
        details: { path },
      },
    )
  }
  return { path, exists: true, raw: parsed as Record<string, unknown>, warnings: [] }
}

interface Json5Error extends Error {
  lineNumber?: number
  columnNumber?: number
}

let json5: { parse(text: string): unknown } | undefined

export function parseConfigText(text: string, path: string): unknown {
  // Files we write are plain JSON; JSON.parse is far cheaper than loading json5 at start-up.
  try {
    return JSON.parse(text)
  } catch {
    // fall through: hand-edited JSON5 (comments, trailing commas...) or a real syntax error
  }
  json5 ??= createRequire(import.meta.url)('json5') as { parse(text: string): unknown }
  try {
    return json5.parse(text)
  } catch (err) {
    const e = err as Json5Error
    // json5 quotes the offending character and escapes only C0 controls itself: DEL, C1 (U+009B
    // is a terminal CSI) and bidi overrides would reach the terminal raw. Escape everything
    // outside printable ASCII the way ids are escaped; json5's own `\x01` escapes stay as they are.
    const message = String(e.message ?? err)
      .replace(/^JSON5: /, '')
      .replace(/ at \d+:\d+$/, '')
      .replace(/[^\x20-\x7e]/gu, (ch) => escapeForMessage(ch))
    const where = e.lineNumber !== undefined ? ` (line ${e.lineNumber}, column ${e.columnNumber ?? 0})` : ''
    throw new OpenclawError('config_invalid', `Config ${path} is not valid JSON5: ${message}${where}`, {
      hint: `Fix the syntax in ${path}; the previous version is kept as ${path}.bak when openclaw wrote it.`,
      details: { path, line: e.lineNumber, column: e.columnNumber },
      cause: err,
    })
  }
}
