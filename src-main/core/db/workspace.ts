// An open workspace: the connection plus lifecycle helpers. Repositories hang off it so every part
// of the app shares one connection and one set of prepared statements.
import type Database from 'better-sqlite3'
import { removeMarker } from './marker'

export interface CheckpointResult {
  /** 1 when a reader or writer prevented a full checkpoint. */
  busy: number
  /** Frames in the WAL before the checkpoint, and how many were copied into the database. */
  log: number
  checkpointed: number
}

export interface Workspace {
  readonly file: string
  readonly db: Database.Database
  /** True when this open found the previous session's marker and ran quick_check (which passed). */
  readonly recoveredFromUncleanExit: boolean
  /** Copies the WAL into the database and truncates it, so the -wal file cannot grow unbounded. */
  checkpoint(): CheckpointResult
  /** Full `PRAGMA integrity_check`; returns ['ok'] when sound. */
  integrityCheck(): string[]
  /** Closes the connection and removes the unclean-exit marker. Safe to call twice. */
  close(): void
}

export function createWorkspace(db: Database.Database, file: string, info: { recoveredFromUncleanExit: boolean }): Workspace {
  let closed = false
  return {
    file,
    db,
    recoveredFromUncleanExit: info.recoveredFromUncleanExit,
    checkpoint: () => checkpointTruncate(db),
    integrityCheck: () => (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check),
    close() {
      if (closed) return
      closed = true
      db.close()
      removeMarker(file)
    }
  }
}

export function checkpointTruncate(db: Database.Database): CheckpointResult {
  const [row] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number; log: number; checkpointed: number }>
  return { busy: row.busy, log: row.log, checkpointed: row.checkpointed }
}
