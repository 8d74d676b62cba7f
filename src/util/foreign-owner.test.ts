import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { agentCredentialPaths, chownCommand, foreignOwned, foreignOwnerMessage } from './foreign-owner.ts'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

describe('foreignOwned', () => {
  it('lists the existing paths whose owner is not the given uid, each once', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openclaw-owner-'))
    dirs.push(dir)
    const file = path.join(dir, 'openclaw-agent.sqlite')
    fs.writeFileSync(file, '')
    const owner = fs.statSync(file).uid
    const paths = [
      { path: dir, what: 'state dir' },
      { path: file, what: 'credential store' },
      { path: file, what: 'credential store' },
      { path: path.join(dir, 'missing.json'), what: 'config' },
    ]
    expect(foreignOwned(paths, owner)).toEqual([])
    expect(foreignOwned(paths, owner + 1)).toEqual([
      { path: dir, what: 'state dir', uid: owner },
      { path: file, what: 'credential store', uid: owner },
    ])
  })

  it('the message names the path, both uids and the fix, quoting odd paths for the shell', () => {
    const f = { path: "/home/a b/it's", what: 'state dir', uid: 0 }
    expect(chownCommand(f.path, 1000)).toBe(`sudo chown -R 1000 '/home/a b/it'\\''s'`)
    expect(foreignOwnerMessage(f, 1000)).toBe(
      `state dir /home/a b/it's is owned by uid 0, not by you (uid 1000): openclaw does not change its mode, and that user can read or replace the credentials in it (a \`sudo openclaw\` run leaves such files behind). Fix: sudo chown -R 1000 '/home/a b/it'\\''s', or run openclaw as uid 0.`,
    )
  })

  it('an agent is checked at its state dir, config, agent dir and store', () => {
    expect(
      agentCredentialPaths({
        stateDir: '/s',
        configPath: '/s/openclaw.json',
        agentDir: '/s/a',
        storePath: '/s/a/x',
      }).map((p) => `${p.what}: ${p.path}`),
    ).toEqual(['state dir: /s', 'config: /s/openclaw.json', 'agent dir: /s/a', 'credential store: /s/a/x'])
  })
})
