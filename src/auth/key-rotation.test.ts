import { describe, expect, it } from 'vitest'
import type { EnvKey } from '../env/env-keys.ts'
import { OpenclawError } from '../errors.ts'
import { classifyError, executeWithKeyRotation, type KeyRotationInfo } from './key-rotation.ts'

const KEYS: EnvKey[] = [
  { value: 'sk-secret-one', varName: 'ANTHROPIC_API_KEYS', source: 'env: ANTHROPIC_API_KEYS[0]' },
  { value: 'sk-secret-two', varName: 'ANTHROPIC_API_KEYS', source: 'env: ANTHROPIC_API_KEYS[1]' },
  { value: 'sk-secret-three', varName: 'ANTHROPIC_API_KEY', source: 'env: ANTHROPIC_API_KEY' },
]

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

const rateLimited = (n: number) => new HttpError(429, `rate limited on key ${n}`)

describe('executeWithKeyRotation', () => {
  it('rotates on 429 until a key works (reaches k3)', async () => {
    const calls: number[] = []
    const result = await executeWithKeyRotation('anthropic', KEYS, async (key, index) => {
      calls.push(index)
      if (index < 2) throw rateLimited(index)
      return `ok with ${key.source}`
    })
    expect(calls).toEqual([0, 1, 2])
    expect(result).toEqual({ value: 'ok with env: ANTHROPIC_API_KEY', key: KEYS[2], index: 2 })
  })

  it('stops at once on 401; the next key is never called', async () => {
    const calls: number[] = []
    const err = new HttpError(401, 'invalid x-api-key')
    const run = async (_key: EnvKey, index: number) => {
      calls.push(index)
      throw err
    }
    await expect(executeWithKeyRotation('anthropic', KEYS, run)).rejects.toBe(err)
    expect(calls).toEqual([0])
  })

  it.each([
    [400, 'invalid_request_error: messages: field required'],
    [403, 'permission_error'],
    [404, 'model not found'],
    [500, 'Internal server error'],
    [503, 'The model is overloaded. Please try again later.'],
  ])('does not rotate on %d', async (status, message) => {
    const calls: number[] = []
    const run = async (_key: EnvKey, index: number) => {
      calls.push(index)
      throw new HttpError(status, message)
    }
    await expect(executeWithKeyRotation('google', KEYS, run)).rejects.toMatchObject({ status })
    expect(calls).toEqual([0])
  })

  it('rethrows the LAST error when every key is rate limited', async () => {
    const errors = KEYS.map((_, i) => rateLimited(i))
    const run = async (_key: EnvKey, index: number) => {
      throw errors[index]
    }
    await expect(executeWithKeyRotation('anthropic', KEYS, run)).rejects.toBe(errors[2])
  })

  it('rotates on billing as well (a drained key says nothing about the next)', async () => {
    const run = async (_key: EnvKey, index: number) => {
      if (index === 0) throw new HttpError(402, 'Insufficient credits')
      return index
    }
    expect((await executeWithKeyRotation('openrouter', KEYS, run)).value).toBe(1)
  })

  it('rotates on seed-doc rate-limit wording in plain errors', async () => {
    for (const message of [
      'Too many concurrent requests',
      'ThrottlingException: Rate exceeded',
      'concurrency limit reached',
      'workers_ai gateway: quota limit exceeded',
      'RESOURCE_EXHAUSTED',
    ]) {
      const calls: number[] = []
      await executeWithKeyRotation('x', KEYS, async (_key, index) => {
        calls.push(index)
        if (index === 0) throw new Error(message)
        return index
      })
      expect(calls).toEqual([0, 1])
    }
  })

  it('reports rotations with index and source only, never the key value', async () => {
    const seen: KeyRotationInfo[] = []
    const classifierInputs: unknown[] = []
    await expect(
      executeWithKeyRotation(
        'anthropic',
        KEYS,
        async (_key, index) => {
          throw rateLimited(index)
        },
        {
          onRotate: (info) => seen.push(info),
          classify: (err) => {
            classifierInputs.push(err)
            return 'rate_limit'
          },
        },
      ),
    ).rejects.toThrow('rate limited on key 2')
    expect(seen).toEqual([
      { fromIndex: 0, toIndex: 1, reason: 'rate_limit', source: 'env: ANTHROPIC_API_KEYS[0]' },
      { fromIndex: 1, toIndex: 2, reason: 'rate_limit', source: 'env: ANTHROPIC_API_KEYS[1]' },
    ])
    const serialized = JSON.stringify(seen) + JSON.stringify(classifierInputs.map(String))
    for (const key of KEYS) expect(serialized).not.toContain(key.value)
  })

  it('uses a custom classifier to decide rotation', async () => {
    const calls: number[] = []
    await executeWithKeyRotation(
      'x',
      KEYS,
      async (_key, index) => {
        calls.push(index)
        if (index === 0) throw new Error('custom signal')
        return index
      },
      { classify: () => 'rate_limit' },
    )
    expect(calls).toEqual([0, 1])
  })

  it('throws no_credentials for an empty list', async () => {
    const promise = executeWithKeyRotation('anthropic', [], async () => 1)
    await expect(promise).rejects.toBeInstanceOf(OpenclawError)
    await expect(promise).rejects.toMatchObject({
      code: 'no_credentials',
      message: 'No API keys configured for provider "anthropic".',
    })
  })

  it('does not start when the signal is already aborted', async () => {
    const controller = new AbortController()
    controller.abort()
    let called = false
    const promise = executeWithKeyRotation(
      'x',
      KEYS,
      async () => {
        called = true
        return 1
      },
      { signal: controller.signal },
    )
    await expect(promise).rejects.toMatchObject({ name: 'AbortError' })
    expect(called).toBe(false)
  })

  it('rethrows an abort mid-flight without trying more keys', async () => {
    const controller = new AbortController()
    const calls: number[] = []
    const run = async (_key: EnvKey, index: number) => {
      calls.push(index)
      controller.abort()
      // The upstream call surfaces our abort as a rate-limit-looking failure; abort still wins.
      throw rateLimited(index)
    }
    await expect(executeWithKeyRotation('x', KEYS, run, { signal: controller.signal })).rejects.toThrow(
      'rate limited on key 0',
    )
    expect(calls).toEqual([0])
  })

  it('never rotates on an AbortError even without a signal', async () => {
    const calls: number[] = []
    const abort = new DOMException('This operation was aborted', 'AbortError')
    const run = async (_key: EnvKey, index: number) => {
      calls.push(index)
      throw abort
    }
    await expect(executeWithKeyRotation('x', KEYS, run, { classify: () => 'rate_limit' })).rejects.toBe(abort)
    expect(calls).toEqual([0])
  })
})

describe('classifyError', () => {
  it('reads status/statusCode/response.status and body fields', () => {
    expect(classifyError({ statusCode: 429 })).toBe('rate_limit')
    expect(classifyError({ response: { status: 401 }, message: 'Request failed' })).toBe('auth')
    expect(
      classifyError({
        status: 429,
        responseBody: JSON.stringify({
          error: { type: 'insufficient_quota', code: 'insufficient_quota', message: 'x' },
        }),
      }),
    ).toBe('billing')
  })

  it('scopes provider-specific wording to the provider', () => {
    const err = new HttpError(403, 'Key limit exceeded (total limit).')
    expect(classifyError(err, 'openrouter')).toBe('billing')
    expect(classifyError(err, 'anthropic')).toBe('auth')
  })

  it('falls back to the string form of non-error values', () => {
    expect(classifyError('429 Too Many Requests')).toBe('rate_limit')
    expect(classifyError(undefined)).toBe('unknown')
  })
})
