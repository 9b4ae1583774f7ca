// The one atomic write (core/fs/atomic-write.ts): text and bytes, and the atomic copy, leave either
// the complete file or nothing under the final name, and no temporary file behind.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { copyFileAtomic, copyFileAtomicSync, writeFileAtomicSync } from '../../src-main/core/fs/atomic-write'

describe('atomic write', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'atomic-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('writes text as UTF-8 and bytes as they are, replacing the old file', () => {
    const file = join(dir, 'state.json')
    writeFileAtomicSync(file, 'old')
    writeFileAtomicSync(file, '{"name":"Ärztin"}\n')
    expect(readFileSync(file, 'utf8')).toBe('{"name":"Ärztin"}\n')
    writeFileAtomicSync(file, new Uint8Array([1, 2, 3]))
    expect([...readFileSync(file)]).toEqual([1, 2, 3])
    expect(readdirSync(dir)).toEqual(['state.json'])
  })

  it('copies a file whole, synchronously and asynchronously', async () => {
    const source = join(dir, 'model.ckpt')
    writeFileSync(source, Buffer.alloc(100_000, 7))
    copyFileAtomicSync(source, join(dir, 'a.ckpt'))
    await copyFileAtomic(source, join(dir, 'b.ckpt'))
    expect(readFileSync(join(dir, 'a.ckpt')).equals(readFileSync(source))).toBe(true)
    expect(readFileSync(join(dir, 'b.ckpt')).equals(readFileSync(source))).toBe(true)
    expect(readdirSync(dir).sort()).toEqual(['a.ckpt', 'b.ckpt', 'model.ckpt'])
  })

  it('a failed copy leaves neither the final name nor a temporary file', async () => {
    expect(() => copyFileAtomicSync(join(dir, 'missing.ckpt'), join(dir, 'a.ckpt'))).toThrow(/ENOENT/)
    await expect(copyFileAtomic(join(dir, 'missing.ckpt'), join(dir, 'b.ckpt'))).rejects.toThrow(/ENOENT/)
    expect(readdirSync(dir)).toEqual([])
  })
})
