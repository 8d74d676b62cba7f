/**
 * B-07 with real permissions: the state dir is chmod 0500 and owned by an unprivileged uid.
 * Root bypasses modes, so when the suite runs as root the checks run in a child process that
 * drops to uid/gid 65534; as a normal user the in-process variant in src/store/db.test.ts covers it.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { CredentialStore } from '../src/store/credential-store.ts'

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
const NOBODY = 65534
const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'workers', 'store-readonly-dir.mjs')
const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'openclaw-store-rodir-'))

afterAll(() => fs.rmSync(tmpRoot, { recursive: true, force: true }))

function chownTree(p: string): void {
  fs.chownSync(p, NOBODY, NOBODY)
  if (fs.statSync(p).isDirectory()) for (const f of fs.readdirSync(p)) chownTree(path.join(p, f))
}

function runAsNobody(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER, ...args], { uid: NOBODY, gid: NOBODY, stdio: 'pipe' })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c
    })
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
    child.on('error', reject)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

describe('store in a read-only state dir (as an unprivileged uid)', () => {
  it.runIf(isRoot)('writes fail with store_readonly naming the dir; reads still work', async () => {
    const agentDir = path.join(tmpRoot, 'agents', 'main', 'agent')
    const dbPath = path.join(agentDir, 'openclaw-agent.sqlite')
    const store = CredentialStore.open(dbPath)
    store.upsertProfile('openai:a', { type: 'api_key', provider: 'openai', key: 'sk-a' })
    store.close()
    chownTree(tmpRoot)
    fs.chmodSync(agentDir, 0o500)

    const run = await runAsNobody([dbPath])
    expect(run.code, run.stderr).toBe(0)
    const line = run.stdout.split('\n').find((l) => l.startsWith('result '))
    const result = JSON.parse(line?.slice('result '.length) ?? 'null')
    expect(result.write.code).toBe('store_readonly')
    expect(result.write.message).toContain(`state dir not writable: ${agentDir}`)
    expect(result.read).toEqual({ ok: ['openai:a'] })
    expect(fs.readdirSync(agentDir)).toEqual(['openclaw-agent.sqlite'])
  })
})
