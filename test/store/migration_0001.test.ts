import { afterEach, describe, expect, it } from 'vitest'
import type Database from 'better-sqlite3'
import { columns, dbAtVersion, tableNames } from './helpers'

const hash = (c: string) => c.repeat(64)

describe('migration 0001: core schema', () => {
  let db: Database.Database
  afterEach(() => db?.close())

  it('creates the core tables and sets user_version 1', () => {
    db = dbAtVersion(1)
    expect(db.pragma('user_version', { simple: true })).toBe(1)
    expect(tableNames(db)).toEqual(['axes', 'image_sets', 'images', 'projects', 'prompts', 'set_members', 'set_pairs'])
    expect(columns(db, 'images')).toEqual(expect.arrayContaining(['sha256', 'file_path', 'root_path', 'width', 'height', 'bytes', 'seed', 'generator', 'provenance', 'thumb_path']))
    // Images hold paths and hashes, never pixels.
    const types = (db.pragma('table_info(images)') as Array<{ type: string }>).map((c) => c.type)
    expect(types).not.toContain('BLOB')
  })

  it('enforces prompt kinds, unique image hashes per project, unordered unique pairs', () => {
    db = dbAtVersion(1)
    db.prepare("INSERT INTO projects (id, name) VALUES (1, 'p')").run()
    db.prepare("INSERT INTO prompts (id, project_id, text, kind) VALUES (1, 1, 'a doctor', 'neutral')").run()
    db.prepare("INSERT INTO prompts (id, project_id, text, kind, neutral_prompt_id) VALUES (2, 1, 'a female doctor', 'specific', 1)").run()
    expect(() => db.prepare("INSERT INTO prompts (project_id, text, kind) VALUES (1, 'x', 'weird')").run()).toThrow(/CHECK/)
    expect(() => db.prepare("INSERT INTO prompts (project_id, text, kind, neutral_prompt_id) VALUES (1, 'y', 'neutral', 1)").run()).toThrow(/CHECK/)

    const img = db.prepare('INSERT INTO images (project_id, prompt_id, sha256, file_path, root_path, width, height, bytes) VALUES (1, 1, ?, ?, ?, 8, 8, 100)')
    img.run(hash('a'), '/r/a.png', '/r')
    expect(() => img.run(hash('a'), '/r/a-copy.png', '/r')).toThrow(/UNIQUE/)
    img.run(hash('b'), '/r/b.png', '/r')

    db.prepare("INSERT INTO image_sets (id, project_id, prompt_id, origin) VALUES (1, 1, 1, 'random'), (2, 1, 1, 'manual')").run()
    const pair = db.prepare('INSERT INTO set_pairs (project_id, prompt_id, set_a, set_b) VALUES (1, 1, ?, ?)')
    pair.run(1, 2)
    expect(() => pair.run(2, 1)).toThrow(/UNIQUE/)
    expect(() => pair.run(1, 1)).toThrow(/CHECK/)
  })

  it('keeps set members ordered and rejects an image twice in one set', () => {
    db = dbAtVersion(1)
    db.exec(`INSERT INTO projects (id, name) VALUES (1, 'p');
      INSERT INTO prompts (id, project_id, text, kind) VALUES (1, 1, 't', 'neutral');
      INSERT INTO images (id, project_id, prompt_id, sha256, file_path, root_path, width, height, bytes)
        VALUES (1, 1, 1, '${hash('a')}', '/a', '/', 1, 1, 1), (2, 1, 1, '${hash('b')}', '/b', '/', 1, 1, 1);
      INSERT INTO image_sets (id, project_id, prompt_id, origin) VALUES (1, 1, 1, 'manual');
      INSERT INTO set_members (set_id, position, image_id) VALUES (1, 1, 2), (1, 0, 1);`)
    const ordered = db.prepare('SELECT image_id FROM set_members WHERE set_id = 1 ORDER BY position').pluck().all()
    expect(ordered).toEqual([1, 2])
    expect(() => db.prepare('INSERT INTO set_members (set_id, position, image_id) VALUES (1, 2, 1)').run()).toThrow(/UNIQUE/)
    expect(() => db.prepare('INSERT INTO set_members (set_id, position, image_id) VALUES (1, 3, 99)').run()).toThrow(/FOREIGN KEY/)
  })
})
