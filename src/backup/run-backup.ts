/**
 * `openclaw backup`: consistent copies of agent stores into a new backup directory (B-10).
 * Every store is copied with SQLite's online backup API into a hidden partial directory in
 * the destination, each file fsync-ed, then a manifest, then one rename makes the whole set
 * visible and the destination is fsync-ed. Killed at any point, the destination holds either
 * the finished set or a `.partial-<pid>` directory, which the next run removes.
 */
import fs from 'node:fs'
import path from 'node:path'
import { OpenclawError } from '../errors.ts'
import { pidAlive } from '../store/refresh-lease-repo.ts'
import { type BackupProgress, backupStore } from '../store/store-backup.ts'
import { fsyncDir, writeFileAtomic } from '../util/atomic-write.ts'
import { ensurePrivateDir, PRIVATE_DIR_MODE } from '../util/fs-private.ts'
import {
  BACKUP_FORMAT,
  backupDirName,
  MANIFEST_NAME,
  partialDirName,
  partialOwner,
  storeInBackup,
} from './backup-names.ts'

export interface BackupSource {
  agentId: string
  storePath: string
}

/** A plain file copied byte for byte into the backup's top level. */
export interface BackupFile {
  /** Its name in the backup (the name a state dir gives it). */
  name: 'openclaw.json' | '.env'
  source: string
}

export interface BackupHooks {
  /** After each step of a store's copy (crash tests park here). */
  progress?: (info: { agentId: string } & BackupProgress) => void
  /** Everything written and fsync-ed, before the rename that publishes it. */
  beforePublish?: (info: { partialDir: string }) => void
}

export interface BackupResult {
  backupDir: string
  createdAt: number
  agents: Array<{ agentId: string; source: string; file: string; profiles: number; bytes: number }>
  /** Agents without a store file: nothing to copy. */
  skipped: Array<{ agentId: string; source: string; reason: string }>
  /** openclaw.json and <state>/.env, where they exist. */
  files: Array<{ name: string; source: string; file: string; bytes: number }>
  /** Partial backups of killed runs that this run removed. */
  removedPartials: string[]
}

export async function runBackup(opts: {
  sources: readonly BackupSource[]
  files?: readonly BackupFile[]
  outDir: string
  now: number
  hooks?: BackupHooks
  /** Pages per backup step (tests use small steps to be killed mid-copy). */
  stepPages?: number
}): Promise<BackupResult> {
  const outDir = path.resolve(opts.outDir)
  prepareOutDir(outDir)
  const removedPartials = removeStalePartials(outDir)
  const name = backupDirName(opts.now)
  const finalDir = path.join(outDir, name)
  if (fs.existsSync(finalDir)) throw backupExists(finalDir)
  const partialDir = path.join(outDir, partialDirName(name, process.pid))
  fs.mkdirSync(partialDir, { mode: PRIVATE_DIR_MODE })
  const result: BackupResult = {
    backupDir: finalDir,
    createdAt: opts.now,
    agents: [],
    skipped: [],
    files: [],
    removedPartials,
  }
  try {
    for (const s of opts.sources) {
      if (!fs.existsSync(s.storePath)) {
        result.skipped.push({ agentId: s.agentId, source: s.storePath, reason: 'no credential store yet' })
        continue
      }
      const rel = storeInBackup(s.agentId)
      const dest = path.join(partialDir, ...rel)
      for (let d = path.dirname(dest); d !== partialDir; d = path.dirname(d)) ensurePrivateDir(d)
      const copied = await backupStore(s.storePath, dest, {
        ...(opts.hooks?.progress
          ? { onProgress: (p) => opts.hooks?.progress?.({ agentId: s.agentId, ...p }) }
          : {}),
        ...(opts.stepPages !== undefined ? { stepPages: opts.stepPages } : {}),
      })
      for (let d = path.dirname(dest); d !== path.dirname(partialDir); d = path.dirname(d)) fsyncDir(d)
      result.agents.push({
        agentId: s.agentId,
        source: s.storePath,
        file: path.join(finalDir, ...rel),
        ...copied,
      })
    }
    if (result.agents.length === 0) {
      throw new OpenclawError('invalid_input', 'Nothing to back up: no agent has a credential store yet.', {
        hint: 'store a credential first (openclaw onboard), or pick an agent with --agent <id>',
        details: { skipped: result.skipped.map((s) => s.source) },
      })
    }
    for (const f of opts.files ?? []) {
      const bytes = readPlainFile(f.source)
      if (bytes === undefined) continue
      writeFileAtomic(path.join(partialDir, f.name), bytes)
      result.files.push({
        name: f.name,
        source: f.source,
        file: path.join(finalDir, f.name),
        bytes: bytes.length,
      })
    }
    writeFileAtomic(path.join(partialDir, MANIFEST_NAME), `${JSON.stringify(manifest(result), null, 2)}\n`)
    opts.hooks?.beforePublish?.({ partialDir })
    // rename(2) would replace an empty directory of that name; the check above and this one
    // make "never overwrite" hold except against a racer creating it in between.
    if (fs.existsSync(finalDir)) throw backupExists(finalDir)
    fs.renameSync(partialDir, finalDir)
    fsyncDir(outDir)
    return result
  } catch (err) {
    fs.rmSync(partialDir, { recursive: true, force: true })
    throw err
  }
}

function manifest(r: BackupResult) {
  return {
    format: BACKUP_FORMAT,
    createdAt: new Date(r.createdAt).toISOString(),
    containsSecrets: true,
    agents: r.agents.map((a) => ({
      agentId: a.agentId,
      file: path.relative(r.backupDir, a.file),
      source: a.source,
      profiles: a.profiles,
      bytes: a.bytes,
    })),
    skipped: r.skipped,
    files: r.files.map((f) => ({ name: f.name, source: f.source, bytes: f.bytes })),
  }
}

/**
 * The bytes of a config or .env file, or undefined when there is none. One that exists but
 * cannot be read fails the backup: a backup silently missing the config would only be
 * noticed at restore time.
 */
function readPlainFile(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return undefined
    throw new OpenclawError('invalid_input', `Cannot read ${file} for the backup (${code ?? 'error'}).`, {
      hint: `make it readable by this user (chmod 600 ${file}) and run the backup again`,
      details: { path: file, code },
      cause: err,
    })
  }
}

function prepareOutDir(outDir: string): void {
  try {
    const st = fs.statSync(outDir)
    if (!st.isDirectory()) {
      throw new OpenclawError(
        'invalid_input',
        `Backup destination ${outDir} exists and is not a directory.`,
        {
          hint: 'pass --out <dir> naming a directory (it is created 0700 if missing)',
          details: { path: outDir },
        },
      )
    }
  } catch (err) {
    if (OpenclawError.isInstance(err)) throw err
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw cannotWrite(outDir, err)
  }
  try {
    ensurePrivateDir(outDir)
    fs.accessSync(outDir, fs.constants.W_OK)
  } catch (err) {
    throw cannotWrite(outDir, err)
  }
}

/** Partials whose writer is gone: a killed backup. A live writer's partial is not touched. */
function removeStalePartials(outDir: string): string[] {
  const removed: string[] = []
  for (const name of fs.readdirSync(outDir)) {
    const pid = partialOwner(name)
    if (pid === undefined || (pid !== process.pid && pidAlive(pid))) continue
    fs.rmSync(path.join(outDir, name), { recursive: true, force: true })
    removed.push(path.join(outDir, name))
  }
  return removed
}

function backupExists(dir: string): OpenclawError {
  return new OpenclawError('invalid_input', `Backup ${dir} already exists; not overwriting it.`, {
    hint: 'run the backup again (each run makes a new timestamped directory) or pick another --out',
    details: { path: dir },
  })
}

function cannotWrite(dir: string, err: unknown): OpenclawError {
  const code = (err as NodeJS.ErrnoException).code ?? 'error'
  return new OpenclawError('invalid_input', `Cannot write backups to ${dir} (${code}).`, {
    hint: 'pass --out <dir> naming a directory you can write',
    details: { path: dir, code },
    cause: err,
  })
}
