/**
 * Shape checks for untrusted JSON. Every failure is a TranslationError naming the JSONPath of
 * the offending value, so a client (or an upstream returning something odd) learns exactly
 * which field was wrong instead of getting a TypeError from deep inside a translator.
 */

import { TranslationError } from './ir.ts'

export type Json = Record<string, unknown>

export function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function kind(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'array'
  return typeof v
}

export function fail(path: string, message: string): never {
  throw new TranslationError(path, message)
}

export function expectRecord(v: unknown, path: string): Json {
  if (!isRecord(v)) fail(path, `expected an object, got ${kind(v)}`)
  return v
}

export function expectArray(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) fail(path, `expected an array, got ${kind(v)}`)
  return v
}

export function expectString(v: unknown, path: string): string {
  if (typeof v !== 'string') fail(path, `expected a string, got ${kind(v)}`)
  return v
}

/** Absent and null both mean "not given": clients send `"temperature": null` routinely. */
export function optString(v: unknown, path: string): string | undefined {
  return v === undefined || v === null ? undefined : expectString(v, path)
}

export function optNumber(v: unknown, path: string): number | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, `expected a number, got ${kind(v)}`)
  return v
}

export function optInteger(v: unknown, path: string): number | undefined {
  const n = optNumber(v, path)
  if (n !== undefined && (!Number.isInteger(n) || n < 1)) fail(path, 'expected a positive integer')
  return n
}

export function optBoolean(v: unknown, path: string): boolean | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'boolean') fail(path, `expected a boolean, got ${kind(v)}`)
  return v
}

export function requireString(obj: Json, key: string, path: string): string {
  if (obj[key] === undefined || obj[key] === null) fail(`${path}.${key}`, 'is required')
  return expectString(obj[key], `${path}.${key}`)
}

/** `stop` / `stop_sequences`: one string or a list of them. */
export function optStringList(v: unknown, path: string): string[] | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v === 'string') return [v]
  return expectArray(v, path).map((s, i) => expectString(s, `${path}[${i}]`))
}

/** Parses a streamed or returned JSON payload; the path says which frame was bad. */
export function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return fail(path, 'is not valid JSON')
  }
}

/**
 * Tool-call arguments travel as a JSON string in the IR (OpenAI's form) but as an object in
 * Anthropic and Gemini. An empty string is what a model emits for a no-argument call.
 */
export function argumentsToObject(args: string, path: string): Json {
  if (args.trim() === '') return {}
  const parsed = parseJson(args, path)
  if (!isRecord(parsed)) fail(path, 'tool call arguments must be a JSON object')
  return parsed
}

/** Puts only defined values into a rendered body, so upstreams never see `"top_p": undefined`. */
export function compact(obj: Json): Json {
  const out: Json = {}
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v
  return out
}

/** Message `content` that was not a string must be a list of parts; say both in the error. */
export function partList(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) fail(path, `expected a string or an array of content parts, got ${kind(v)}`)
  return v
}
