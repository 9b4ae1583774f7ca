// Opens (creating if needed) a workspace database with the durability settings human decisions
// need, checks it after an unclean exit, and migrates it. Refusals (garbage, truncated, from a
// newer studio, damaged) raise WorkspaceOpenError and leave the file exactly as it was.
import { resolve } from 'node:path'
import Database from 'better-sqlite3'
import { backupBeforeMigration } from './backup'
import { listBackups } from './daily-backup'
import { classifyOpenError, WorkspaceOpenError } from './errors'
import { inspectDatabaseFile } from './header'
import { hadUncleanExit, writeMarker } from './marker'
import { FutureSchemaError, migrate, readUserVersion } from './migrate'
import { LATEST_SCHEMA_VERSION, migrations } from './migrations'
import { createWorkspace, type Workspace } from './workspace'

export type { Workspace } from './workspace'
export { WorkspaceOpenError } from './errors'

const BUSY_TIMEOUT_MS = 5000
/** How a user restores a workspace that does not open (src-main/cli/restore-workspace.ts). */
export const RESTORE_COMMAND = 'npm run restore-workspace -- --workspace <folder> [--backup latest|<file>]'

export function openWorkspace(file: string): Workspace {
  const path = resolve(file)
  try {
    return openChecked(path)
  } catch (err) {
    throw withWayOut(err, path)
  }
}

/** A damaged or cut-short workspace names its newest backup (daily or pre-upgrade) and how to restore it. */
function withWayOut(err: unknown, path: string): unknown {
  if (!(err instanceof WorkspaceOpenError) || (err.reason !== 'corrupt' && err.reason !== 'truncated')) return err
  const backup = listBackups(path)[0]
  if (!backup) return err
  const wayOut = `the newest backup is ${backup.file} (${backup.kind}, ${backup.takenAt}); restore it with: ${RESTORE_COMMAND} (the damaged files are kept aside)`
  return new WorkspaceOpenError(err.reason, err.file, `${err.detail}; ${wayOut}`, { cause: err })
}

function openChecked(path: string): Workspace {
  const header = inspectDatabaseFile(path)
  if (header.userVersion > LATEST_SCHEMA_VERSION) throw futureVersion(path, header.userVersion)

  let db: Database.Database
  try {
    db = new Database(path, { timeout: BUSY_TIMEOUT_MS })
  } catch (err) {
    throw classifyOpenError(err, path)
  }
  try {
    // Read-only probes first: nothing below may write until we know the file is ours and sound.
    const version = readUserVersion(db)
    if (version > LATEST_SCHEMA_VERSION) throw futureVersion(path, version)
    const recoveredFromUncleanExit = hadUncleanExit(path)
    // At every open, not only after a crash: damage done while the studio was closed (a disk
    // error, another program) is found here, with a clear message, rather than by a failing query later.
    if (header.exists) assertQuickCheck(db, path, recoveredFromUncleanExit)

    const mode = db.pragma('journal_mode = WAL', { simple: true })
    if (mode !== 'wal') throw new WorkspaceOpenError('unreadable', path, `could not switch to WAL journal mode (got ${String(mode)})`)
    // FULL: a decision acknowledged to an annotator survives power loss, not just a crash.
    db.pragma('synchronous = FULL')
    db.pragma('foreign_keys = ON')
    // An upgrade of a workspace in use first leaves a copy of it as it was (the way out if the
    // migration, or damage found later, goes wrong); a new workspace has nothing to keep.
    if (header.exists && version > 0 && version < LATEST_SCHEMA_VERSION) backupBeforeMigration(db, path, version)
    try {
      migrate(db, migrations)
    } catch (err) {
      if (err instanceof FutureSchemaError) throw futureVersion(path, err.found)
      const wrapped = classifyOpenError(err, path)
      if (wrapped !== err) throw wrapped
      throw new WorkspaceOpenError('migration_failed', path, `schema migration failed and was rolled back: ${(err as Error).message}`, { cause: err })
    }
    writeMarker(path)
    return createWorkspace(db, path, { recoveredFromUncleanExit })
  } catch (err) {
    db.close()
    throw classifyOpenError(err, path)
  }
}

function futureVersion(path: string, found: number): WorkspaceOpenError {
  return new WorkspaceOpenError(
    'future_version',
    path,
    `it has schema version ${found}, but this studio knows only up to ${LATEST_SCHEMA_VERSION}; it was written by a newer PopAlign Studio (update the studio; the file was not changed)`
  )
}

function assertQuickCheck(db: Database.Database, path: string, afterCrash: boolean): void {
  const rows = db.pragma('quick_check') as Array<{ quick_check: string }>
  const problems = rows.map((r) => r.quick_check).filter((r) => r !== 'ok')
  if (problems.length > 0) {
    const when = afterCrash ? 'the previous session ended uncleanly and ' : ''
    throw new WorkspaceOpenError('corrupt', path, `${when}quick_check found damage: ${problems.slice(0, 5).join('; ')}`)
  }
}
