import { describe, expect, it } from 'vitest'
import { EXIT, OpenclawError } from '../errors.ts'
import { isCorruptionError, toStoreError } from './sqlite-errors.ts'

const ctx = { path: '/state/agents/main/agent/openclaw-agent.sqlite' }

function sqliteError(code: string, message = 'boom'): Error {
  return Object.assign(new Error(message), { code, name: 'SqliteError' })
}

function mapped(err: unknown, readonly = false): OpenclawError {
  const out = toStoreError(err, { ...ctx, readonly })
  if (!OpenclawError.isInstance(out)) throw new Error('not mapped')
  return out
}

describe('toStoreError', () => {
  it.each([
    ['SQLITE_BUSY', 'store_busy'],
    ['SQLITE_BUSY_SNAPSHOT', 'store_busy'],
    ['SQLITE_LOCKED', 'store_busy'],
    ['SQLITE_FULL', 'store_full'],
    ['SQLITE_READONLY', 'store_readonly'],
    ['SQLITE_READONLY_DIRECTORY', 'store_readonly'],
    ['SQLITE_CORRUPT', 'store_corrupt'],
    ['SQLITE_IOERR_WRITE', 'store_io'],
    ['SQLITE_CONSTRAINT_CHECK', 'store_io'],
  ])('%s -> %s', (code, expected) => {
    expect(mapped(sqliteError(code)).code).toBe(expected)
  })

  it('makes busy retryable with the temp-fail exit code and names the store', () => {
    const err = mapped(sqliteError('SQLITE_BUSY', 'database is locked'))
    expect(err.retryable).toBe(true)
    expect(err.exitCode).toBe(EXIT.tempFail)
    expect(err.message).toBe(
      `Credential store ${ctx.path} is busy: another openclaw process holds the write lock; retry.`,
    )
  })

  it('maps filesystem permission errors to "state dir not writable"', () => {
    for (const code of ['EACCES', 'EROFS', 'EPERM']) {
      const fsErr = Object.assign(new Error(`${code}: open`), { code, syscall: 'open' })
      const err = mapped(fsErr)
      expect(err.code).toBe('store_readonly')
      expect(err.message).toContain('state dir not writable: /state/agents/main/agent')
    }
    expect(mapped(Object.assign(new Error('x'), { code: 'ENOSPC', syscall: 'write' })).code).toBe(
      'store_full',
    )
  })

  it('says "opened read-only" rather than blaming the dir for a read-only handle', () => {
    expect(mapped(sqliteError('SQLITE_READONLY'), true).message).toContain('opened read-only')
  })

  it('passes through errors that are not storage failures', () => {
    const plain = new Error('callback failed')
    expect(toStoreError(plain, ctx)).toBe(plain)
    const typed = new OpenclawError('invalid_input', 'x')
    expect(toStoreError(typed, ctx)).toBe(typed)
    const coded = Object.assign(new Error('y'), { code: 'ERR_SOMETHING' })
    expect(toStoreError(coded, ctx)).toBe(coded)
  })

  it('recognises corruption codes', () => {
    expect(isCorruptionError(sqliteError('SQLITE_NOTADB'))).toBe(true)
    expect(isCorruptionError(sqliteError('SQLITE_CORRUPT_INDEX'))).toBe(true)
    expect(isCorruptionError(sqliteError('SQLITE_BUSY'))).toBe(false)
  })
})
