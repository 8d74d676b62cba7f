#!/usr/bin/env node
/**
 * Canary scan (catalogue R6 / G-01): after the suite, look for every planted test secret in
 * everything a user, an operator or a client could see. Inputs come from the registry that
 * test/support/cli.ts fills while the tests run (see docs/reliability.md, "Canary scan"):
 *
 *   planted/*.txt      every canary() value, one per line
 *   artifacts/*        CLI stdout/stderr, gateway logs, HTTP responses received by clients
 *   state-dirs/*.txt   temp state dirs; snapshots/<id>/state copies of dirs a test deleted
 *   inputs/*.txt       files a test wrote secrets into on purpose, with the canaries they held
 *
 * plus any --extra file (the tee'd vitest output, the JSON report). In a state dir every regular
 * file is read except: SQLite companions (-wal/-shm/-journal) and moved-aside `.corrupt-*` stores
 * (their raw bytes hold the secret column); `.env` files (inputs by definition: the product never
 * writes one); and OpenClaw's legacy credential files (auth-profiles.json, auth.json,
 * credentials/oauth.json) with the renamed archives `doctor --fix` keeps of them, which are
 * inputs of the import tests (see docs/reliability.md). Each SQLite store, including archived
 * ones (`.sqlite.migrated-*`), is opened read-only and every column of every table is read
 * except the two secret columns: auth_profiles.secret_json (ours) and auth_profile_store.store_json
 * (OpenClaw's, in stores the tests import).
 *
 * A canary is found by its 32-hex-digit random tail, so the raw value, its encodeURIComponent
 * form, JSON-escaped copies and truncated prefixes that keep the tail are all caught; base64 (and
 * base64url) runs are decoded at every alignment and searched the same way, so a canary inside a
 * larger base64 blob (Basic auth, a JWT) is caught too.
 *
 * Usage: node scripts/canary-scan.mjs [--dir <registry>] [--extra <file>]... [--summary <json>]
 * Exit 0 clean, 1 at least one hit, 2 the scan itself failed.
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)

function parseArgs(argv) {
  const out = { dir: process.env.CANARY_SCAN_DIR ?? path.join(root, '.tmp', 'canaries'), extra: [] }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--dir') out.dir = argv[++i]
    else if (a === '--extra') out.extra.push(argv[++i])
    else if (a === '--summary') out.summary = argv[++i]
    else throw new Error(`unknown argument ${a}`)
  }
  return out
}

const MAX_FILE_BYTES = 64 * 1024 * 1024
/** table.column pairs that hold credentials by design; everything else must be canary-free. */
const SECRET_COLUMNS = new Set(['auth_profiles.secret_json', 'auth_profile_store.store_json'])
/** OpenClaw legacy credential files and the archives `doctor --fix` renames them to. */
const LEGACY_CREDENTIAL_FILE = /^(auth-profiles|auth|oauth)\.json($|\.migrated-|\.migrating-|\.legacy-flat\.)/
/** Our store, or an archived (renamed) copy of a store. */
const SQLITE_FILE = /\.sqlite($|\.migrated-|\.migrating-)/
const HEX_TAIL = /[0-9a-f]{32}$/
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g

function readLines(dir) {
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir)
    .sort()
    .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n'))
    .filter((l) => l.trim() !== '')
}

/** hex tail -> canary */
function loadCanaries(dir) {
  const byTail = new Map()
  const odd = []
  for (const c of readLines(path.join(dir, 'planted'))) {
    const tail = HEX_TAIL.exec(c)?.[0]
    if (tail) byTail.set(tail, c)
    else odd.push(c)
  }
  return { byTail, odd }
}

function loadInputs(dir) {
  const allowed = new Map()
  for (const line of readLines(path.join(dir, 'inputs'))) {
    const { path: p, canaries } = JSON.parse(line)
    const set = allowed.get(p) ?? new Set()
    for (const c of canaries) set.add(c)
    allowed.set(p, set)
  }
  return allowed
}

function createFinder({ byTail, odd }) {
  const hexRun = /[0-9a-f]{32,}/g
  const b64Run = /[A-Za-z0-9+/_-]{24,}={0,2}/g

  function hexHits(text, form, run, out) {
    for (const m of text.matchAll(hexRun)) {
      for (let i = 0; i + 32 <= m[0].length; i++) {
        const canary = byTail.get(m[0].slice(i, i + 32))
        if (!canary) continue
        // A base64 hit is reported (and redacted) as the whole encoded run.
        out.push(run ? { canary, index: run.index, length: run.length, form } : { canary, index: m.index + i, length: 32, form })
      }
    }
  }

  return function find(text) {
    const out = []
    hexHits(text, 'raw', undefined, out)
    for (const c of odd) {
      for (const [form, needle] of [
        ['raw', c],
        ['base64', Buffer.from(c).toString('base64')],
        ['url', encodeURIComponent(c)],
      ]) {
        const i = text.indexOf(needle)
        if (i >= 0) out.push({ canary: c, index: i, length: needle.length, form })
      }
    }
    for (const m of text.matchAll(b64Run)) {
      const run = m[0].replace(/-/g, '+').replace(/_/g, '/')
      for (let shift = 0; shift < 4; shift++) {
        const decoded = Buffer.from(run.slice(shift), 'base64').toString('latin1')
        hexHits(decoded, 'base64', { index: m.index, length: m[0].length }, out)
      }
    }
    return out
  }
}

function redactedContext(text, hit, canaries) {
  const before = text.slice(Math.max(0, hit.index - 40), hit.index)
  const after = text.slice(hit.index + hit.length, hit.index + hit.length + 40)
  let snippet = `${before}<${hit.form} ${hit.canary.slice(0, 6)}...${hit.canary.slice(-4)}>${after}`
  for (const c of canaries) {
    if (snippet.includes(c)) snippet = snippet.split(c).join(`<CANARY ${c.slice(0, 6)}...${c.slice(-4)}>`)
  }
  const tail = hit.canary.slice(-32)
  snippet = snippet.split(tail).join('<canary-tail>')
  return snippet.replace(/[\x00-\x1f\x7f]/g, ' ')
}

function* walk(dir) {
  let entries
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true })
  } catch {
    return
  }
  for (const e of entries) {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) yield* walk(p)
    else if (e.isFile()) yield p
  }
}

function scanSqlite(file) {
  const Database = require('better-sqlite3')
  const texts = []
  let db
  try {
    db = new Database(file, { readonly: true, fileMustExist: true })
    db.pragma('schema_version')
  } catch {
    db?.close()
    try {
      db = new Database(`file:${file}?immutable=1`, { readonly: true, fileMustExist: true })
    } catch (err) {
      return { error: String(err?.code ?? err) }
    }
  }
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()
    for (const { name } of tables) {
      const cols = db
        .prepare(`SELECT name FROM pragma_table_info(?)`)
        .all(name)
        .map((c) => c.name)
        .filter((c) => !SECRET_COLUMNS.has(`${name}.${c}`))
      if (cols.length === 0) continue
      const q = `SELECT ${cols.map((c) => `"${c.replace(/"/g, '""')}"`).join(', ')} FROM "${name.replace(/"/g, '""')}"`
      for (const row of db.prepare(q).raw().iterate()) {
        row.forEach((v, i) => {
          if (typeof v === 'string') texts.push({ where: `${name}.${cols[i]}`, text: v })
          else if (Buffer.isBuffer(v)) texts.push({ where: `${name}.${cols[i]}`, text: v.toString('latin1') })
        })
      }
    }
    return { texts }
  } catch (err) {
    return { error: String(err?.code ?? err?.message ?? err) }
  } finally {
    db.close()
  }
}

function main() {
  const args = parseArgs(process.argv.slice(2))
  const started = Date.now()
  const canaries = loadCanaries(args.dir)
  const allCanaries = [...canaries.byTail.values(), ...canaries.odd]
  const find = createFinder(canaries)
  const inputs = loadInputs(args.dir)
  const hits = []
  const stats = { files: 0, bytes: 0, sqlite: 0, skipped: {}, unreadable: [] }
  const skip = (why) => {
    stats.skipped[why] = (stats.skipped[why] ?? 0) + 1
  }

  const check = (label, text, allowed = new Set()) => {
    stats.bytes += text.length
    const seen = new Set()
    for (const h of find(text)) {
      const key = `${h.canary}|${h.index}|${h.form}`
      if (allowed.has(h.canary) || seen.has(key)) continue
      seen.add(key)
      hits.push({ file: label, form: h.form, context: redactedContext(text, h, allCanaries) })
    }
  }
  const readText = (file) => {
    const size = fs.statSync(file).size
    const fd = fs.openSync(file, 'r')
    try {
      const buf = Buffer.alloc(Math.min(size, MAX_FILE_BYTES))
      fs.readSync(fd, buf, 0, buf.length, 0)
      return buf.toString('latin1')
    } finally {
      fs.closeSync(fd)
    }
  }

  // 1. Captured outputs and extra files: strict.
  const artifacts = path.join(args.dir, 'artifacts')
  const outputFiles = [...(fs.existsSync(artifacts) ? walk(artifacts) : []), ...args.extra]
  for (const file of outputFiles) {
    if (!fs.existsSync(file)) continue
    stats.files++
    check(file, readText(file).replace(ANSI, ''))
  }

  // 2. State dirs (live ones and snapshots of deleted ones).
  const dirs = new Map()
  for (const d of readLines(path.join(args.dir, 'state-dirs'))) dirs.set(d, d)
  const snaps = path.join(args.dir, 'snapshots')
  if (fs.existsSync(snaps)) {
    for (const s of fs.readdirSync(snaps)) {
      const src = path.join(snaps, s, 'source.txt')
      const copy = path.join(snaps, s, 'state')
      if (fs.existsSync(src) && fs.existsSync(copy)) dirs.set(copy, fs.readFileSync(src, 'utf8').trim())
    }
  }
  const allowedFor = (original) => {
    const out = new Set()
    for (const [p, set] of inputs) {
      // A declared file covers its backups and temp copies (openclaw.json.bak.2, ...).
      if (original === p || original.startsWith(`${p}.`)) for (const c of set) out.add(c)
    }
    return out
  }
  for (const [dir, original] of dirs) {
    if (!fs.existsSync(dir)) continue
    for (const file of walk(dir)) {
      const rel = path.relative(dir, file)
      const asOriginal = path.join(original, rel)
      const base = path.basename(file)
      if (/\.corrupt-/.test(base)) {
        skip('moved-aside store (raw bytes hold the secret column)')
        continue
      }
      if (/-(wal|shm|journal)$/.test(base)) {
        skip('sqlite companion file')
        continue
      }
      if (base === '.env' || base.endsWith('.env')) {
        skip('.env (input)')
        continue
      }
      if (LEGACY_CREDENTIAL_FILE.test(base)) {
        skip('legacy OpenClaw credential file or its archive (import input)')
        continue
      }
      stats.files++
      if (SQLITE_FILE.test(base)) {
        stats.sqlite++
        const r = scanSqlite(file)
        if (r.error) {
          stats.unreadable.push(`${file}: ${r.error}`)
          continue
        }
        for (const t of r.texts) check(`${file} [${t.where}]`, t.text)
        continue
      }
      check(file, readText(file), allowedFor(asOriginal))
    }
  }

  const summary = {
    canaries: allCanaries.length,
    stateDirs: dirs.size,
    ...stats,
    hits: hits.length,
    ms: Date.now() - started,
  }
  if (args.summary) fs.writeFileSync(args.summary, `${JSON.stringify({ ...summary, details: hits }, null, 2)}\n`)
  const seen = new Set()
  for (const h of hits) {
    const key = `${h.file}|${h.context}`
    if (seen.has(key)) continue
    seen.add(key)
    console.log(`CANARY LEAK (${h.form}) in ${h.file}\n    ...${h.context}...`)
  }
  console.log(
    `canary scan: ${summary.canaries} canaries, ${summary.files} files (${summary.sqlite} sqlite) in ` +
      `artifacts + ${summary.stateDirs} state dirs, ${(summary.bytes / 1e6).toFixed(1)} MB, ` +
      `${summary.hits} hit(s), ${summary.ms} ms` +
      `; skipped: ${JSON.stringify(stats.skipped)}` +
      (stats.unreadable.length ? `; unreadable: ${stats.unreadable.join(', ')}` : ''),
  )
  return hits.length > 0 ? 1 : 0
}

try {
  process.exitCode = main()
} catch (err) {
  console.error(`canary scan failed: ${err?.stack ?? err}`)
  process.exitCode = 2
}
