/**
 * Env API-key rotation (seed docs "API key rotation", DECISIONS sections 5-6): try each env key
 * in order, moving on only when the provider says this key is out of budget. Everything else
 * (bad request, bad key, outage) would fail the same way on the next key, so it stops at once.
 */

import type { EnvKey } from '../env/env-keys.ts'
import { OpenclawError } from '../errors.ts'
import { classifyFailure, type UpstreamFailure } from './classify.ts'
import type { FailureClass } from './types.ts'

export interface KeyRotationInfo {
  fromIndex: number
  toIndex: number
  reason: FailureClass
  /** Label of the key that just failed (`env: ANTHROPIC_API_KEYS[0]`); never the value. */
  source: string
}

export interface KeyRotationOptions {
  classify?: (err: unknown) => FailureClass
  signal?: AbortSignal
  onRotate?: (info: KeyRotationInfo) => void
}

export interface KeyRotationResult<T> {
  value: T
  key: EnvKey
  index: number
}

/** Billing rotates too: a drained key says nothing about its siblings' balances. */
const ROTATES: ReadonlySet<FailureClass> = new Set<FailureClass>(['rate_limit', 'billing'])

export async function executeWithKeyRotation<T>(
  provider: string,
  keys: readonly EnvKey[],
  run: (key: EnvKey, index: number) => Promise<T>,
  opts: KeyRotationOptions = {},
): Promise<KeyRotationResult<T>> {
  if (keys.length === 0) {
    throw new OpenclawError('no_credentials', `No API keys configured for provider "${provider}".`, {
      details: { provider },
    })
  }
  const classify = opts.classify ?? ((err: unknown) => classifyError(err, provider))
  let lastError: unknown
  for (const [index, key] of keys.entries()) {
    opts.signal?.throwIfAborted()
    try {
      return { value: await run(key, index), key, index }
    } catch (err) {
      // A caller abort is not the key's fault and must not spend the remaining keys.
      if (opts.signal?.aborted || isAbortError(err)) throw err
      const reason = classify(err)
      if (!ROTATES.has(reason)) throw err
      lastError = err
      const next = index + 1
      if (next < keys.length) opts.onRotate?.({ fromIndex: index, toIndex: next, reason, source: key.source })
    }
  }
  throw lastError
}

/**
 * Default classifier for thrown values: reads the fields HTTP client errors usually carry
 * (status/statusCode, message, body text, code, type, headers) and falls back to the string form.
 */
export function classifyError(err: unknown, provider?: string): FailureClass {
  const failure: UpstreamFailure = provider === undefined ? {} : { provider }
  if (typeof err === 'object' && err !== null) {
    const e = err as Record<string, unknown>
    const status = numberField(e.status) ?? numberField(e.statusCode) ?? responseStatus(e.response)
    if (status !== undefined) failure.status = status
    if (typeof e.message === 'string') failure.message = e.message
    const body = stringField(e.bodyText) ?? stringField(e.responseBody) ?? stringField(e.body)
    if (body !== undefined) failure.bodyText = body
    if (typeof e.code === 'string') failure.code = e.code
    if (typeof e.type === 'string') failure.type = e.type
  }
  if (failure.status === undefined && failure.message === undefined && failure.bodyText === undefined) {
    failure.message = String(err)
  }
  return classifyFailure(failure).reason
}

function isAbortError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'AbortError'
}

function numberField(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined
}

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

function responseStatus(response: unknown): number | undefined {
  if (typeof response !== 'object' || response === null) return undefined
  return numberField((response as { status?: unknown }).status)
}
