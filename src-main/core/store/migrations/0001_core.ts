// Projects, prompts, taxonomy axes, imported images, image sets and set pairs.
// Images stay on disk: rows hold absolute paths, the root folder they came from, and content
// hashes, never pixels.
import { NOW_SQL, type Migration } from './migration'

export const migration0001: Migration = {
  version: 1,
  name: 'core: projects, prompts, axes, images, sets, pairs',
  up(db) {
    db.exec(`
      CREATE TABLE projects (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        description TEXT NOT NULL DEFAULT '',
        created_at  TEXT NOT NULL DEFAULT ${NOW_SQL}
      );

      -- Identity-specific prompts ("a female doctor") link to their neutral prompt ("a doctor").
      CREATE TABLE prompts (
        id                INTEGER PRIMARY KEY,
        project_id        INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        text              TEXT NOT NULL,
        kind              TEXT NOT NULL CHECK (kind IN ('neutral', 'specific')),
        neutral_prompt_id INTEGER REFERENCES prompts(id) ON DELETE SET NULL,
        created_at        TEXT NOT NULL DEFAULT ${NOW_SQL},
        UNIQUE (project_id, text),
        CHECK (kind = 'specific' OR neutral_prompt_id IS NULL)
      );
      CREATE INDEX prompts_by_neutral ON prompts(neutral_prompt_id);

      -- Editable per-project taxonomy: one row per attribute axis.
      CREATE TABLE axes (
        id         INTEGER PRIMARY KEY,
        project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        name       TEXT NOT NULL,
        classes    TEXT NOT NULL CHECK (json_valid(classes) AND json_type(classes) = 'array'),
        ideal      TEXT CHECK (ideal IS NULL OR (json_valid(ideal) AND json_type(ideal) = 'array')),
        UNIQUE (project_id, name)
      );

      CREATE TABLE images (
        id         INTEGER PRIMARY KEY,
        project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        prompt_id  INTEGER NOT NULL REFERENCES prompts(id) ON DELETE CASCADE,
        sha256     TEXT NOT NULL CHECK (length(sha256) = 64),
        file_path  TEXT NOT NULL,
        root_path  TEXT NOT NULL,
        width      INTEGER NOT NULL CHECK (width > 0),
        height     INTEGER NOT NULL CHECK (height > 0),
        bytes      INTEGER NOT NULL CHECK (bytes >= 0),
        seed       INTEGER,
        generator  TEXT,
        provenance TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(provenance)),
        thumb_path TEXT,
        created_at TEXT NOT NULL DEFAULT ${NOW_SQL},
        UNIQUE (project_id, sha256)
      );
      CREATE INDEX images_by_prompt ON images(prompt_id, id);

      CREATE TABLE image_sets (
        id         INTEGER PRIMARY KEY,
        project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        prompt_id  INTEGER NOT NULL REFERENCES prompts(id) ON DELETE CASCADE,
        origin     TEXT NOT NULL CHECK (origin IN ('random', 'manual', 'mcmc', 'generated')),
        created_at TEXT NOT NULL DEFAULT ${NOW_SQL}
      );
      CREATE INDEX image_sets_by_prompt ON image_sets(project_id, prompt_id);

      -- Ordered members; an image appears at most once per set.
      CREATE TABLE set_members (
        set_id   INTEGER NOT NULL REFERENCES image_sets(id) ON DELETE CASCADE,
        position INTEGER NOT NULL CHECK (position >= 0),
        image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE RESTRICT,
        PRIMARY KEY (set_id, position),
        UNIQUE (set_id, image_id)
      ) WITHOUT ROWID;
      CREATE INDEX set_members_by_image ON set_members(image_id);

      CREATE TABLE set_pairs (
        id         INTEGER PRIMARY KEY,
        project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        prompt_id  INTEGER NOT NULL REFERENCES prompts(id) ON DELETE CASCADE,
        set_a      INTEGER NOT NULL REFERENCES image_sets(id) ON DELETE CASCADE,
        set_b      INTEGER NOT NULL REFERENCES image_sets(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL DEFAULT ${NOW_SQL},
        CHECK (set_a <> set_b)
      );
      -- (a, b) and (b, a) are the same pair.
      CREATE UNIQUE INDEX set_pairs_unordered ON set_pairs(min(set_a, set_b), max(set_a, set_b));
      CREATE INDEX set_pairs_by_project ON set_pairs(project_id, id);
    `)
  }
}
