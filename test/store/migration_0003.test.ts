import { afterEach, describe, expect, it } from 'vitest'
import type Database from 'better-sqlite3'
import { migrate } from '../../src-main/core/store/migrate'
import { migrations } from '../../src-main/core/store/migrations'
import { dbAtVersion, tableNames } from './helpers'

describe('migration 0003: jobs and import ledger', () => {
  let db: Database.Database
  afterEach(() => db?.close())

  it('upgrades a version-2 database to 3, adding jobs and import_files', () => {
    db = dbAtVersion(2)
    expect(migrate(db, migrations.slice(0, 3))).toEqual([3])
    expect(db.pragma('user_version', { simple: true })).toBe(3)
    expect(tableNames(db)).toEqual(expect.arrayContaining(['jobs', 'import_files']))
  })

  it('defaults a job to queued with an empty payload and requires a reason for failed files', () => {
    db = dbAtVersion(3)
    const { lastInsertRowid } = db.prepare("INSERT INTO jobs (kind) VALUES ('import')").run()
    expect(db.prepare('SELECT state, done, total, payload FROM jobs WHERE id = ?').get(lastInsertRowid)).toEqual({ state: 'queued', done: 0, total: 0, payload: '{}' })
    expect(() => db.prepare("INSERT INTO jobs (kind) VALUES ('dance')").run()).toThrow(/CHECK/)
    expect(() => db.prepare("INSERT INTO jobs (kind, payload) VALUES ('import', 'not json')").run()).toThrow(/CHECK/)
    const file = db.prepare('INSERT INTO import_files (job_id, rel_path, status, reason) VALUES (?, ?, ?, ?)')
    file.run(lastInsertRowid, 'a.png', 'pending', null)
    expect(() => file.run(lastInsertRowid, 'a.png', 'pending', null)).toThrow(/UNIQUE/)
    expect(() => file.run(lastInsertRowid, 'b.png', 'failed', null)).toThrow(/CHECK/)
    file.run(lastInsertRowid, 'b.png', 'failed', 'truncated JPEG')
  })
})
