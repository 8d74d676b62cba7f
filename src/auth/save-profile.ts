/**
 * Saving a credential touches two files: the agent's SQLite store (the secret) and openclaw.json
 * (`auth.profiles.<id>`, routing metadata, DECISIONS 3). A failure must leave neither half.
 *
 * Order: store first, config second. The store is the step that fails in practice (another
 * process holds the write lock past the busy timeout, disk full, read-only dir), and it fails
 * before anything else was touched, so there is nothing to undo and no undo that could fail in
 * turn. The config write fails far more rarely (its own lock, I/O, validation); then the store
 * rows are put back from a capture taken just before the save. Should that undo fail too, what
 * remains is a stored credential no config entry names; the error says so and names it, it is
 * visible in `auth list`, and a rerun completes it (until then `auth.profiles`/`auth.order` may
 * not route to it). The opposite residue, which the old config-first order left on every
 * store_busy, is a configured profile with no credential: status reports it missing and
 * routing tries a profile that cannot answer.
 */
import { OpenclawError } from '../errors.ts'
import type { CredentialStore } from '../store/credential-store.ts'

export function saveProfileThenConfig<T>(
  store: CredentialStore,
  profileId: string,
  writeStore: () => void,
  writeConfig: () => T,
): T {
  const before = store.captureProfile(profileId)
  writeStore()
  try {
    return writeConfig()
  } catch (configErr) {
    try {
      store.restoreProfile(before)
    } catch (undoErr) {
      throw undoFailed(configErr, undoErr, store.path, profileId)
    }
    if (!OpenclawError.isInstance(configErr)) throw configErr
    throw new OpenclawError(
      configErr.code,
      `${configErr.message}\nNothing was saved: ${profileId} in ${store.path} is as it was before.`,
      {
        exitCode: configErr.exitCode,
        httpStatus: configErr.httpStatus,
        retryable: configErr.retryable,
        ...(configErr.hint ? { hint: configErr.hint } : {}),
        details: { ...configErr.details, profileId },
        cause: configErr,
      },
    )
  }
}

function undoFailed(configErr: unknown, undoErr: unknown, storePath: string, profileId: string) {
  const code = OpenclawError.isInstance(configErr) ? configErr.code : 'config_write_failed'
  return new OpenclawError(
    code,
    `${(configErr as Error).message}\nUndoing the store write failed too (${(undoErr as Error).message}): ${storePath} keeps ${profileId}, but openclaw.json does not list it.`,
    {
      hint: `Run the same command again once openclaw.json is writable, or remove the credential: openclaw models auth logout ${profileId}`,
      details: { profileId, storePath },
      cause: configErr,
    },
  )
}
