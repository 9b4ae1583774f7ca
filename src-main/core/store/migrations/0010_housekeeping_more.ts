// Housekeeping for pairs, axes, reports and annotators (issue 10): the housekeeping log names these
// too. SQLite cannot widen a CHECK in place, so the log is rebuilt with every row kept (ids included,
// so its order stays the order things happened).
import { NOW_SQL, type Migration } from './migration'

export const migration0010: Migration = {
  version: 10,
  name: 'housekeeping log: pairs, axes, reports and annotators',
  up(db) {
    db.exec(`
      CREATE TABLE housekeeping_log_new (
        id           INTEGER PRIMARY KEY,
        project_id   INTEGER,
        entity       TEXT NOT NULL CHECK (entity IN ('project', 'prompt', 'set', 'run', 'pair', 'axis', 'report', 'annotator')),
        entity_id    INTEGER NOT NULL,
        action       TEXT NOT NULL CHECK (action IN ('rename', 'delete')),
        before       TEXT NOT NULL,
        after        TEXT,
        annotator_id INTEGER NOT NULL REFERENCES annotators(id) ON DELETE RESTRICT,
        created_at   TEXT NOT NULL DEFAULT ${NOW_SQL}
      );
      INSERT INTO housekeeping_log_new (id, project_id, entity, entity_id, action, before, after, annotator_id, created_at)
        SELECT id, project_id, entity, entity_id, action, before, after, annotator_id, created_at FROM housekeeping_log;
      DROP TABLE housekeeping_log;
      ALTER TABLE housekeeping_log_new RENAME TO housekeeping_log;
      CREATE INDEX housekeeping_log_by_project ON housekeeping_log(project_id, id);
    `)
  }
}
