// Housekeeping (issue 10): names and per-project numbers people read instead of database ids, soft
// deletion of projects (their decisions stay for the audit trail), and a log of every rename and
// delete. Numbers are given by triggers so every insert site (import, sampling, acquisition, chains)
// gets one without knowing about it; they never shift when something is deleted.
import { NOW_SQL, type Migration } from './migration'

export const migration0009: Migration = {
  version: 9,
  name: 'housekeeping: set, run and chain names and numbers, project deletion, housekeeping log',
  up(db) {
    db.exec(`
      ALTER TABLE projects ADD COLUMN deleted_at TEXT;

      ALTER TABLE image_sets ADD COLUMN name TEXT CHECK (name IS NULL OR length(name) BETWEEN 1 AND 200);
      ALTER TABLE image_sets ADD COLUMN number INTEGER;
      UPDATE image_sets SET number = (SELECT count(*) FROM image_sets o WHERE o.project_id = image_sets.project_id AND o.id <= image_sets.id);
      CREATE TRIGGER image_sets_number AFTER INSERT ON image_sets WHEN NEW.number IS NULL BEGIN
        UPDATE image_sets SET number = (SELECT coalesce(max(number), 0) + 1 FROM image_sets WHERE project_id = NEW.project_id) WHERE id = NEW.id;
      END;

      -- Runs (and other jobs) are numbered per project and kind: "fine-tune 2", "import 3".
      ALTER TABLE jobs ADD COLUMN name TEXT CHECK (name IS NULL OR length(name) BETWEEN 1 AND 200);
      ALTER TABLE jobs ADD COLUMN number INTEGER;
      UPDATE jobs SET number = (SELECT count(*) FROM jobs o WHERE o.project_id IS jobs.project_id AND o.kind = jobs.kind AND o.id <= jobs.id);
      CREATE TRIGGER jobs_number AFTER INSERT ON jobs WHEN NEW.number IS NULL BEGIN
        UPDATE jobs SET number = (SELECT coalesce(max(number), 0) + 1 FROM jobs WHERE project_id IS NEW.project_id AND kind = NEW.kind) WHERE id = NEW.id;
      END;

      ALTER TABLE mcmc_chains ADD COLUMN number INTEGER;
      UPDATE mcmc_chains SET number = (SELECT count(*) FROM mcmc_chains o WHERE o.project_id = mcmc_chains.project_id AND o.id <= mcmc_chains.id);
      CREATE TRIGGER mcmc_chains_number AFTER INSERT ON mcmc_chains WHEN NEW.number IS NULL BEGIN
        UPDATE mcmc_chains SET number = (SELECT coalesce(max(number), 0) + 1 FROM mcmc_chains WHERE project_id = NEW.project_id) WHERE id = NEW.id;
      END;

      -- Every rename and delete, who did it and what the thing was called; kept when the thing is gone.
      CREATE TABLE housekeeping_log (
        id           INTEGER PRIMARY KEY,
        project_id   INTEGER,
        entity       TEXT NOT NULL CHECK (entity IN ('project', 'prompt', 'set', 'run')),
        entity_id    INTEGER NOT NULL,
        action       TEXT NOT NULL CHECK (action IN ('rename', 'delete')),
        before       TEXT NOT NULL,
        after        TEXT,
        annotator_id INTEGER NOT NULL REFERENCES annotators(id) ON DELETE RESTRICT,
        created_at   TEXT NOT NULL DEFAULT ${NOW_SQL}
      );
      CREATE INDEX housekeeping_log_by_project ON housekeeping_log(project_id, id);
    `)
  }
}
