/**
 * `require` for CommonJS packages and builtins loaded on first use. Preferred over a dynamic
 * `import()` of them: the CLI bundle is CommonJS with a V8 code cache (src/cli/compile-cache.ts),
 * and a cached script cannot run `import()` on Node 20 without experimental flags.
 */
import { createRequire } from 'node:module'

export const lazyRequire: NodeJS.Require = createRequire(import.meta.url)
