import { afterEach, describe, expect, it } from 'vitest'
import type Database from 'better-sqlite3'
import { migrate } from '../../src-main/core/store/migrate'
import { migrations } from '../../src-main/core/store/migrations'
import { columns, dbAtVersion, tableNames } from './helpers'

describe('migration 0004: team and MCMC', () => {
  let db: Database.Database
  afterEach(() => db?.close())

  const seed = (d: Database.Database) =>
    d.exec(`INSERT INTO projects (id, name) VALUES (1, 'p');
      INSERT INTO prompts (id, project_id, text, kind) VALUES (1, 1, 't', 'neutral');
      INSERT INTO images (id, project_id, prompt_id, sha256, file_path, root_path, width, height, bytes)
        VALUES (1, 1, 1, '${'a'.repeat(64)}', '/x/1.png', '/x', 1, 1, 1);
      INSERT INTO image_sets (id, project_id, prompt_id, origin) VALUES (1, 1, 1, 'manual'), (2, 1, 1, 'manual');
      INSERT INTO set_pairs (id, project_id, prompt_id, set_a, set_b) VALUES (1, 1, 1, 1, 2);`)

  it('upgrades a version-3 database in place: annotators keep their rows and gain revoked_at', () => {
    db = dbAtVersion(3)
    seed(db)
    expect(migrate(db, migrations.slice(0, 4))).toEqual([4])
    expect(db.pragma('user_version', { simple: true })).toBe(4)
    expect(tableNames(db)).toEqual(expect.arrayContaining(['image_classifications', 'mcmc_chains', 'mcmc_steps', 'project_routing', 'pair_assignments', 'judgement_edits', 'adjudications', 'invites']))
    expect(columns(db, 'annotators')).toContain('revoked_at')
    expect(db.prepare('SELECT name, revoked_at FROM annotators ORDER BY id').all()).toEqual([
      { name: 'owner', revoked_at: null },
      { name: 'classifier', revoked_at: null }
    ])
  })

  it('enforces the invariants: one assignment per pair and person, valid statuses, finished chains hold no proposal', () => {
    db = dbAtVersion(4)
    seed(db)
    const assign = db.prepare('INSERT INTO pair_assignments (pair_id, annotator_id, rank) VALUES (1, 1, ?)')
    assign.run(0.5)
    expect(() => assign.run(0.7)).toThrow(/UNIQUE|PRIMARY KEY/)
    const classify = db.prepare("INSERT INTO image_classifications (image_id, classifier_id, classifier_version, status, attributes) VALUES (1, 'c', ?, ?, ?)")
    classify.run('1', 'ok', '{"gender":"man"}')
    expect(() => classify.run('2', 'blurry', '{}')).toThrow(/CHECK/)
    expect(() => classify.run('3', 'ok', '[1]')).toThrow(/CHECK/)
    const chain = db.prepare(
      `INSERT INTO mcmc_chains (project_id, prompt_id, judge, state, set_size, initial_members, members, proposal, seed, rng_state, created_by)
       VALUES (1, 1, 'human', ?, 1, '[1]', '[1]', ?, 1, 1, 1)`
    )
    chain.run('running', '{"position":0,"outImageId":1,"inImageId":1}')
    expect(() => chain.run('finished', '{"position":0,"outImageId":1,"inImageId":1}')).toThrow(/CHECK/)
    expect(() => chain.run('paused', null)).toThrow(/CHECK/)
    const invite = db.prepare("INSERT INTO invites (annotator_id, code_sha256, expires_at) VALUES (1, ?, '2030-01-01T00:00:00.000Z')")
    invite.run('b'.repeat(64))
    expect(() => invite.run('b'.repeat(64))).toThrow(/UNIQUE/)
    expect(() => invite.run('short')).toThrow(/CHECK/)
  })
})
