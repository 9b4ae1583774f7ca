import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { markerPath } from '../../src-main/core/store/marker'
import { migrate } from '../../src-main/core/store/migrate'
import { LATEST_SCHEMA_VERSION, migrations } from '../../src-main/core/store/migrations'
import { openWorkspace, WorkspaceOpenError, type Workspace } from '../../src-main/core/store/open'
import { tempDir } from './helpers'

function openError(file: string): WorkspaceOpenError {
  try {
    openWorkspace(file).close()
  } catch (err) {
    if (err instanceof WorkspaceOpenError) return err
    throw err
  }
  throw new Error('expected openWorkspace to refuse the file')
}

/**
 * Fills the projects table, closes the workspace with `close` (cleanly or not), then scribbles over
 * the table's root page (an interior b-tree page) without changing the file size.
 */
function damageProjectsTable(file: string, close: (ws: Workspace) => void): void {
  const first = openWorkspace(file)
  const insert = first.db.prepare('INSERT INTO projects (name, description) VALUES (?, ?)')
  for (let i = 0; i < 200; i++) insert.run(`p${i}`, 'x'.repeat(500))
  first.checkpoint()
  const rootPage = first.db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'projects'").pluck().get() as number
  const pageSize = first.db.pragma('page_size', { simple: true }) as number
  close(first)
  const bytes = readFileSync(file)
  bytes.fill(0xab, (rootPage - 1) * pageSize + 8, rootPage * pageSize)
  writeFileSync(file, bytes)
}

describe('openWorkspace', () => {
  let tmp: ReturnType<typeof tempDir>
  let ws: Workspace | undefined
  beforeEach(() => {
    tmp = tempDir()
  })
  afterEach(() => {
    ws?.close()
    ws = undefined
    tmp.cleanup()
  })

  it('creates a fresh workspace at the latest version with WAL, FULL sync and foreign keys', () => {
    const file = join(tmp.dir, 'ws.sqlite')
    ws = openWorkspace(file)
    expect(ws.db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION)
    expect(LATEST_SCHEMA_VERSION).toBe(migrations.length)
    expect(ws.db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(ws.db.pragma('synchronous', { simple: true })).toBe(2) // FULL
    expect(ws.db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(ws.db.pragma('busy_timeout', { simple: true })).toBe(5000)
    expect(ws.recoveredFromUncleanExit).toBe(false)
    expect(existsSync(markerPath(file))).toBe(true)
  })

  it('removes the marker on close and reopens without a recovery check', () => {
    const file = join(tmp.dir, 'ws.sqlite')
    openWorkspace(file).close()
    expect(existsSync(markerPath(file))).toBe(false)
    ws = openWorkspace(file)
    expect(ws.recoveredFromUncleanExit).toBe(false)
  })

  it('runs quick_check after an unclean exit (marker left behind) and reports it', () => {
    const file = join(tmp.dir, 'ws.sqlite')
    const first = openWorkspace(file)
    first.db.prepare("INSERT INTO projects (name) VALUES ('survives')").run()
    first.db.close() // simulate a crash: the connection goes away but close() never removed the marker
    expect(existsSync(markerPath(file))).toBe(true)
    ws = openWorkspace(file)
    expect(ws.recoveredFromUncleanExit).toBe(true)
    expect(ws.db.prepare('SELECT name FROM projects').pluck().get()).toBe('survives')
  })

  it('routes damage found by quick_check after an unclean exit to a corrupt error', () => {
    const file = join(tmp.dir, 'ws.sqlite')
    damageProjectsTable(file, (first) => first.db.close()) // unclean: marker stays
    const err = openError(file)
    expect(err.reason).toBe('corrupt')
    expect(err.message).toMatch(/quick_check|damaged|malformed/)
    expect(existsSync(markerPath(file))).toBe(true) // the next open checks again
  })

  it('runs quick_check at every open, so damage done after a clean exit is found at open (issue 11, finding 9)', () => {
    const file = join(tmp.dir, 'ws.sqlite')
    damageProjectsTable(file, (first) => first.close()) // clean: no marker left
    expect(existsSync(markerPath(file))).toBe(false)
    const err = openError(file)
    expect(err.reason).toBe('corrupt')
    expect(err.message).toMatch(/quick_check|damaged|malformed/)
  })

  it("refuses a 0-byte database when the folder holds the workspace's other files, and leaves it as it is (issue 11, finding 9)", () => {
    const file = join(tmp.dir, 'workspace.db')
    openWorkspace(file).close()
    writeFileSync(join(tmp.dir, 'owner-token'), 'secret\n')
    writeFileSync(file, '') // emptied while the studio was closed
    const err = openError(file)
    expect(err.reason).toBe('truncated')
    expect(err.message).toMatch(/the database file is empty \(0 bytes\), but the folder holds this workspace's other files \(owner-token\)/)
    expect(readFileSync(file).length).toBe(0)
    expect(existsSync(markerPath(file))).toBe(false)
    // In a fresh folder an empty file is still a new workspace.
    const fresh = join(tmp.dir, 'fresh', 'ws.sqlite')
    mkdirSync(join(tmp.dir, 'fresh'))
    writeFileSync(fresh, '')
    ws = openWorkspace(fresh)
    expect(ws.db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION)
  })

  it('keeps a copy of the workspace as it was before a schema upgrade, and names it when damage is found (issue 11, finding 9)', () => {
    const file = join(tmp.dir, 'workspace.db')
    const old = new Database(file)
    migrate(old, migrations.slice(0, LATEST_SCHEMA_VERSION - 1))
    old.prepare("INSERT INTO projects (name) VALUES ('before the upgrade')").run()
    old.close()
    openWorkspace(file).close()
    const backup = `${file}.backup-v${LATEST_SCHEMA_VERSION - 1}`
    const copy = new Database(backup, { readonly: true })
    expect(copy.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION - 1)
    expect(copy.prepare('SELECT name FROM projects').pluck().all()).toEqual(['before the upgrade'])
    copy.close()
    // Already current: no new copy at the next open.
    openWorkspace(file).close()
    expect(readdirSync(tmp.dir).filter((n) => n.includes('.backup-'))).toEqual([`workspace.db.backup-v${LATEST_SCHEMA_VERSION - 1}`])
    // Damage found later names the copy as the way out.
    damageProjectsTable(file, (ws) => ws.close())
    expect(openError(file).message).toContain(`the newest backup is ${backup} (pre-migration,`)
    expect(openError(file).message).toContain('npm run restore-workspace -- --workspace <folder>')
  })

  it('refuses a database from a newer studio without touching the file', () => {
    const file = join(tmp.dir, 'future.sqlite')
    const raw = new Database(file)
    raw.exec('CREATE TABLE t (x)')
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`)
    raw.close()
    const before = readFileSync(file)
    const err = openError(file)
    expect(err.reason).toBe('future_version')
    expect(err.message).toContain(`schema version ${LATEST_SCHEMA_VERSION + 1}`)
    expect(readFileSync(file).equals(before)).toBe(true)
    expect(existsSync(markerPath(file))).toBe(false)
  })

  it('refuses a garbage file and leaves it untouched', () => {
    const file = join(tmp.dir, 'garbage.sqlite')
    const garbage = Buffer.from('this is a shopping list, not a database\n'.repeat(200))
    writeFileSync(file, garbage)
    const err = openError(file)
    expect(err.reason).toBe('not_a_database')
    expect(readFileSync(file).equals(garbage)).toBe(true)
    expect(existsSync(`${file}-wal`)).toBe(false)
  })

  it('refuses a truncated database and leaves it untouched', () => {
    const file = join(tmp.dir, 'ws.sqlite')
    const w = openWorkspace(file)
    const insert = w.db.prepare('INSERT INTO projects (name, description) VALUES (?, ?)')
    for (let i = 0; i < 50; i++) insert.run(`p${i}`, 'x'.repeat(1000))
    w.close()
    const whole = readFileSync(file)
    for (const cut of [50, 4096 + 123, whole.length - 4096]) {
      const truncated = whole.subarray(0, cut)
      writeFileSync(file, truncated)
      const err = openError(file)
      expect(err.reason, `cut at ${cut}`).toBe('truncated')
      expect(readFileSync(file).equals(truncated)).toBe(true)
    }
  })

  it('names the problem when the path is a directory', () => {
    expect(openError(tmp.dir).reason).toBe('unreadable')
  })

  it('truncates the WAL on checkpoint', () => {
    const file = join(tmp.dir, 'ws.sqlite')
    ws = openWorkspace(file)
    ws.db.prepare("INSERT INTO projects (name) VALUES ('x')").run()
    const result = ws.checkpoint()
    expect(result.busy).toBe(0)
    expect(readFileSync(`${file}-wal`).length).toBe(0)
    expect(ws.integrityCheck()).toEqual(['ok'])
  })
})
