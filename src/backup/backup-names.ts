/**
 * Names inside a backup destination (pure). A finished backup is a directory
 * `openclaw-backup-<stamp>`; while it is being written it is `.openclaw-backup-<stamp>.partial-<pid>`,
 * hidden and unmistakably unfinished, and only a rename makes it the finished name. So a killed
 * backup never leaves anything that looks complete, and the pid tells a later run whether the
 * writer of a partial is gone (then it is removed) or still at work (then it is left alone).
 */
import { corruptStamp } from '../store/corrupt-aside.ts'

export const BACKUP_PREFIX = 'openclaw-backup-'
export const MANIFEST_NAME = 'manifest.json'
export const BACKUP_FORMAT = 1

export function backupDirName(now: number): string {
  return `${BACKUP_PREFIX}${corruptStamp(now)}`
}

export function partialDirName(finalName: string, pid: number): string {
  return `.${finalName}.partial-${pid}`
}

/** The pid of a partial backup's writer, or undefined for any other name. */
export function partialOwner(name: string): number | undefined {
  const m = /^\.openclaw-backup-[0-9TZ-]+\.partial-(\d+)$/.exec(name)
  return m ? Number(m[1]) : undefined
}

/** Where an agent's store sits inside a backup: the state dir's own layout, so the backup dir
 * can be used as OPENCLAW_STATE_DIR to inspect it. */
export function storeInBackup(agentId: string): string[] {
  return ['agents', agentId, 'agent', 'openclaw-agent.sqlite']
}

export const SECRETS_WARNING =
  'This backup contains credentials in plaintext (API keys, tokens, OAuth refresh tokens): anyone who can read it can use them. Keep it private (it is written 0700/0600), out of shared or synced folders, and encrypt it before it leaves this machine.'
