/**
 * State directories for the gateway under test, written through the project's own compiled
 * store (dist/), exactly as `openclaw models auth paste` would leave them.
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..')
export const BIN = path.join(ROOT, 'bin', 'openclaw.js')

let dist
async function loadDist() {
  if (dist) return dist
  const imp = (p) => import(pathToFileURL(path.join(ROOT, 'dist', p)).href)
  const [{ CredentialStore }, paths] = await Promise.all([
    imp('store/credential-store.js'),
    imp('config/paths.js'),
  ])
  dist = { CredentialStore, paths }
  return dist
}

export async function storePath(stateDir, agentId) {
  const { paths } = await loadDist()
  return paths.storePathFor(paths.agentDirFor(stateDir, agentId))
}

function writeConfig(stateDir, config) {
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 })
  fs.writeFileSync(path.join(stateDir, 'openclaw.json'), JSON.stringify(config, null, 2), { mode: 0o600 })
}

async function writeProfiles(stateDir, agentId, profiles) {
  const { CredentialStore } = await loadDist()
  const store = CredentialStore.open(await storePath(stateDir, agentId))
  try {
    store.batch(() => {
      for (const [id, cred] of Object.entries(profiles)) store.upsertProfile(id, cred)
    })
  } finally {
    store.close()
  }
}

export function providers(mockUrl) {
  return {
    anthropic: { baseUrl: mockUrl, api: 'anthropic-messages' },
    openai: { baseUrl: `${mockUrl}/v1`, api: 'openai-completions' },
    google: { baseUrl: `${mockUrl}/v1beta`, api: 'google-generative-ai' },
  }
}

/** 3 providers, 10 stored profiles (4 + 4 + 2) and env key lists for each provider. */
export function realisticProfiles(tag = 'main') {
  const p = {}
  for (let i = 0; i < 4; i++)
    p[`anthropic:bench-${i}`] = { type: 'api_key', provider: 'anthropic', key: `sk-ant-api03-${tag}-${i}` }
  for (let i = 0; i < 4; i++)
    p[`openai:bench-${i}`] = { type: 'api_key', provider: 'openai', key: `sk-proj-${tag}-${i}` }
  for (let i = 0; i < 2; i++)
    p[`google:bench-${i}`] = { type: 'api_key', provider: 'google', key: `AIzaBench-${tag}-${i}` }
  return p
}

export const REALISTIC_ENV = {
  ANTHROPIC_API_KEYS: 'sk-ant-api03-env-0,sk-ant-api03-env-1',
  OPENAI_API_KEYS: 'sk-proj-env-0,sk-proj-env-1',
  GEMINI_API_KEYS: 'AIzaBench-env-0',
}

/** Minimal, hermetic environment for a gateway or CLI child (no keys from the caller's env). */
export function childEnv(home, stateDir, extra = {}) {
  return {
    HOME: home,
    OPENCLAW_STATE_DIR: stateDir,
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    NO_COLOR: '1',
    ...extra,
  }
}

export async function writeRealisticState(stateDir, mockUrl) {
  writeConfig(stateDir, {
    models: { providers: providers(mockUrl) },
    agents: {
      defaults: { model: { primary: 'anthropic/claude-bench', fallbacks: ['openai/gpt-4o-mini'] } },
    },
  })
  await writeProfiles(stateDir, 'main', realisticProfiles())
}

/**
 * 429 storm: Anthropic with 10 keys, the first 9 rate-limited by the mock; plus one good OpenAI
 * key, used only to warm the gateway up (JIT, keep-alive sockets to the mock) before the storm.
 */
export async function writeStormState(stateDir, mockUrl) {
  writeConfig(stateDir, {
    models: {
      providers: {
        anthropic: { baseUrl: mockUrl, api: 'anthropic-messages' },
        openai: { baseUrl: `${mockUrl}/v1`, api: 'openai-completions' },
      },
    },
  })
  const p = {}
  for (let i = 0; i < 10; i++) {
    const key = i < 9 ? `sk-ant-api03-storm-rl429-${i}` : `sk-ant-api03-storm-ok-${i}`
    p[`anthropic:storm-${i}`] = { type: 'api_key', provider: 'anthropic', key }
  }
  await writeProfiles(stateDir, 'main', {
    ...p,
    'openai:warmup': { type: 'api_key', provider: 'openai', key: 'sk-proj-storm-warmup' },
  })
  return Object.fromEntries(Object.entries(p).map(([id, c]) => [id, c.key]))
}

/**
 * `count` agents, each with its own store of 10 profiles (the realistic set, with keys unique
 * per agent). Each store is written through CredentialStore, like the real CLI would.
 */
export function agentIds(count) {
  return Array.from({ length: count }, (_, i) => `agent-${String(i + 1).padStart(4, '0')}`)
}

export async function writeManyAgents(stateDir, mockUrl, count) {
  const ids = agentIds(count)
  writeConfig(stateDir, {
    models: { providers: providers(mockUrl) },
    agents: {
      defaults: { model: { primary: 'anthropic/claude-bench', fallbacks: ['openai/gpt-4o-mini'] } },
      list: ids.map((id, i) => ({ id, ...(i === 0 ? { default: true } : {}) })),
    },
  })
  for (const id of ids) await writeProfiles(stateDir, id, realisticProfiles(id))
  return ids
}

/** Read-only look at a store's cooldown rows (for the storm check). */
export async function readStates(stateDir, agentId) {
  const { CredentialStore } = await loadDist()
  const store = CredentialStore.open(await storePath(stateDir, agentId))
  try {
    return store.listStates()
  } finally {
    store.close()
  }
}

/**
 * Watches a store from outside the gateway: `commits` is SQLite's WAL-index change counter
 * (iChange, bytes 8..11 of the -shm header; +1 per committed write transaction by anyone) and
 * `dataVersion` is PRAGMA data_version on our own read-only connection (changes when another
 * connection committed). Neither reading writes anything.
 */
export async function watchStore(file) {
  const require = createRequire(path.join(ROOT, 'package.json'))
  const Database = require('better-sqlite3')
  const db = new Database(file, { readonly: true, fileMustExist: true })
  const shm = `${file}-shm`
  const header = Buffer.alloc(16)
  return {
    read() {
      let commits = Number.NaN
      try {
        const fd = fs.openSync(shm, 'r')
        try {
          fs.readSync(fd, header, 0, 16, 0)
          commits = header.readUInt32LE(8)
        } finally {
          fs.closeSync(fd)
        }
      } catch {
        // no -shm yet: nothing was ever written in WAL mode
      }
      return { commits, dataVersion: db.pragma('data_version', { simple: true }) }
    },
    close() {
      db.close()
    },
  }
}
