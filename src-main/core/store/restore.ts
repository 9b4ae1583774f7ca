// Restoring a workspace from one of its backups (issue 11, finding 9). The damaged files are never
// deleted: the database and its -wal/-shm are moved, together, into `<workspace>/damaged/<UTC stamp>/`
// (someone may still recover a decision from them), and the backup is copied in under a temporary name
// and renamed over workspace.db only once complete. The workspace must be closed (the caller holds the
// workspace lock): restoring under an open connection would mix two databases.
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { checkCopy, listBackups, type BackupEntry } from './daily-backup'
import { LATEST_SCHEMA_VERSION } from './migrations'
import { atomicTempPath } from '../fs/atomic-write'
import { acquireWorkspaceLock } from './workspace-lock'

/** Where damaged files are kept aside; exports may not write there. */
export const DAMAGED_FOLDER = 'damaged'

export class RestoreError extends Error {
  override readonly name = 'RestoreError'
}

export interface RestoreResult {
  restoredFrom: string
  /** The folder the replaced database files were moved to; null when there was no database. */
  keptAsideIn: string | null
}

/** The backup `choice` names ('latest', or the path of one of this workspace's backups). */
export function pickBackup(dbFile: string, choice: string): BackupEntry {
  const backups = listBackups(dbFile)
  if (backups.length === 0) throw new RestoreError(`there is no backup of ${dbFile} to restore from (backups are kept in ${join(dirname(dbFile), 'backups')})`)
  if (choice === 'latest') return backups[0]
  const wanted = resolve(choice)
  const found = backups.find((b) => b.file === wanted)
  if (!found) throw new RestoreError(`"${choice.slice(0, 200)}" is not one of this workspace's backups; choose one of: ${backups.map((b) => basename(b.file)).join(', ')}`)
  return found
}

/** Why `backup` cannot be restored from, or null when it can (checked before the workspace is closed). */
export function backupRefusal(backup: BackupEntry): string | null {
  const verdict = checkCopy(backup.file)
  if (verdict !== 'ok') return `the backup ${backup.file} is itself damaged (${verdict}); choose an older one`
  const version = readVersion(backup.file)
  if (version > LATEST_SCHEMA_VERSION) return `the backup ${backup.file} was written by a newer PopAlign Studio (schema ${version}); update the studio first`
  return null
}

/** Replaces `dbFile` by the chosen backup, keeping the replaced files aside. */
export function restoreFromBackup(dbFile: string, backup: BackupEntry, now = new Date()): RestoreResult {
  const refusal = backupRefusal(backup)
  if (refusal) throw new RestoreError(refusal)

  const dir = dirname(dbFile)
  const base = basename(dbFile)
  // Copy first: if this fails, nothing has been moved yet.
  const incoming = atomicTempPath(dbFile)
  try {
    copyFileSync(backup.file, incoming)
  } catch (err) {
    rmSync(incoming, { force: true })
    throw err
  }
  const present = [base, `${base}-wal`, `${base}-shm`, `${base}-journal`].filter((name) => existsSync(join(dir, name)))
  let aside: string | null = null
  if (present.length > 0) {
    aside = join(dir, DAMAGED_FOLDER, now.toISOString().replace(/[-:.]/g, ''))
    mkdirSync(aside, { recursive: true, mode: 0o700 })
    for (const name of present) renameSync(join(dir, name), join(aside, name))
  }
  renameSync(incoming, dbFile)
  return { restoredFrom: backup.file, keptAsideIn: aside }
}

/**
 * Restores the database of a workspace no studio has open: takes the workspace lock first (a running
 * studio holds it, and restoring under it would mix two databases), then restores.
 */
export function restoreClosedWorkspace(workspaceDir: string, dbFile: string, backup: BackupEntry): RestoreResult {
  const lock = acquireWorkspaceLock(workspaceDir)
  try {
    return restoreFromBackup(dbFile, backup)
  } finally {
    lock.release()
  }
}

function readVersion(file: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    return db.pragma('user_version', { simple: true }) as number
  } finally {
    db.close()
  }
}
