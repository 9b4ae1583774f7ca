// The automatic backups a damaged workspace is restored from (issue 11, finding 9): SQLite's online
// backup of the open database (WAL included), a few generations, complete-or-absent, never made from
// a damaged database; and the restore that keeps the damaged files aside.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { backupDirFor, backupDue, listBackups, listDailyBackups, takeBackup } from '../../src-main/core/store/daily-backup'
import { openWorkspace, type Workspace } from '../../src-main/core/store/open'
import { pickBackup, restoreFromBackup } from '../../src-main/core/store/restore'
import { tempDir } from './helpers'

const day = (n: number) => new Date(Date.UTC(2026, 11, n, 3, 0, 0))
const projectNames = (file: string): string[] => {
  const db = new Database(file, { readonly: true })
  try {
    return db.prepare('SELECT name FROM projects ORDER BY id').pluck().all() as string[]
  } finally {
    db.close()
  }
}

describe('daily backups', () => {
  let tmp: ReturnType<typeof tempDir>
  let file: string
  let ws: Workspace
  beforeEach(() => {
    tmp = tempDir('daily-backup-')
    file = join(tmp.dir, 'workspace.db')
    ws = openWorkspace(file)
  })
  afterEach(() => {
    ws.close()
    tmp.cleanup()
  })

  it('copies the open database with what is still only in the WAL, under backups/, checked', async () => {
    ws.projects.create('in the WAL', '')
    expect(ws.db.pragma('wal_checkpoint(PASSIVE)')).toBeTruthy() // not TRUNCATE: frames may remain
    ws.projects.create('after the checkpoint', '')
    const entry = await takeBackup(ws.db, file, { now: day(1) })
    expect(entry.file).toBe(join(backupDirFor(file), 'workspace-20261201T030000000Z.db'))
    expect(entry).toMatchObject({ kind: 'daily', takenAt: day(1).toISOString() })
    expect(projectNames(entry.file)).toEqual(['in the WAL', 'after the checkpoint'])
    expect(readdirSync(backupDirFor(file)).filter((n) => n.endsWith('.partial'))).toEqual([])
  })

  it('keeps only the newest generations and says when the next one is due', async () => {
    expect(backupDue(file, day(1))).toBe(true)
    for (let d = 1; d <= 5; d++) {
      ws.projects.create(`day ${d}`, '')
      await takeBackup(ws.db, file, { now: day(d), keep: 3 })
    }
    const kept = listDailyBackups(file)
    expect(kept.map((b) => b.takenAt)).toEqual([day(5), day(4), day(3)].map((d) => d.toISOString()))
    expect(projectNames(kept[2].file)).toEqual(['day 1', 'day 2', 'day 3'])
    expect(backupDue(file, new Date(day(5).getTime() + 23 * 3600_000))).toBe(false)
    expect(backupDue(file, new Date(day(5).getTime() + 24 * 3600_000))).toBe(true)
  })

  it('removes what a killed backup left, and never lists it', async () => {
    mkdirSync(backupDirFor(file), { recursive: true })
    const leftover = join(backupDirFor(file), 'workspace-20261130T030000000Z.db.partial')
    writeFileSync(leftover, 'half a copy')
    expect(listBackups(file)).toEqual([])
    await takeBackup(ws.db, file, { now: day(1) })
    expect(existsSync(leftover)).toBe(false)
    expect(listBackups(file)).toHaveLength(1)
  })

  it('refuses to rotate good copies out for a copy of a damaged database', async () => {
    ws.projects.create('good', '')
    await takeBackup(ws.db, file, { now: day(1), keep: 1 })
    // Damage the projects table's root page on disk: the new copy fails its quick_check and the good one stays.
    const root = ws.db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'projects'").pluck().get() as number
    ws.checkpoint()
    const page = ws.db.pragma('page_size', { simple: true }) as number
    const fd = openSync(file, 'r+')
    writeSync(fd, Buffer.alloc(page, 0x5a), 0, page, (root - 1) * page)
    closeSync(fd)
    ws.db.pragma('shrink_memory') // drop the pages cached before the damage
    await expect(takeBackup(ws.db, file, { now: day(2), keep: 1 })).rejects.toThrow(/failed its check.*older backups were kept/)
    expect(listDailyBackups(file).map((b) => b.takenAt)).toEqual([day(1).toISOString()])
    expect(readdirSync(backupDirFor(file)).filter((n) => n.endsWith('.partial'))).toEqual([])
  })

  it('restores a backup over a damaged database and keeps the damaged files aside', async () => {
    ws.projects.create('kept', '')
    await takeBackup(ws.db, file, { now: day(1) })
    ws.projects.create('after the backup', '')
    ws.close()
    writeFileSync(file, Buffer.alloc(8192, 0x42)) // garbage where the database was
    const result = restoreFromBackup(file, pickBackup(file, 'latest'), day(2))
    expect(result.keptAsideIn).toBe(join(tmp.dir, 'damaged', '20261202T030000000Z'))
    expect(readdirSync(result.keptAsideIn!)).toContain('workspace.db')
    expect(projectNames(file)).toEqual(['kept'])
    ws = openWorkspace(file)
    expect(ws.projects.list().map((p) => p.name)).toEqual(['kept'])
    expect(() => pickBackup(file, join(tmp.dir, 'elsewhere.db'))).toThrow(/is not one of this workspace's backups; choose one of: workspace-20261201T030000000Z.db/)
  })
})
