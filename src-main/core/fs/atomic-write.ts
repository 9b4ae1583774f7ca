// Writing a file so that it appears under its final name only when complete: the bytes go to a
// temporary file beside it, which is renamed over the final name (rename is atomic within a folder).
// A kill mid-write therefore leaves the old file or none, never half of a new one.
import { closeSync, copyFileSync, fsyncSync, linkSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { copyFile, rename, rm, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'

/**
 * `<path>.<pid>.<random>.tmp`: unique per writer, so two writers of the same file never share a temp
 * file, and the pid lets a later run tell a dead writer's leftovers from a live one's
 * (see removeStaleThumbnailTemps in src-main/core/features/import/image-file.ts).
 */
export function atomicTempPath(path: string): string {
  return `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
}

/** Fills a fresh temp file beside `path`, then renames it onto `path`; the temp file never outlives a failure. */
async function viaTempFile(path: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = atomicTempPath(path)
  try {
    await fill(tmp)
    await rename(tmp, path)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
}

export function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  return viaTempFile(path, (tmp) => writeFile(tmp, data))
}

/** Copies `source` to `dest` so that `dest` appears only complete (a large checkpoint is never half there). */
export function copyFileAtomic(source: string, dest: string): Promise<void> {
  return viaTempFile(dest, (tmp) => copyFile(source, tmp))
}

export function copyFileAtomicSync(source: string, dest: string): void {
  const tmp = atomicTempPath(dest)
  try {
    copyFileSync(source, tmp)
    renameSync(tmp, dest)
  } catch (err) {
    rmSync(tmp, { force: true })
    throw err
  }
}

export interface AtomicWriteOptions {
  /**
   * fsync the file before the rename and its folder after it, so the new file also survives a power
   * loss (checkpoints need this; files that can be regenerated do not pay for it).
   */
  durable?: boolean
  /** Permission bits of the new file (default 0o644); 0o600 for secrets such as tokens. */
  mode?: number
  /**
   * Never replace an existing file: the complete temp file is hard-linked to the final name, which
   * fails with EEXIST when the name is taken (write-once records).
   */
  exclusive?: boolean
}

export function writeFileAtomicSync(path: string, content: string | Uint8Array, opts: AtomicWriteOptions = {}): void {
  const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content
  const tmp = atomicTempPath(path)
  try {
    const fd = openSync(tmp, 'w', opts.mode ?? 0o644)
    try {
      let off = 0
      while (off < data.length) off += writeSync(fd, data, off, data.length - off)
      if (opts.durable) fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    if (opts.exclusive) {
      linkSync(tmp, path)
      rmSync(tmp, { force: true })
    } else {
      renameSync(tmp, path)
    }
  } catch (err) {
    rmSync(tmp, { force: true })
    throw err
  }
  // Persist the rename itself. Directories cannot be opened for fsync on Windows; skip there.
  if (opts.durable && process.platform !== 'win32') {
    const dirFd = openSync(dirname(path), 'r')
    try {
      fsyncSync(dirFd)
    } finally {
      closeSync(dirFd)
    }
  }
}
