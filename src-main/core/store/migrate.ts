// Brings a database up to the latest schema: every pending migration runs inside ONE immediate
// transaction together with the user_version bump, so a crash mid-way leaves the old schema intact.
import type BetterSqlite3 from 'better-sqlite3'
import type { Migration } from './migrations'

export class FutureSchemaError extends Error {
  constructor(
    readonly found: number,
    readonly known: number
  ) {
    super(`the database has schema version ${found}, but this studio only knows up to ${known}; it was written by a newer version of PopAlign Studio`)
  }
}

export function readUserVersion(db: BetterSqlite3.Database): number {
  return db.pragma('user_version', { simple: true }) as number
}

/** Applies pending migrations; returns the versions applied (empty when already current). */
export function migrate(db: BetterSqlite3.Database, all: readonly Migration[]): number[] {
  assertContiguous(all)
  const known = all.length
  const run = db.transaction(() => {
    // Re-read inside the write lock: another process may have migrated meanwhile.
    const current = readUserVersion(db)
    if (current > known) throw new FutureSchemaError(current, known)
    const pending = all.filter((m) => m.version > current)
    for (const m of pending) m.up(db)
    if (pending.length > 0) db.pragma(`user_version = ${known}`)
    return pending.map((m) => m.version)
  })
  return run.immediate()
}

function assertContiguous(all: readonly Migration[]): void {
  all.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list is out of order: position ${i + 1} holds version ${m.version} (${m.name})`)
  })
}
