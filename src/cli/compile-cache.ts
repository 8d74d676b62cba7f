/**
 * A V8 code cache for the CLI bundle and the packages it requires, so a CLI start does not
 * compile the same JavaScript again (about a quarter of `models status --check` here). Node 22
 * has this built in (`module.enableCompileCache`); Node 20 does not, so the launcher installs
 * this hook before it loads the bundle.
 *
 * Code cache is executable bytecode: it is only read from a directory that is ours alone (mode
 * 0700, our uid), each entry is keyed by the file's size, mtime and inode (V8 itself only checks
 * the source length), and anything odd (unreadable, rejected by V8, unwritable dir) silently
 * falls back to a normal compile. Set OPENCLAW_COMPILE_CACHE=0 to turn it off.
 */
import fs from 'node:fs'
import Module from 'node:module'
import os from 'node:os'
import path from 'node:path'
import vm from 'node:vm'

export interface CompileCacheOptions {
  /** Only files under these directories are cached (the bundle, the package's node_modules). */
  roots: readonly string[]
  /** Where the cache lives; created 0700. */
  location: CacheLocation
  /** Write what was compiled this long after start, for processes that run for long (the gateway). */
  writeAfterMs?: number
}

type CompileFn = (this: Module, content: string, filename: string) => unknown

interface Pending {
  script: vm.Script
  file: string
  prefix: string
}

export interface CacheLocation {
  /** The configured (or default) cache directory; it and everything below must be private. */
  base: string
  /** The directory of this Node version and architecture, under `base`. */
  dir: string
}

/** `<XDG_CACHE_HOME or ~/.cache>/openclaw/v8/<node version>-<arch>`, or undefined when turned off. */
export function defaultCompileCacheDir(
  env: Readonly<Record<string, string | undefined>>,
): CacheLocation | undefined {
  if (env.OPENCLAW_COMPILE_CACHE === '0') return undefined
  const base =
    env.OPENCLAW_COMPILE_CACHE_DIR ||
    path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'openclaw', 'v8')
  return { base, dir: path.join(base, `${process.version}-${process.arch}`) }
}

/**
 * True when `loc.dir` exists (or was just made) and it and every directory up to `loc.base` are
 * ours and writable by nobody else: someone who can rename entries in a parent could swap in
 * bytecode of their own.
 */
export function privateDir(loc: CacheLocation): boolean {
  try {
    fs.mkdirSync(loc.dir, { recursive: true, mode: 0o700 })
    const uid = typeof process.getuid === 'function' ? process.getuid() : undefined
    const base = path.resolve(loc.base)
    for (let d = path.resolve(loc.dir); ; d = path.dirname(d)) {
      const st = fs.lstatSync(d)
      if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o022) !== 0) return false
      if (d === base || d === path.dirname(d)) return true
    }
  } catch {
    return false
  }
}

/** Installs the hook; returns false (and changes nothing) when the cache cannot be used safely. */
export function installCompileCache(opts: CompileCacheOptions): boolean {
  if (!privateDir(opts.location)) return false
  const dir = opts.location.dir
  const roots = opts.roots.map((r) => path.resolve(r) + path.sep)
  const proto = Module.prototype as unknown as { _compile: CompileFn }
  const original = proto._compile
  const pending: Pending[] = []
  proto._compile = function compileWithCache(content, filename) {
    const root = roots.find((r) => filename.startsWith(r))
    // A script compiled here cannot run import() on Node 20 without experimental flags, so code
    // that may (the onboarding wizard's ES-module-only prompts) is compiled the normal way.
    if (!root || content.includes('import(')) return original.call(this, content, filename)
    let entry: { file: string; prefix: string }
    try {
      entry = cacheEntry(dir, root, filename, content)
    } catch {
      return original.call(this, content, filename)
    }
    let cachedData: Buffer | undefined
    try {
      cachedData = fs.readFileSync(entry.file)
    } catch {
      // Not cached yet.
    }
    const script = new vm.Script(Module.wrap(content), { filename, ...(cachedData ? { cachedData } : {}) })
    if (!cachedData || script.cachedDataRejected) pending.push({ script, ...entry })
    const fn = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown
    return fn.call(this.exports, this.exports, requireFor(this), this, filename, path.dirname(filename))
  }
  const write = () => {
    // After execution the cache also holds the functions compiled lazily while the command ran.
    for (const p of pending.splice(0)) writeEntry(dir, p)
  }
  process.once('exit', write)
  if (opts.writeAfterMs !== undefined) setTimeout(write, opts.writeAfterMs).unref()
  return true
}

function cacheEntry(dir: string, root: string, filename: string, content: string) {
  const st = fs.statSync(filename)
  const rel = `${path.basename(root)}/${filename.slice(root.length)}`.replace(/[^A-Za-z0-9._-]/g, '_')
  const prefix = `${rel}@`
  const key = `${content.length}-${st.size}-${Math.floor(st.mtimeMs)}-${st.ino}`
  return { file: path.join(dir, `${prefix}${key}.bin`), prefix }
}

function writeEntry(dir: string, p: Pending): void {
  try {
    const data = p.script.createCachedData()
    const tmp = `${p.file}.${process.pid}.tmp`
    fs.writeFileSync(tmp, data, { mode: 0o600 })
    fs.renameSync(tmp, p.file)
    // Entries of older builds of the same file are dead weight.
    const base = path.basename(p.file)
    for (const f of fs.readdirSync(dir))
      if (f.startsWith(p.prefix) && f !== base) fs.rmSync(path.join(dir, f), { force: true })
  } catch {
    // A cache is an optimisation; failing to write one changes nothing else.
  }
}

/** What Node's own loader hands a CommonJS module as `require`. */
function requireFor(mod: Module): NodeJS.Require {
  const M = Module as unknown as {
    new (id: string, parent: Module): Module & { load(filename: string): void }
    _resolveFilename(request: string, parent: Module, isMain: boolean, options?: unknown): string
    _cache: NodeJS.Require['cache']
  }
  const dir = path.dirname(mod.filename)
  const req = ((id: string) => {
    // A sibling chunk of the bundle (`./name-hash.cjs`): its path is known, so skip Node's
    // resolution (stats, realpath, package.json lookups), a good share of a start's module
    // loading. Anything else goes the normal way.
    if (id.startsWith('./') && id.endsWith('.cjs') && id.indexOf('/', 2) === -1) {
      const file = path.join(dir, id.slice(2))
      const hit = M._cache[file]
      if (hit) return hit.exports
      const child = new M(file, mod)
      M._cache[file] = child
      try {
        child.load(file)
      } catch (err) {
        delete M._cache[file]
        throw err
      }
      return child.exports
    }
    return mod.require(id)
  }) as NodeJS.Require
  req.resolve = ((request: string, options?: { paths?: string[] }) =>
    M._resolveFilename(request, mod, false, options)) as NodeJS.RequireResolve
  req.cache = M._cache
  // process.mainModule, not require.main: this file is also compiled as an ES module (tsc).
  const main = (process as unknown as { mainModule?: NodeJS.Module }).mainModule
  if (main) req.main = main
  return req
}
