// Why a workspace could not be opened, in words a user can act on. The UI routes on `reason`
// (e.g. offer "restore from backup" for `corrupt`, "update the studio" for `future_version`).

export type WorkspaceOpenFailure =
  | 'not_a_database' // the file is not SQLite at all (garbage, another format)
  | 'truncated' // a SQLite header, but the file is shorter than it claims
  | 'future_version' // written by a newer studio; we refuse rather than guess
  | 'corrupt' // quick_check / integrity_check found damage
  | 'unreadable' // permissions, a directory, a missing parent folder, ...
  | 'migration_failed' // a migration threw; the transaction was rolled back

export class WorkspaceOpenError extends Error {
  override readonly name = 'WorkspaceOpenError'
  constructor(
    readonly reason: WorkspaceOpenFailure,
    readonly file: string,
    /** The problem alone, without the "Cannot open workspace <file>" prefix. */
    readonly detail: string,
    options?: { cause?: unknown }
  ) {
    super(`Cannot open workspace ${file}: ${detail}`, options)
  }
}

/** SQLite error codes better-sqlite3 attaches to its SqliteError. */
export function sqliteCode(err: unknown): string | undefined {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') {
    return (err as { code: string }).code
  }
  return undefined
}

/** Maps a raw SQLite failure during open to a WorkspaceOpenError; anything else passes through. */
export function classifyOpenError(err: unknown, file: string): unknown {
  if (err instanceof WorkspaceOpenError) return err
  const code = sqliteCode(err) ?? ''
  const message = err instanceof Error ? err.message : String(err)
  if (code.startsWith('SQLITE_NOTADB')) return new WorkspaceOpenError('not_a_database', file, `not a SQLite database (${message})`, { cause: err })
  if (code.startsWith('SQLITE_CORRUPT')) return new WorkspaceOpenError('corrupt', file, `the database is damaged (${message})`, { cause: err })
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_PERM') || code.startsWith('SQLITE_READONLY') || code === 'EACCES' || code === 'EISDIR' || code === 'ENOENT') {
    return new WorkspaceOpenError('unreadable', file, message, { cause: err })
  }
  return err
}
