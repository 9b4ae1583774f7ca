// The automatic backups a damaged workspace is restored from (issue 11, finding 9). Once a day the
// open database is copied with SQLite's online backup API (better-sqlite3's db.backup(): it copies
// page by page through SQLite, so the WAL's committed frames are included and writers are not
// blocked), into `<workspace>/backups/workspace-<UTC stamp>.db`. A copy appears under its final name
// only when it is complete and has passed quick_check: it is written to a `.partial` name first,
// checked, fsynced and renamed. So a kill mid-backup leaves a partial file (removed by the next run)
// and never a half copy that looks like a backup, and a database already damaged never pushes a good
// backup out of the rotation. Only the newest `keep` copies are kept.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import Database from 'better-sqlite3'
import { isBackupOf } from './backup'

/** Folder of the daily copies, next to the database; exports may not write there. */
export const BACKUP_FOLDER = 'backups'
export const DEFAULT_BACKUP_GENERATIONS = 3
export const BACKUP_INTERVAL_MS = 24 * 60 * 60 * 1000

const DAILY_NAME = /^workspace-(\d{8}T\d{6}(?:\d{3})?Z)\.db$/
const PARTIAL_NAME = /^workspace-.*\.db\.partial$/

export interface BackupEntry {
  file: string
  kind: 'daily' | 'pre-migration'
  /** When the copy was taken (daily: from its name; pre-migration: the file's time). */
  takenAt: string
  bytes: number
}

export function backupDirFor(dbFile: string): string {
  return join(dirname(dbFile), BACKUP_FOLDER)
}

/** 20261202T181700123Z: sorts by time, and is a valid file name everywhere. */
function stampOf(date: Date): string {
  return date.toISOString().replace(/[-:.]/g, '')
}

function dateOfStamp(stamp: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})?Z$/.exec(stamp)!
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], m[7] ? +m[7] : 0))
}

/** The daily copies, newest first. */
export function listDailyBackups(dbFile: string): BackupEntry[] {
  const dir = backupDirFor(dbFile)
  if (!existsSync(dir)) return []
  const entries: BackupEntry[] = []
  for (const name of readdirSync(dir)) {
    const m = DAILY_NAME.exec(name)
    if (!m) continue
    const file = join(dir, name)
    const stat = statSync(file, { throwIfNoEntry: false })
    if (!stat?.isFile()) continue
    entries.push({ file, kind: 'daily', takenAt: dateOfStamp(m[1]).toISOString(), bytes: stat.size })
  }
  return entries.sort((a, b) => b.takenAt.localeCompare(a.takenAt))
}

/** Every copy a workspace can be restored from: daily ones first (newest first), then pre-upgrade ones (newest schema first). */
export function listBackups(dbFile: string): BackupEntry[] {
  const dir = dirname(dbFile)
  const versionOf = (file: string): number => Number(/(\d+)$/.exec(file)![1])
  const beforeUpgrade: BackupEntry[] = existsSync(dir)
    ? readdirSync(dir)
        .map((name) => join(dir, name))
        .filter((file) => isBackupOf(dbFile, file))
        .sort((a, b) => versionOf(b) - versionOf(a))
        .map((file) => {
          const stat = statSync(file)
          return { file, kind: 'pre-migration' as const, takenAt: stat.mtime.toISOString(), bytes: stat.size }
        })
    : []
  return [...listDailyBackups(dbFile), ...beforeUpgrade]
}

/** True when no daily copy is younger than `intervalMs`. */
export function backupDue(dbFile: string, now: Date, intervalMs = BACKUP_INTERVAL_MS): boolean {
  const newest = listDailyBackups(dbFile)[0]
  return !newest || now.getTime() - Date.parse(newest.takenAt) >= intervalMs
}

/** 'ok' or what quick_check found, for a copy opened read-only. */
export function checkCopy(file: string): string {
  let copy: Database.Database | null = null
  try {
    copy = new Database(file, { readonly: true, fileMustExist: true })
    const rows = copy.pragma('quick_check') as Array<{ quick_check: string }>
    const problems = rows.map((r) => r.quick_check).filter((r) => r !== 'ok')
    return problems.length === 0 ? 'ok' : problems.slice(0, 3).join('; ')
  } catch (err) {
    return err instanceof Error ? err.message : String(err)
  } finally {
    copy?.close()
  }
}

function fsyncPath(path: string): void {
  if (process.platform === 'win32') return // folders cannot be opened for fsync there
  const fd = openSync(path, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/**
 * Copies the open database into the backups folder and drops the oldest copies beyond `keep`.
 * Returns the new copy; throws (and keeps every older copy) when the copy does not pass quick_check.
 */
export async function takeBackup(db: Database.Database, dbFile: string, opts: { now?: Date; keep?: number } = {}): Promise<BackupEntry> {
  const now = opts.now ?? new Date()
  const keep = Math.max(1, opts.keep ?? DEFAULT_BACKUP_GENERATIONS)
  const dir = backupDirFor(dbFile)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  removePartials(dir)
  const final = join(dir, `workspace-${stampOf(now)}.db`)
  const partial = `${final}.partial`
  try {
    await db.backup(partial)
    const verdict = checkCopy(partial)
    if (verdict !== 'ok') throw new Error(`the new backup failed its check (${verdict}); the older backups were kept`)
    fsyncPath(partial)
    renameSync(partial, final)
    fsyncPath(dir)
  } catch (err) {
    rmSync(partial, { force: true })
    throw err
  }
  for (const old of listDailyBackups(dbFile).slice(keep)) rmSync(old.file, { force: true })
  return { file: final, kind: 'daily', takenAt: now.toISOString(), bytes: statSync(final).size }
}

/** Leftovers of a backup a kill cut short: never complete, never restored from. */
function removePartials(dir: string): void {
  for (const name of readdirSync(dir)) if (PARTIAL_NAME.test(name)) rmSync(join(dir, name), { force: true })
}

export interface DailyBackups {
  /** Resolves when the backup in progress (if any) has finished. */
  stop(): Promise<void>
}

/**
 * Takes a backup now when one is due, then looks again every `checkEveryMs` (a studio left open for
 * days still gets one a day). `skip()` true (the workspace is known damaged) takes none: a copy of a
 * damaged database would fail its check anyway, and the good copies must stay.
 */
export function scheduleDailyBackups(opts: {
  db: Database.Database
  dbFile: string
  log: (line: string) => void
  keep?: number
  intervalMs?: number
  checkEveryMs?: number
  skip?: () => boolean
}): DailyBackups {
  let running: Promise<void> | null = null
  let stopped = false
  const tick = (): void => {
    if (stopped || running || opts.skip?.() || !backupDue(opts.dbFile, new Date(), opts.intervalMs)) return
    running = takeBackup(opts.db, opts.dbFile, { keep: opts.keep })
      .then(
        (entry) => opts.log(`workspace backup written to ${entry.file}`),
        (err: unknown) => opts.log(`workspace backup failed: ${err instanceof Error ? err.message : String(err)}`)
      )
      .finally(() => (running = null))
  }
  tick()
  const timer = setInterval(tick, opts.checkEveryMs ?? 60 * 60 * 1000)
  timer.unref()
  return {
    async stop() {
      stopped = true
      clearInterval(timer)
      await running
    }
  }
}
