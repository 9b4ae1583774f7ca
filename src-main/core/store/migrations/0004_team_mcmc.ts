// Humans in the loop (issue 6): per-image classifier verdicts, MCMC set-refinement chains with their
// decision log, team routing of set pairs, edits of decisions (audit trail), adjudications, and
// one-time invite codes. Annotators gain a revocation stamp: a revoked person keeps their history
// but can no longer sign in.
import { NOW_SQL, type Migration } from './migration'

export const migration0004: Migration = {
  version: 4,
  name: 'team and mcmc: classifications, chains, routing, edits, adjudications, invites',
  up(db) {
    db.exec(`
      ALTER TABLE annotators ADD COLUMN revoked_at TEXT;

      -- One verdict per image and classifier version; the classifier runner writes these.
      CREATE TABLE image_classifications (
        image_id           INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
        classifier_id      TEXT NOT NULL CHECK (length(classifier_id) BETWEEN 1 AND 200),
        classifier_version TEXT NOT NULL CHECK (length(classifier_version) BETWEEN 1 AND 200),
        status             TEXT NOT NULL CHECK (status IN ('ok', 'no_detection', 'low_confidence', 'error')),
        attributes         TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(attributes) AND json_type(attributes) = 'object'),
        confidence         REAL CHECK (confidence IS NULL OR (confidence >= 0 AND confidence <= 1)),
        created_at         TEXT NOT NULL DEFAULT ${NOW_SQL},
        PRIMARY KEY (image_id, classifier_id, classifier_version)
      );

      -- A chain's whole state lives in its row, rewritten in the same transaction as each log entry,
      -- so a restart resumes exactly where the last committed decision left it.
      CREATE TABLE mcmc_chains (
        id              INTEGER PRIMARY KEY,
        project_id      INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        prompt_id       INTEGER NOT NULL REFERENCES prompts(id) ON DELETE CASCADE,
        judge           TEXT NOT NULL CHECK (judge IN ('human', 'auto', 'mixed')),
        state           TEXT NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'finished')),
        set_size        INTEGER NOT NULL CHECK (set_size BETWEEN 1 AND 64),
        initial_members TEXT NOT NULL CHECK (json_valid(initial_members) AND json_type(initial_members) = 'array'),
        members         TEXT NOT NULL CHECK (json_valid(members) AND json_type(members) = 'array'),
        proposal        TEXT CHECK (proposal IS NULL OR (json_valid(proposal) AND json_type(proposal) = 'object')),
        step            INTEGER NOT NULL DEFAULT 0 CHECK (step >= 0),
        accepted        INTEGER NOT NULL DEFAULT 0 CHECK (accepted >= 0),
        rejected        INTEGER NOT NULL DEFAULT 0 CHECK (rejected >= 0),
        seed            INTEGER NOT NULL,
        rng_state       INTEGER NOT NULL CHECK (rng_state BETWEEN 0 AND 4294967295),
        classifier_id   TEXT,
        result_set_id   INTEGER REFERENCES image_sets(id) ON DELETE SET NULL,
        created_by      INTEGER NOT NULL REFERENCES annotators(id) ON DELETE RESTRICT,
        created_at      TEXT NOT NULL DEFAULT ${NOW_SQL},
        updated_at      TEXT NOT NULL DEFAULT ${NOW_SQL},
        CHECK (state = 'running' OR proposal IS NULL)
      );
      CREATE INDEX mcmc_chains_by_project ON mcmc_chains(project_id, id);

      -- The chain log: every decision, who made it and how. It is the refined set's provenance.
      CREATE TABLE mcmc_steps (
        id              INTEGER PRIMARY KEY,
        chain_id        INTEGER NOT NULL REFERENCES mcmc_chains(id) ON DELETE CASCADE,
        step            INTEGER NOT NULL CHECK (step >= 0),
        decision        TEXT NOT NULL CHECK (decision IN ('accept', 'reject', 'stop')),
        position        INTEGER,
        out_image_id    INTEGER REFERENCES images(id) ON DELETE SET NULL,
        in_image_id     INTEGER REFERENCES images(id) ON DELETE SET NULL,
        judge_kind      TEXT NOT NULL CHECK (judge_kind IN ('human', 'auto')),
        annotator_id    INTEGER NOT NULL REFERENCES annotators(id) ON DELETE RESTRICT,
        distance_before REAL,
        distance_after  REAL,
        idempotency_key TEXT NOT NULL UNIQUE,
        created_at      TEXT NOT NULL DEFAULT ${NOW_SQL},
        UNIQUE (chain_id, step)
      );

      -- Routing: a project with a row here serves each annotator only the pairs assigned to them.
      CREATE TABLE project_routing (
        project_id INTEGER PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
        overlap    INTEGER NOT NULL CHECK (overlap BETWEEN 1 AND 50),
        updated_at TEXT NOT NULL DEFAULT ${NOW_SQL}
      );
      -- The primary key is the "never the same pair twice to one person" rule.
      CREATE TABLE pair_assignments (
        pair_id      INTEGER NOT NULL REFERENCES set_pairs(id) ON DELETE CASCADE,
        annotator_id INTEGER NOT NULL REFERENCES annotators(id) ON DELETE CASCADE,
        rank         REAL NOT NULL,
        created_at   TEXT NOT NULL DEFAULT ${NOW_SQL},
        PRIMARY KEY (pair_id, annotator_id)
      ) WITHOUT ROWID;
      CREATE INDEX pair_assignments_by_annotator ON pair_assignments(annotator_id, rank, pair_id);

      -- Every change of a recorded choice keeps the old value, who changed it and when.
      CREATE TABLE judgement_edits (
        id           INTEGER PRIMARY KEY,
        judgement_id INTEGER NOT NULL REFERENCES judgements(id) ON DELETE RESTRICT,
        old_choice   TEXT NOT NULL CHECK (old_choice IN ('a', 'b', 'tie', 'cant_judge')),
        new_choice   TEXT NOT NULL CHECK (new_choice IN ('a', 'b', 'tie', 'cant_judge')),
        edited_by    INTEGER NOT NULL REFERENCES annotators(id) ON DELETE RESTRICT,
        created_at   TEXT NOT NULL DEFAULT ${NOW_SQL}
      );
      CREATE INDEX judgement_edits_by_judgement ON judgement_edits(judgement_id);

      -- The owner's resolution of a disagreement; append-only, the latest per pair and criterion wins.
      CREATE TABLE adjudications (
        id           INTEGER PRIMARY KEY,
        pair_id      INTEGER NOT NULL REFERENCES set_pairs(id) ON DELETE CASCADE,
        criterion    TEXT NOT NULL CHECK (criterion IN ('fairness', 'quality')),
        choice       TEXT NOT NULL CHECK (choice IN ('a', 'b', 'tie', 'cant_judge')),
        annotator_id INTEGER NOT NULL REFERENCES annotators(id) ON DELETE RESTRICT,
        created_at   TEXT NOT NULL DEFAULT ${NOW_SQL}
      );
      CREATE INDEX adjudications_by_pair ON adjudications(pair_id, criterion, id);

      -- One-time invite codes, stored as SHA-256 digests only.
      CREATE TABLE invites (
        id           INTEGER PRIMARY KEY,
        annotator_id INTEGER NOT NULL REFERENCES annotators(id) ON DELETE CASCADE,
        code_sha256  TEXT NOT NULL UNIQUE CHECK (length(code_sha256) = 64),
        created_at   TEXT NOT NULL DEFAULT ${NOW_SQL},
        expires_at   TEXT NOT NULL,
        redeemed_at  TEXT,
        revoked_at   TEXT
      );
      CREATE INDEX invites_by_annotator ON invites(annotator_id);
    `)
  }
}
