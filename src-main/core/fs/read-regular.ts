// Reads a file that came from a user or a dataset (a sidecar, a CSV manifest, a classifier mapping,
// a checkpoint) only when it is a regular file, and never more than a fixed number of bytes.
//
// Why not stat-then-readFile: a FIFO named `x.json` blocks readFileSync forever (the whole process
// hangs), a symlink to /dev/zero reports size 0 and then reads without end, and the file can be
// swapped between the stat and the read. So the file is opened with O_NONBLOCK (opening a FIFO
// returns at once instead of waiting for a writer) and O_NOFOLLOW (a symlink swapped in after the
// caller resolved the path is refused), the *open descriptor* is checked with fstat, and the read
// stops one byte past the limit whatever the size claimed.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs'
import { open } from 'node:fs/promises'

/** The file was refused; the message names the file's kind or size, never its content. */
export class FileRefusedError extends Error {
  override readonly name = 'FileRefusedError'
}

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW

/** What a non-regular file is, in words ("a FIFO (named pipe)", "a device"). */
export function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder'
  if (st.isFIFO()) return 'a FIFO (named pipe)'
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device'
  if (st.isSocket()) return 'a socket'
  if (st.isSymbolicLink()) return 'a symbolic link'
  return 'not a regular file'
}

/** Throws unless `st` is a regular file of at most `maxBytes`. */
export function assertRegularWithin(st: Stats, maxBytes: number): void {
  if (!st.isFile()) throw new FileRefusedError(`not a regular file (it is ${kindOf(st)})`)
  if (st.size > maxBytes) throw new FileRefusedError(`file is ${formatLimit(st.size)}, over the ${formatLimit(maxBytes)} limit`)
}

function openError(err: unknown): FileRefusedError {
  const code = (err as NodeJS.ErrnoException).code
  // O_NOFOLLOW on a symlink fails with ELOOP; a socket cannot be opened (ENXIO).
  if (code === 'ELOOP') return new FileRefusedError('the file is a symbolic link (give the file itself)')
  if (code === 'ENXIO') return new FileRefusedError('not a regular file (it is a socket or a device)')
  return new FileRefusedError(`cannot open file (${code ?? 'error'})`)
}

/**
 * Collects chunks, refusing once more than `maxBytes` arrived: reads ask for one byte past the limit,
 * so a file that grows after fstat (or a device that never ends) is still stopped.
 */
function cappedCollector(maxBytes: number) {
  const buf = Buffer.alloc(Math.min(maxBytes + 1, 64 * 1024))
  const parts: Buffer[] = []
  let total = 0
  return {
    buf,
    /** Takes the `n` bytes just read into `buf`; false at end of file. */
    take(n: number): boolean {
      if (n === 0) return false
      total += n
      if (total > maxBytes) throw new FileRefusedError(`file is over the ${formatLimit(maxBytes)} limit (it grew while being read)`)
      parts.push(Buffer.from(buf.subarray(0, n)))
      return true
    },
    result: (): Buffer => Buffer.concat(parts, total)
  }
}

/** Reads `file` (a real path: symlinks are refused) as bytes, off the event loop. */
export async function readRegularFile(file: string, maxBytes: number): Promise<Buffer> {
  let handle
  try {
    handle = await open(file, OPEN_FLAGS)
  } catch (err) {
    throw openError(err)
  }
  try {
    assertRegularWithin(await handle.stat(), maxBytes)
    const c = cappedCollector(maxBytes)
    while (c.take((await handle.read(c.buf, 0, c.buf.length, null)).bytesRead));
    return c.result()
  } finally {
    await handle.close()
  }
}

/** The synchronous twin, for small owner-supplied files read inside a request (a classifier mapping). */
export function readRegularFileSync(file: string, maxBytes: number): Buffer {
  let fd: number
  try {
    fd = openSync(file, OPEN_FLAGS)
  } catch (err) {
    throw openError(err)
  }
  try {
    assertRegularWithin(fstatSync(fd), maxBytes)
    const c = cappedCollector(maxBytes)
    while (c.take(readSync(fd, c.buf, 0, c.buf.length, null)));
    return c.result()
  } finally {
    closeSync(fd)
  }
}

export function formatLimit(n: number): string {
  if (n >= 1024 * 1024) return `${+(n / (1024 * 1024)).toFixed(1)} MB`
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KB`
  return `${n} bytes`
}
