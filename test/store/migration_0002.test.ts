import { afterEach, describe, expect, it } from 'vitest'
import type Database from 'better-sqlite3'
import { migrate } from '../../src-main/core/store/migrate'
import { migrations } from '../../src-main/core/store/migrations'
import { dbAtVersion, tableNames } from './helpers'

describe('migration 0002: annotation', () => {
  let db: Database.Database
  afterEach(() => db?.close())

  it('upgrades a version-1 database with data in place and seeds owner + classifier', () => {
    db = dbAtVersion(1)
    db.prepare("INSERT INTO projects (id, name) VALUES (1, 'kept')").run()
    expect(migrate(db, migrations.slice(0, 2))).toEqual([2])
    expect(db.pragma('user_version', { simple: true })).toBe(2)
    expect(tableNames(db)).toEqual(expect.arrayContaining(['annotators', 'annotator_tokens', 'judgements']))
    expect(db.prepare('SELECT name FROM projects').pluck().get()).toBe('kept')
    expect(db.prepare('SELECT name, kind FROM annotators ORDER BY id').all()).toEqual([
      { name: 'owner', kind: 'human' },
      { name: 'classifier', kind: 'classifier' }
    ])
  })

  it('allows one live judgement per annotator, pair and criterion, and unique idempotency keys', () => {
    db = dbAtVersion(2)
    db.exec(`INSERT INTO projects (id, name) VALUES (1, 'p');
      INSERT INTO prompts (id, project_id, text, kind) VALUES (1, 1, 't', 'neutral');
      INSERT INTO image_sets (id, project_id, prompt_id, origin) VALUES (1, 1, 1, 'manual'), (2, 1, 1, 'manual');
      INSERT INTO set_pairs (id, project_id, prompt_id, set_a, set_b) VALUES (1, 1, 1, 1, 2);`)
    const judge = db.prepare("INSERT INTO judgements (pair_id, annotator_id, criterion, choice, shown_left, response_ms, idempotency_key) VALUES (1, 1, 'fairness', ?, 'a', 10, ?)")
    judge.run('a', 'key-0001')
    expect(() => judge.run('b', 'key-0002')).toThrow(/UNIQUE/)
    db.prepare("UPDATE judgements SET undone_at = 'now' WHERE idempotency_key = 'key-0001'").run()
    judge.run('b', 'key-0002')
    expect(() => judge.run('tie', 'key-0002')).toThrow(/UNIQUE/)
    expect(() =>
      db.prepare("INSERT INTO judgements (pair_id, annotator_id, criterion, choice, shown_left, response_ms, idempotency_key) VALUES (1, 1, 'fairness', 'left', 'a', 1, 'k3')").run()
    ).toThrow(/CHECK/)
    expect(() => db.prepare("INSERT INTO annotator_tokens (annotator_id, token_sha256, scope) VALUES (1, 'short', 'owner')").run()).toThrow(/CHECK/)
  })
})
