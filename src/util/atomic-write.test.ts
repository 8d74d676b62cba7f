import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { resolveWriteTarget, writeFileAtomic } from './atomic-write.ts'

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'oc-atomic-'))
}

describe('writeFileAtomic', () => {
  it('creates a new file with mode 0600 and leaves no temp files', () => {
    const dir = tmpDir()
    const file = path.join(dir, 'a.json')
    writeFileAtomic(file, 'hello\n')
    expect(fs.readFileSync(file, 'utf8')).toBe('hello\n')
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    expect(fs.readdirSync(dir)).toEqual(['a.json'])
  })

  it('replaces an existing file (new inode) and applies the requested mode', () => {
    const dir = tmpDir()
    const file = path.join(dir, 'a.json')
    fs.writeFileSync(file, 'old', { mode: 0o644 })
    const before = fs.statSync(file).ino
    writeFileAtomic(file, Buffer.from('new'), { mode: 0o640 })
    expect(fs.readFileSync(file, 'utf8')).toBe('new')
    expect(fs.statSync(file).mode & 0o777).toBe(0o640)
    expect(fs.statSync(file).ino).not.toBe(before)
  })

  it('on failure removes the temp file, keeps the old content and rethrows', () => {
    const dir = tmpDir()
    const target = path.join(dir, 'target')
    // Renaming a file over a non-empty directory fails after the temp file was written.
    fs.mkdirSync(target)
    fs.writeFileSync(path.join(target, 'keep'), 'x')
    expect(() => writeFileAtomic(target, 'data')).toThrow()
    expect(fs.readdirSync(dir)).toEqual(['target'])
    expect(fs.readFileSync(path.join(target, 'keep'), 'utf8')).toBe('x')
  })

  it('fails cleanly when the directory does not exist', () => {
    const dir = tmpDir()
    expect(() => writeFileAtomic(path.join(dir, 'missing', 'f'), 'x')).toThrow(/ENOENT/)
    expect(fs.readdirSync(dir)).toEqual([])
  })

  it('writes through a symlink (also a dangling one) instead of replacing the link', () => {
    const dir = tmpDir()
    const real = path.join(dir, 'real.json')
    const link = path.join(dir, 'link.json')
    fs.symlinkSync('real.json', link)
    expect(resolveWriteTarget(link)).toBe(real)
    writeFileAtomic(link, 'one')
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true)
    expect(fs.readFileSync(real, 'utf8')).toBe('one')
    writeFileAtomic(link, 'two')
    expect(fs.readFileSync(link, 'utf8')).toBe('two')
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true)
  })

  it('refuses a symlink loop', () => {
    const dir = tmpDir()
    fs.symlinkSync('b', path.join(dir, 'a'))
    fs.symlinkSync('a', path.join(dir, 'b'))
    expect(() => writeFileAtomic(path.join(dir, 'a'), 'x')).toThrow(/symbolic links/)
  })
})
