import { afterEach, describe, expect, it } from 'vitest'
import type Database from 'better-sqlite3'
import { migrate } from '../../src-main/core/store/migrate'
import { migrations } from '../../src-main/core/store/migrations'
import { dbAtVersion, tableNames } from './helpers'

describe('migration 0005: preference snapshots', () => {
  let db: Database.Database
  afterEach(() => db?.close())

  const seed = (d: Database.Database) =>
    d.exec(`INSERT INTO projects (id, name) VALUES (1, 'p');
      INSERT INTO prompts (id, project_id, text, kind) VALUES (1, 1, 't', 'neutral');
      INSERT INTO images (id, project_id, prompt_id, sha256, file_path, root_path, width, height, bytes)
        VALUES (1, 1, 1, '${'a'.repeat(64)}', '/x/1.png', '/x', 1, 1, 1);
      INSERT INTO image_sets (id, project_id, prompt_id, origin) VALUES (1, 1, 1, 'manual'), (2, 1, 1, 'manual');
      INSERT INTO set_pairs (id, project_id, prompt_id, set_a, set_b) VALUES (1, 1, 1, 1, 2);`)

  it('upgrades a version-4 database in place, keeping its rows', () => {
    db = dbAtVersion(4)
    seed(db)
    expect(migrate(db, migrations.slice(0, 5))).toEqual([5])
    expect(tableNames(db)).toEqual(expect.arrayContaining(['preference_snapshots', 'snapshot_pairs', 'snapshot_items']))
    expect(db.prepare('SELECT count(*) FROM set_pairs').pluck().get()).toBe(1)
  })

  it('checks its values, one version per project, and refuses every update and delete', () => {
    db = dbAtVersion(5)
    seed(db)
    const snap = db.prepare(`INSERT INTO preference_snapshots (project_id, version, name, criterion, content_sha256, counts, sources) VALUES (1, ?, 'v', 'fairness', '${'b'.repeat(64)}', '{}', '{}')`)
    snap.run(1)
    expect(() => snap.run(1)).toThrow(/UNIQUE/)
    const pair = db.prepare(`INSERT INTO snapshot_pairs (snapshot_id, pair_id, set_a, set_b, caption, outcome, agreement, votes, decided_at) VALUES (1, 1, 1, 2, ?, ?, 1, '[]', 'now')`)
    expect(() => pair.run('t', 'maybe')).toThrow(/CHECK/)
    expect(() => pair.run(null, 'a')).toThrow(/CHECK/)
    pair.run('t', 'a')
    const item = db.prepare(
      `INSERT INTO snapshot_items (snapshot_id, ord, pair_id, set_id, position, image_id, sha256, file_path, label) VALUES (1, ?, 1, 1, 0, 1, '${'a'.repeat(64)}', '/x/1.png', ?)`
    )
    expect(() => item.run(0, 2)).toThrow(/CHECK/)
    item.run(0, 1)
    expect(() => db.exec('UPDATE snapshot_items SET label = -1')).toThrow(/immutable/)
    expect(() => db.exec('DELETE FROM snapshot_pairs')).toThrow(/immutable/)
    expect(() => db.exec("UPDATE preference_snapshots SET name = 'w'")).toThrow(/immutable/)
    // The judged pair and its images cannot vanish from under a snapshot either.
    expect(() => db.exec('DELETE FROM set_pairs')).toThrow(/FOREIGN KEY|immutable/)
  })
})
