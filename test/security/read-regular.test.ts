// fs/read-regular: the one way user- and dataset-supplied files are read (issue 11, findings 1 and 7).
// Real special files: a FIFO made with mkfifo (opening it without O_NONBLOCK blocks forever), the
// /dev/zero device (reports size 0, then never ends) and a symlink to it.
import { execFileSync } from 'node:child_process'
import { symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FileRefusedError, readRegularFile, readRegularFileSync } from '../../src-main/core/fs/read-regular'
import { tempDir } from '../store/helpers'

let tmp: ReturnType<typeof tempDir>
beforeAll(() => {
  tmp = tempDir('read-regular-')
  writeFileSync(path.join(tmp.dir, 'small.json'), '{"a":1}')
  writeFileSync(path.join(tmp.dir, 'big.bin'), Buffer.alloc(5000))
  execFileSync('mkfifo', [path.join(tmp.dir, 'pipe.json')])
  symlinkSync('/dev/zero', path.join(tmp.dir, 'zero.json'))
})
afterAll(() => tmp.cleanup())

const readers = [
  ['async', (f: string, max: number) => readRegularFile(f, max)],
  ['sync', async (f: string, max: number) => readRegularFileSync(f, max)]
] as const

describe.each(readers)('readRegularFile (%s)', (_name, read) => {
  it('reads a small regular file', async () => {
    expect((await read(path.join(tmp.dir, 'small.json'), 100)).toString()).toBe('{"a":1}')
  })
  it('refuses a FIFO at once instead of waiting for a writer', async () => {
    await expect(read(path.join(tmp.dir, 'pipe.json'), 100)).rejects.toThrow(/not a regular file \(it is a FIFO/)
  })
  it('refuses /dev/zero (a device) without reading it', async () => {
    await expect(read('/dev/zero', 100)).rejects.toThrow(/not a regular file \(it is a device\)/)
  })
  it('refuses a symlink to /dev/zero (the caller resolves links it trusts first)', async () => {
    await expect(read(path.join(tmp.dir, 'zero.json'), 100)).rejects.toThrow(FileRefusedError)
  })
  it('refuses a file over the limit, naming the limit', async () => {
    await expect(read(path.join(tmp.dir, 'big.bin'), 1000)).rejects.toThrow(/over the 1000 bytes limit/)
  })
})
