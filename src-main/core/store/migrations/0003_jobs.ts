// Background jobs with a resumable payload, and the per-file ledger that lets an import resume
// file by file after the app was killed.
import { NOW_SQL, type Migration } from './migration'

export const migration0003: Migration = {
  version: 3,
  name: 'jobs: jobs and import file ledger',
  up(db) {
    db.exec(`
      CREATE TABLE jobs (
        id         INTEGER PRIMARY KEY,
        project_id INTEGER REFERENCES projects(id) ON DELETE CASCADE,
        kind       TEXT NOT NULL CHECK (kind IN ('import', 'train', 'sample', 'classify', 'acquire', 'export', 'audit')),
        state      TEXT NOT NULL DEFAULT 'queued'
                   CHECK (state IN ('queued', 'running', 'paused', 'done', 'failed', 'cancelled')),
        done       INTEGER NOT NULL DEFAULT 0 CHECK (done >= 0),
        total      INTEGER NOT NULL DEFAULT 0 CHECK (total >= 0),
        message    TEXT NOT NULL DEFAULT '',
        error      TEXT,
        payload    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(payload)),
        created_at TEXT NOT NULL DEFAULT ${NOW_SQL},
        updated_at TEXT NOT NULL DEFAULT ${NOW_SQL}
      );
      CREATE INDEX jobs_by_project ON jobs(project_id, id);
      CREATE INDEX jobs_by_state ON jobs(state);

      CREATE TABLE import_files (
        id       INTEGER PRIMARY KEY,
        job_id   INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        rel_path TEXT NOT NULL,
        status   TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'imported', 'duplicate', 'failed')),
        reason   TEXT,
        image_id INTEGER REFERENCES images(id) ON DELETE SET NULL,
        UNIQUE (job_id, rel_path),
        CHECK (status <> 'failed' OR reason IS NOT NULL)
      );
      CREATE INDEX import_files_by_status ON import_files(job_id, status);
    `)
  }
}
