// A copy of the workspace taken before its schema is upgraded, so that a migration that goes wrong,
// or damage found later, has a way out: the copy from before the upgrade, next to the database as
// `<db>.backup-v<version>`. VACUUM INTO writes a consistent, compact copy through SQLite itself
// (the open connection sees the WAL, so nothing committed is missed) and is synchronous, so it fits
// the synchronous open.
import { rmSync } from 'node:fs'
import { basename, dirname } from 'node:path'
import type Database from 'better-sqlite3'

export function backupPathFor(dbFile: string, version: number): string {
  return `${dbFile}.backup-v${version}`
}

/** True for `<db>.backup-v<n>` next to `dbFile` (exports must not overwrite them either). */
export function isBackupOf(dbFile: string, file: string): boolean {
  const prefix = `${basename(dbFile)}.backup-v`
  const name = basename(file)
  return dirname(file) === dirname(dbFile) && name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length))
}

/** Copies the database as it is now (schema `version`) before a migration; returns the copy's path. */
export function backupBeforeMigration(db: Database.Database, dbFile: string, version: number): string {
  const target = backupPathFor(dbFile, version)
  // A copy left by an earlier attempt at the same upgrade is replaced: VACUUM INTO refuses to overwrite.
  rmSync(target, { force: true })
  db.prepare('VACUUM INTO ?').run(target)
  return target
}
