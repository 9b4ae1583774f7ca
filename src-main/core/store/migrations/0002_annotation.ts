// Annotators, their access tokens (stored as SHA-256 digests only) and set-pair judgements.
// Judgements are never deleted: undo stamps undone_at, which keeps an audit trail.
import { NOW_SQL, type Migration } from './migration'

export const migration0002: Migration = {
  version: 2,
  name: 'annotation: annotators, tokens, judgements',
  up(db) {
    db.exec(`
      CREATE TABLE annotators (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
        kind       TEXT NOT NULL CHECK (kind IN ('human', 'classifier')),
        created_at TEXT NOT NULL DEFAULT ${NOW_SQL}
      );
      -- Every workspace has its owner and its attribute classifier from the start.
      INSERT INTO annotators (name, kind) VALUES ('owner', 'human'), ('classifier', 'classifier');

      CREATE TABLE annotator_tokens (
        id           INTEGER PRIMARY KEY,
        annotator_id INTEGER NOT NULL REFERENCES annotators(id) ON DELETE CASCADE,
        token_sha256 TEXT NOT NULL UNIQUE CHECK (length(token_sha256) = 64),
        scope        TEXT NOT NULL CHECK (scope IN ('owner', 'annotate')),
        created_at   TEXT NOT NULL DEFAULT ${NOW_SQL},
        revoked_at   TEXT
      );
      CREATE INDEX annotator_tokens_by_annotator ON annotator_tokens(annotator_id);

      CREATE TABLE judgements (
        id              INTEGER PRIMARY KEY,
        pair_id         INTEGER NOT NULL REFERENCES set_pairs(id) ON DELETE RESTRICT,
        annotator_id    INTEGER NOT NULL REFERENCES annotators(id) ON DELETE RESTRICT,
        criterion       TEXT NOT NULL CHECK (criterion IN ('fairness', 'quality')),
        choice          TEXT NOT NULL CHECK (choice IN ('a', 'b', 'tie', 'cant_judge')),
        shown_left      TEXT NOT NULL CHECK (shown_left IN ('a', 'b')),
        response_ms     INTEGER NOT NULL CHECK (response_ms >= 0),
        created_at      TEXT NOT NULL DEFAULT ${NOW_SQL},
        idempotency_key TEXT NOT NULL UNIQUE,
        undone_at       TEXT
      );
      -- One live decision per annotator, pair and criterion; undone ones stay for the audit trail.
      CREATE UNIQUE INDEX judgements_live ON judgements(annotator_id, criterion, pair_id) WHERE undone_at IS NULL;
      CREATE INDEX judgements_by_pair ON judgements(pair_id);
    `)
  }
}
