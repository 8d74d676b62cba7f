/**
 * Writes openclaw.json: validate first (never persist a config we would refuse to load), keep
 * rotating backups (.bak, .bak.1 .. .bak.4), then replace atomically. Writers persist the raw,
 * unsubstituted tree so `${VAR}` references stay references and no env value lands on disk.
 * Read-modify-write goes through `updateConfig`, which holds `<config>.lock` so two concurrent
 * commands cannot lose each other's edits.
 */
import fs from 'node:fs'
import path from 'node:path'
import { OpenclawError } from '../errors.ts'
import { corruptStamp } from '../store/corrupt-aside.ts'
import { resolveWriteTarget, writeFileAtomic } from '../util/atomic-write.ts'
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, tightenMode } from '../util/fs-private.ts'
import { type LoadedConfig, readRawConfig } from './load.ts'
import { type LockOptions, withLock } from './lock.ts'
import { validateConfig } from './schema.ts'
import { formatIssue } from './schema-dsl.ts'
import { substituteEnv } from './substitute.ts'
import type { OpenclawConfig } from './types.ts'
import { addWriteNotice } from './write-notices.ts'

type Env = Readonly<Record<string, string | undefined>>

export const BACKUP_COUNT = 5

export interface WriteResult {
  config: OpenclawConfig
  warnings: string[]
  /** False when the file already had exactly this content (no backup churn). */
  written: boolean
}

export function serializeConfig(raw: Record<string, unknown>): string {
  return `${JSON.stringify(raw, null, 2)}\n`
}

/** Backup names, newest first: `.bak`, `.bak.1` .. `.bak.4`. */
export function backupPaths(configPath: string): string[] {
  const names = [`${configPath}.bak`]
  for (let i = 1; i < BACKUP_COUNT; i++) names.push(`${configPath}.bak.${i}`)
  return names
}

export function lockPathFor(configPath: string): string {
  return `${resolveWriteTarget(configPath)}.lock`
}

/** The lock file lives beside the config, so the directory must exist before locking. */
function ensureConfigDir(configPath: string): void {
  const dir = path.dirname(resolveWriteTarget(configPath))
  try {
    // Only a directory we create is forced to 0700; an existing custom location keeps its mode.
    if (!fs.existsSync(dir)) fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
  } catch (err) {
    throw writeFailed(configPath, err)
  }
}

/**
 * Validates `raw` as it would be loaded (after `${VAR}` substitution with `env`). The env is
 * the caller's layered env; a reference to an unset variable is refused here exactly as a
 * load would refuse it, rather than writing a config the next command cannot read.
 */
function validateForWrite(configPath: string, raw: Record<string, unknown>, env: Env): WriteResult {
  let substituted: unknown
  try {
    substituted = substituteEnv(raw, env)
  } catch (err) {
    if (!OpenclawError.isInstance(err)) throw err
    throw new OpenclawError('config_invalid', `Refusing to write ${configPath}: ${err.message}`, {
      hint: err.hint,
      details: { path: configPath, ...err.details },
    })
  }
  const result = validateConfig(substituted)
  if (result.errors.length > 0) {
    throw new OpenclawError(
      'config_invalid',
      `Refusing to write ${configPath}; the result would be invalid:\n${result.errors.map((e) => `  ${formatIssue(e)}`).join('\n')}`,
      {
        hint: 'Nothing was changed. Fix the value(s) above and retry.',
        details: { path: configPath, errors: result.errors },
      },
    )
  }
  return { config: result.config, warnings: result.warnings.map(formatIssue), written: false }
}

function rotateBackups(target: string, current: Buffer): void {
  const names = backupPaths(target)
  for (let i = names.length - 1; i > 0; i--) {
    const from = names[i - 1]!
    const to = names[i]!
    try {
      fs.renameSync(from, to)
      tightenMode(to, PRIVATE_FILE_MODE)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
  }
  // Written fresh (not copied) so the backup is 0600 from its first byte.
  writeFileAtomic(names[0]!, current, { mode: PRIVATE_FILE_MODE })
}

function writeUnlocked(configPath: string, raw: Record<string, unknown>, env: Env): WriteResult {
  const result = validateForWrite(configPath, raw, env)
  const target = resolveWriteTarget(configPath)
  const text = serializeConfig(raw)
  let current: Buffer | undefined
  try {
    current = fs.readFileSync(target)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw writeFailed(configPath, err)
  }
  if (current?.equals(Buffer.from(text, 'utf8'))) {
    tightenMode(target, PRIVATE_FILE_MODE)
    return result
  }
  let kept: string | undefined
  try {
    if (current !== undefined) {
      kept = keepHandWritten(target, current)
      rotateBackups(target, current)
    }
    writeFileAtomic(target, text, { mode: PRIVATE_FILE_MODE })
  } catch (err) {
    throw writeFailed(configPath, err)
  }
  if (kept === undefined) return { ...result, written: true }
  const notice = `${configPath} was hand-written JSON5 (comments, trailing commas or unquoted keys); openclaw writes plain JSON, so its comments are not in the new file. The file as you wrote it is kept as ${kept} (not rotated away like the .bak files).`
  addWriteNotice(notice)
  return { ...result, warnings: [...result.warnings, notice], written: true }
}

/**
 * A file that only JSON5 reads was written by hand, and rewriting it as JSON drops its
 * comments. The .bak rotation would lose that version after five more writes, so it is copied
 * once to a name of its own; the path of the copy, or undefined for a plain JSON file.
 */
/** The copies keepHandWritten made beside the config (they hold what the file held then). */
export function handWrittenCopies(configPath: string): string[] {
  const target = resolveWriteTarget(configPath)
  const dir = path.dirname(target)
  const prefix = `${path.basename(target)}${HAND_WRITTEN}`
  try {
    return fs
      .readdirSync(dir)
      .filter((n) => n.startsWith(prefix))
      .map((n) => path.join(dir, n))
  } catch {
    return []
  }
}

const HAND_WRITTEN = '.hand-written-'

function keepHandWritten(target: string, current: Buffer): string | undefined {
  try {
    JSON.parse(current.toString('utf8'))
    return undefined
  } catch {
    // not plain JSON: it parsed as JSON5 (the caller loaded it), so a person wrote it
  }
  const copy = `${target}${HAND_WRITTEN}${corruptStamp(Date.now())}`
  writeFileAtomic(copy, current, { mode: PRIVATE_FILE_MODE })
  return copy
}

function writeFailed(configPath: string, err: unknown): OpenclawError {
  if (OpenclawError.isInstance(err)) return err
  const code = (err as NodeJS.ErrnoException).code
  return new OpenclawError(
    'config_write_failed',
    `Cannot write config ${configPath}: ${(err as Error).message}`,
    {
      hint:
        code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
          ? 'Check that the directory is writable by you.'
          : undefined,
      details: { path: configPath, code },
      cause: err,
    },
  )
}

export interface WriteOptions {
  /** Env used to check `${VAR}` references, normally the layered env; default process.env. */
  env?: Env
  lock?: LockOptions
}

/** Replaces the whole file (validated, backed up, atomic) under the config lock. */
export function writeConfig(
  configPath: string,
  raw: Record<string, unknown>,
  opts: WriteOptions = {},
): WriteResult {
  const env = opts.env ?? process.env
  ensureConfigDir(configPath)
  return withLock(
    lockPathFor(configPath),
    () => writeUnlocked(configPath, raw, env),
    lockOptions(configPath, opts.lock),
  )
}

function lockOptions(configPath: string, lock: LockOptions | undefined): LockOptions {
  return { label: configPath, ...lock }
}

/**
 * Read-modify-write under the lock: re-reads the file (another process may have changed it
 * since this command loaded it), applies `mutate` to the raw tree, validates, writes. A file
 * that does not parse is never overwritten; if `mutate` throws, nothing is written.
 */
export function updateConfig(
  configPath: string,
  env: Env,
  mutate: (raw: Record<string, unknown>) => void,
  opts: { lock?: LockOptions } = {},
): LoadedConfig {
  ensureConfigDir(configPath)
  return withLock(
    lockPathFor(configPath),
    () => {
      const { raw, warnings } = readRawConfig(configPath)
      mutate(raw)
      const result = writeUnlocked(configPath, raw, env)
      return {
        path: configPath,
        exists: true,
        raw,
        config: result.config,
        warnings: [...warnings, ...result.warnings],
      }
    },
    lockOptions(configPath, opts.lock),
  )
}
