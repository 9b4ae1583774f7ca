// Inspects an existing database file's 100-byte header before SQLite touches it, so that garbage,
// truncated files and databases from a newer studio are refused without writing a byte.
// Header layout: https://www.sqlite.org/fileformat.html#the_database_header
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs'
import { workspaceCompanions } from './companions'
import { WorkspaceOpenError } from './errors'

const MAGIC = 'SQLite format 3\u0000'
const HEADER_BYTES = 100

export interface HeaderFacts {
  /** false for a missing file, or a zero-length one in a fresh folder, which SQLite initialises as a new database. */
  exists: boolean
  userVersion: number
}

export function inspectDatabaseFile(file: string): HeaderFacts {
  if (!existsSync(file)) return { exists: false, userVersion: 0 }
  let size: number
  try {
    const st = statSync(file)
    if (!st.isFile()) throw new WorkspaceOpenError('unreadable', file, 'the path is not a regular file')
    size = st.size
  } catch (err) {
    if (err instanceof WorkspaceOpenError) throw err
    throw new WorkspaceOpenError('unreadable', file, (err as Error).message, { cause: err })
  }
  if (size === 0) {
    const companions = workspaceCompanions(file)
    if (companions.length === 0) return { exists: false, userVersion: 0 }
    throw new WorkspaceOpenError(
      'truncated',
      file,
      `the database file is empty (0 bytes), but the folder holds this workspace's other files (${companions.join(', ')}), so it was emptied or cut short; restore it from a backup (the file was not changed)`
    )
  }

  const header = readHead(file, Math.min(size, HEADER_BYTES))
  if (header.subarray(0, 16).toString('latin1') !== MAGIC) {
    throw new WorkspaceOpenError('not_a_database', file, 'the file is not a SQLite database (wrong header)')
  }
  if (size < HEADER_BYTES) {
    throw new WorkspaceOpenError('truncated', file, `the file is truncated (${size} bytes, shorter than the 100-byte header)`)
  }
  const rawPageSize = header.readUInt16BE(16)
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
    throw new WorkspaceOpenError('not_a_database', file, `the header names an impossible page size (${rawPageSize})`)
  }
  if (size % pageSize !== 0) {
    throw new WorkspaceOpenError('truncated', file, `the file is truncated (${size} bytes is not a whole number of ${pageSize}-byte pages)`)
  }
  // The in-header page count is trustworthy only when its "version-valid-for" matches the change
  // counter. A WAL file may legitimately hold pages beyond the main file's end.
  const changeCounter = header.readUInt32BE(24)
  const pageCount = header.readUInt32BE(28)
  const validFor = header.readUInt32BE(92)
  if (pageCount > 0 && validFor === changeCounter && pageCount * pageSize > size && !existsSync(`${file}-wal`)) {
    throw new WorkspaceOpenError('truncated', file, `the file is truncated (${size / pageSize} of ${pageCount} pages present)`)
  }
  return { exists: true, userVersion: header.readUInt32BE(60) }
}

function readHead(file: string, length: number): Buffer {
  const buf = Buffer.alloc(length)
  let fd: number | undefined
  try {
    fd = openSync(file, 'r')
    readSync(fd, buf, 0, length, 0)
    return buf
  } catch (err) {
    throw new WorkspaceOpenError('unreadable', file, (err as Error).message, { cause: err })
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}
