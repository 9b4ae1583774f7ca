// A file that appears under its final name only when complete: bytes go to a hidden temporary file
// next to it, which is flushed to disk and renamed over the final name on commit (rename is atomic
// within a folder). A crash or a cancel therefore never leaves a half-written export under the name
// the owner chose; abort() removes the temporary file, and a crashed one is overwritten on resume.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'

export interface AtomicFile {
  readonly tempPath: string
  write(chunk: Uint8Array | string): void
  /** Flushes, closes and renames onto the final path. */
  commit(): void
  /** Closes and deletes the temporary file; the final path is left untouched. Safe to call twice. */
  abort(): void
}

export function tempPathFor(finalPath: string, tag: string): string {
  return join(dirname(finalPath), `.${basename(finalPath)}.partial-${tag}`)
}

export function openAtomicFile(finalPath: string, tag: string): AtomicFile {
  const tempPath = tempPathFor(finalPath, tag)
  // 'w' truncates a leftover from a crashed run of the same job.
  let fd: number | null = openSync(tempPath, 'w', 0o644)
  const close = (): void => {
    if (fd !== null) closeSync(fd)
    fd = null
  }
  return {
    tempPath,
    write(chunk) {
      if (fd === null) throw new Error('the export file is already closed')
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk
      let offset = 0
      while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset)
    },
    commit() {
      if (fd === null) throw new Error('the export file is already closed')
      fsyncSync(fd)
      close()
      renameSync(tempPath, finalPath)
    },
    abort() {
      close()
      rmSync(tempPath, { force: true })
    }
  }
}
