// Migration 0010: the housekeeping log accepts pairs, axes, reports and annotators, and keeps every row
// written under version 9 (ids, who, when).
import { describe, expect, it } from 'vitest'
import { migrate } from '../../src-main/core/store/migrate'
import { migrations } from '../../src-main/core/store/migrations'
import { columns, dbAtVersion } from './helpers'

describe('migration 0010 (housekeeping log for more things)', () => {
  it('keeps the version 9 rows and accepts the new kinds of thing', () => {
    const db = dbAtVersion(9)
    db.exec(`INSERT INTO projects (name) VALUES ('p');
             INSERT INTO housekeeping_log (project_id, entity, entity_id, action, before, after, annotator_id, created_at)
               VALUES (1, 'set', 4, 'rename', 'Set 4', 'chosen', 1, '2026-01-02T03:04:05.000Z')`)
    expect(() => db.exec("INSERT INTO housekeeping_log (project_id, entity, entity_id, action, before, annotator_id) VALUES (1, 'pair', 1, 'delete', 'Pair', 1)")).toThrow(/CHECK/)
    migrate(db, migrations.slice(0, 10))
    expect(db.pragma('user_version', { simple: true })).toBe(10)
    expect(columns(db, 'housekeeping_log')).toEqual(['id', 'project_id', 'entity', 'entity_id', 'action', 'before', 'after', 'annotator_id', 'created_at'])
    expect(db.prepare('SELECT id, entity, before, after, created_at FROM housekeeping_log').all()).toEqual([
      { id: 1, entity: 'set', before: 'Set 4', after: 'chosen', created_at: '2026-01-02T03:04:05.000Z' }
    ])
    const insert = db.prepare("INSERT INTO housekeeping_log (project_id, entity, entity_id, action, before, annotator_id) VALUES (1, ?, 1, 'delete', 'x', 1)")
    for (const entity of ['pair', 'axis', 'report', 'annotator']) insert.run(entity)
    expect(() => insert.run('image')).toThrow(/CHECK/)
    // The log still protects who did it.
    expect(() => db.exec('DELETE FROM annotators WHERE id = 1')).toThrow(/FOREIGN KEY/)
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'housekeeping_log_by_project'").pluck().get()).toBe(1)
  })
})
