// Preference snapshots (issue 4): an immutable, versioned copy of a project's judged set pairs, the
// data a fine-tuning run and an export read. Triggers refuse every UPDATE and DELETE, so once a
// snapshot is written its pairs and rows can never change; training runs and reports that point
// at a snapshot therefore always see exactly what they were trained on.
import { NOW_SQL, type Migration } from './migration'

const immutable = (table: string): string => `
      CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
      BEGIN SELECT RAISE(ABORT, 'preference snapshots are immutable: ${table} rows cannot be changed'); END;
      CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
      BEGIN SELECT RAISE(ABORT, 'preference snapshots are immutable: ${table} rows cannot be deleted'); END;`

export const migration0005: Migration = {
  version: 5,
  name: 'snapshots: immutable preference snapshots (pairs, per-image rows)',
  up(db) {
    db.exec(`
      -- One row per snapshot. counts and sources are JSON written once: what was used and excluded,
      -- and which judgements, annotators, adjudications and classifiers produced it.
      CREATE TABLE preference_snapshots (
        id             INTEGER PRIMARY KEY,
        project_id     INTEGER NOT NULL REFERENCES projects(id) ON DELETE RESTRICT,
        version        INTEGER NOT NULL CHECK (version >= 1),
        name           TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        criterion      TEXT NOT NULL CHECK (criterion IN ('fairness', 'quality')),
        content_sha256 TEXT NOT NULL CHECK (length(content_sha256) = 64),
        counts         TEXT NOT NULL CHECK (json_valid(counts) AND json_type(counts) = 'object'),
        sources        TEXT NOT NULL CHECK (json_valid(sources) AND json_type(sources) = 'object'),
        created_at     TEXT NOT NULL DEFAULT ${NOW_SQL},
        UNIQUE (project_id, version)
      );

      -- Every judged pair the snapshot looked at, with its outcome; excluded ones are kept too (with
      -- outcome tie / cant_judge / vote_tie / no_neutral_prompt) so exports can emit them as 0.5.
      CREATE TABLE snapshot_pairs (
        snapshot_id      INTEGER NOT NULL REFERENCES preference_snapshots(id) ON DELETE RESTRICT,
        pair_id          INTEGER NOT NULL REFERENCES set_pairs(id) ON DELETE RESTRICT,
        set_a            INTEGER NOT NULL REFERENCES image_sets(id) ON DELETE RESTRICT,
        set_b            INTEGER NOT NULL REFERENCES image_sets(id) ON DELETE RESTRICT,
        caption          TEXT,
        outcome          TEXT NOT NULL CHECK (outcome IN ('a', 'b', 'tie', 'cant_judge', 'vote_tie', 'no_neutral_prompt')),
        agreement        REAL NOT NULL CHECK (agreement >= 0 AND agreement <= 1),
        votes            TEXT NOT NULL CHECK (json_valid(votes) AND json_type(votes) = 'array'),
        adjudication_id  INTEGER,
        decided_at       TEXT NOT NULL,
        PRIMARY KEY (snapshot_id, pair_id),
        CHECK ((outcome = 'no_neutral_prompt') = (caption IS NULL))
      ) WITHOUT ROWID;

      -- One row per image of every snapshot pair: label +1 (winning set), -1 (losing set) or 0 (a
      -- member of an excluded pair). Path and content hash are copied so the rows stand alone.
      CREATE TABLE snapshot_items (
        snapshot_id INTEGER NOT NULL REFERENCES preference_snapshots(id) ON DELETE RESTRICT,
        ord         INTEGER NOT NULL CHECK (ord >= 0),
        pair_id     INTEGER NOT NULL,
        set_id      INTEGER NOT NULL REFERENCES image_sets(id) ON DELETE RESTRICT,
        position    INTEGER NOT NULL CHECK (position >= 0),
        image_id    INTEGER NOT NULL REFERENCES images(id) ON DELETE RESTRICT,
        sha256      TEXT NOT NULL CHECK (length(sha256) = 64),
        file_path   TEXT NOT NULL,
        label       INTEGER NOT NULL CHECK (label IN (1, -1, 0)),
        PRIMARY KEY (snapshot_id, ord),
        FOREIGN KEY (snapshot_id, pair_id) REFERENCES snapshot_pairs(snapshot_id, pair_id) ON DELETE RESTRICT
      ) WITHOUT ROWID;
      CREATE INDEX snapshot_items_by_pair ON snapshot_items(snapshot_id, pair_id, set_id, position);
      ${immutable('preference_snapshots')}
      ${immutable('snapshot_pairs')}
      ${immutable('snapshot_items')}
    `)
  }
}
