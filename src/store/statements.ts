/** Every SQL statement the credential store runs, prepared once per connection. */
import type { Db, Statement } from './db.ts'
import type { CooldownRow, ProfileRow, StateRow } from './row-codec.ts'

export interface OverrideRow {
  provider: string
  profile_ids_json: string
  updated_at: number
}

export interface LastGoodRow {
  provider: string
  profile_id: string
  at: number
}

export interface Statements {
  listProfiles: Statement<[], ProfileRow>
  getProfile: Statement<[string], ProfileRow>
  putProfile: Statement<[ProfileRow]>
  deleteProfile: Statement<[string]>
  getState: Statement<[string], StateRow>
  listStates: Statement<[], StateRow>
  putState: Statement<[StateRow]>
  clearDisabled: Statement<[string]>
  deleteState: Statement<[string]>
  cooldownsFor: Statement<[string], CooldownRow>
  listCooldowns: Statement<[], CooldownRow>
  putCooldown: Statement<[CooldownRow]>
  deleteCooldowns: Statement<[string]>
  getOverride: Statement<[string], OverrideRow>
  listOverrides: Statement<[], OverrideRow>
  putOverride: Statement<[OverrideRow]>
  deleteOverride: Statement<[string]>
  listLastGood: Statement<[], LastGoodRow>
  putLastGood: Statement<[LastGoodRow]>
  deleteLastGoodFor: Statement<[string]>
  revision: Statement<[], { value: string }>
}

/** The SQL of each statement; prepared on first use (see prepareStatements). */
const SQL: Record<keyof Statements, string> = {
  listProfiles: 'SELECT * FROM auth_profiles ORDER BY provider, profile_id',
  getProfile: 'SELECT * FROM auth_profiles WHERE profile_id = ?',
  putProfile: `INSERT INTO auth_profiles (profile_id, provider, type, secret_json, expires, email, display_name,
         account_id, metadata_json, created_at, updated_at, generation)
       VALUES (@profile_id, @provider, @type, @secret_json, @expires, @email, @display_name,
         @account_id, @metadata_json, @created_at, @updated_at, @generation)
       ON CONFLICT (profile_id) DO UPDATE SET provider = excluded.provider, type = excluded.type,
         secret_json = excluded.secret_json, expires = excluded.expires, email = excluded.email,
         display_name = excluded.display_name, account_id = excluded.account_id,
         metadata_json = excluded.metadata_json, updated_at = excluded.updated_at,
         generation = excluded.generation`,
  deleteProfile: 'DELETE FROM auth_profiles WHERE profile_id = ?',
  getState: 'SELECT * FROM profile_state WHERE profile_id = ?',
  listStates: 'SELECT * FROM profile_state ORDER BY profile_id',
  putState: `INSERT OR REPLACE INTO profile_state (profile_id, last_used, last_good_at, last_failure_at,
         failure_counts_json, disabled_until, disabled_reason, disabled_count, disabled_last_failure_at)
       VALUES (@profile_id, @last_used, @last_good_at, @last_failure_at, @failure_counts_json,
         @disabled_until, @disabled_reason, @disabled_count, @disabled_last_failure_at)`,
  clearDisabled: `UPDATE profile_state SET disabled_until = NULL, disabled_reason = NULL, disabled_count = NULL,
         disabled_last_failure_at = NULL
       WHERE profile_id = ? AND disabled_until IS NOT NULL`,
  deleteState: 'DELETE FROM profile_state WHERE profile_id = ?',
  cooldownsFor: 'SELECT * FROM cooldowns WHERE profile_id = ? ORDER BY model',
  listCooldowns: 'SELECT * FROM cooldowns ORDER BY profile_id, model',
  putCooldown: `INSERT OR REPLACE INTO cooldowns (profile_id, model, until, reason, error_count, last_failure_at)
       VALUES (@profile_id, @model, @until, @reason, @error_count, @last_failure_at)`,
  deleteCooldowns: 'DELETE FROM cooldowns WHERE profile_id = ?',
  getOverride: 'SELECT * FROM order_overrides WHERE provider = ?',
  listOverrides: 'SELECT * FROM order_overrides ORDER BY provider',
  putOverride: `INSERT OR REPLACE INTO order_overrides (provider, profile_ids_json, updated_at)
       VALUES (@provider, @profile_ids_json, @updated_at)`,
  deleteOverride: 'DELETE FROM order_overrides WHERE provider = ?',
  listLastGood: 'SELECT * FROM last_good ORDER BY provider',
  putLastGood:
    'INSERT OR REPLACE INTO last_good (provider, profile_id, at) VALUES (@provider, @profile_id, @at)',
  deleteLastGoodFor: 'DELETE FROM last_good WHERE profile_id = ?',
  revision: "SELECT value FROM store_meta WHERE key = 'revision'",
}

/**
 * Statements are prepared on first use and kept for the connection: a CLI command runs a
 * handful of the twenty, and preparing them all was a measurable part of its start.
 */
export function prepareStatements(db: Db): Statements {
  const q = {} as Statements
  for (const name of Object.keys(SQL) as (keyof Statements)[]) {
    Object.defineProperty(q, name, {
      configurable: true,
      enumerable: true,
      get() {
        const st = db.prepare(SQL[name])
        Object.defineProperty(q, name, { value: st, enumerable: true })
        return st
      },
    })
  }
  return q
}
