// An open workspace: one connection, its repositories (one per aggregate, prepared statements
// made once), and lifecycle helpers.
import { dirname, join } from 'node:path'
import type Database from 'better-sqlite3'
import { removeMarker } from './marker'
import { annotatorsRepo } from './repos/annotators'
import { axesRepo } from './repos/axes'
import { imagesRepo } from './repos/images'
import { importFilesRepo } from './repos/import-files'
import { jobsRepo } from './repos/jobs'
import { judgementsRepo } from './repos/judgements'
import { projectCountsRepo } from './repos/project-counts'
import { projectsRepo } from './repos/projects'
import { promptsRepo } from './repos/prompts'
import { pairsRepo, setsRepo } from './repos/sets'
import { tokensRepo } from './repos/tokens'

export interface CheckpointResult {
  /** 1 when a reader or writer prevented a full checkpoint. */
  busy: number
  /** Frames in the WAL before the checkpoint, and how many were copied into the database. */
  log: number
  checkpointed: number
}

export function workspaceRepos(db: Database.Database, thumbDir: string) {
  return {
    projects: projectsRepo(db),
    projectCounts: projectCountsRepo(db),
    prompts: promptsRepo(db),
    axes: axesRepo(db),
    images: imagesRepo(db, thumbDir),
    sets: setsRepo(db),
    pairs: pairsRepo(db),
    annotators: annotatorsRepo(db),
    tokens: tokensRepo(db),
    judgements: judgementsRepo(db),
    jobs: jobsRepo(db),
    importFiles: importFilesRepo(db)
  }
}
export type WorkspaceRepos = ReturnType<typeof workspaceRepos>

export interface Workspace extends WorkspaceRepos {
  readonly file: string
  readonly db: Database.Database
  /** `<workspace folder>/thumbs`, where the import pipeline caches thumbnails; the only root thumbs are served from. */
  readonly thumbDir: string
  /** True when this open found the previous session's marker and ran quick_check (which passed). */
  readonly recoveredFromUncleanExit: boolean
  /** Copies the WAL into the database and truncates it, so the -wal file cannot grow unbounded. */
  checkpoint(): CheckpointResult
  /** Full `PRAGMA integrity_check`; returns ['ok'] when sound. */
  integrityCheck(): string[]
  /** Closes the connection and removes the unclean-exit marker. Safe to call twice. */
  close(): void
}

/** Same folder as core/features/import's thumbsDirOf(workspace folder): the database lives in that folder. */
export function thumbDirFor(dbFile: string): string {
  return join(dirname(dbFile), 'thumbs')
}

export function createWorkspace(db: Database.Database, file: string, info: { recoveredFromUncleanExit: boolean }): Workspace {
  let closed = false
  const thumbDir = thumbDirFor(file)
  return {
    ...workspaceRepos(db, thumbDir),
    file,
    db,
    thumbDir,
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
