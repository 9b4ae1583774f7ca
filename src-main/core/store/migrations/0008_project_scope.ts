// Annotator scope by project (issue 11, finding 6): an invite names the projects it grants, and the
// token it is redeemed for carries the same list. An annotate token with no rows here reaches no
// project (tokens issued before this version): the owner invites such annotators again.
import type { Migration } from './migration'

export const migration0008: Migration = {
  version: 8,
  name: 'team: the projects an invite and an annotator token grant',
  up(db) {
    db.exec(`
      CREATE TABLE invite_projects (
        invite_id  INTEGER NOT NULL REFERENCES invites(id) ON DELETE CASCADE,
        project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        PRIMARY KEY (invite_id, project_id)
      ) WITHOUT ROWID;
      CREATE TABLE token_projects (
        token_id   INTEGER NOT NULL REFERENCES annotator_tokens(id) ON DELETE CASCADE,
        project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        PRIMARY KEY (token_id, project_id)
      ) WITHOUT ROWID;
    `)
  }
}
