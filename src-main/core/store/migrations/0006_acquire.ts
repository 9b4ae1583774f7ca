// Automated preference acquisition (issue 4, paper §4.1): the plan of prompts a job samples, the images
// it made with their gate verdict, the ledger of everything it dropped and why, and the set pairs it
// built. Every drop is a row here: the acquisition never skips anything silently.
import { NOW_SQL, type Migration } from './migration'

export const migration0006: Migration = {
  version: 6,
  name: 'acquire: plan, images with gate verdicts, drop ledger, built pairs',
  up(db) {
    db.exec(`
      -- One row per prompt the job samples: the neutral prompt itself (pool 'neutral') and each of its
      -- identity-specific prompts (pool 'augmented', with the class combination it asks for).
      CREATE TABLE acquire_plan (
        job_id            INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        ord               INTEGER NOT NULL CHECK (ord >= 0),
        prompt_id         INTEGER NOT NULL REFERENCES prompts(id) ON DELETE CASCADE,
        neutral_prompt_id INTEGER NOT NULL REFERENCES prompts(id) ON DELETE CASCADE,
        pool              TEXT NOT NULL CHECK (pool IN ('neutral', 'augmented')),
        combo             TEXT CHECK (combo IS NULL OR (json_valid(combo) AND json_type(combo) = 'object')),
        images            INTEGER NOT NULL CHECK (images > 0),
        sampled_at        TEXT,
        PRIMARY KEY (job_id, ord),
        CHECK ((pool = 'neutral') = (combo IS NULL))
      );

      -- The images a job sampled, with the gate's verdict once it has run.
      CREATE TABLE acquire_images (
        job_id   INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
        ord      INTEGER NOT NULL,
        gate     TEXT NOT NULL DEFAULT 'pending' CHECK (gate IN ('pending', 'kept', 'dropped')),
        PRIMARY KEY (job_id, image_id),
        FOREIGN KEY (job_id, ord) REFERENCES acquire_plan(job_id, ord) ON DELETE CASCADE
      );
      CREATE INDEX acquire_images_by_ord ON acquire_images(job_id, ord);

      -- The ledger: every image or prompt the acquisition left out, at which stage and why.
      CREATE TABLE acquire_drops (
        id         INTEGER PRIMARY KEY,
        job_id     INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        stage      TEXT NOT NULL CHECK (stage IN ('sample', 'gate', 'pairs')),
        image_id   INTEGER REFERENCES images(id) ON DELETE SET NULL,
        prompt_id  INTEGER REFERENCES prompts(id) ON DELETE SET NULL,
        reason     TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 100),
        detail     TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL DEFAULT ${NOW_SQL}
      );
      CREATE INDEX acquire_drops_by_job ON acquire_drops(job_id, stage, reason);

      -- The set pairs a job built: which set won, and whether the diversity check swapped the sides.
      CREATE TABLE acquire_pairs (
        job_id            INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        neutral_prompt_id INTEGER NOT NULL REFERENCES prompts(id) ON DELETE CASCADE,
        idx               INTEGER NOT NULL CHECK (idx >= 0),
        pair_id           INTEGER NOT NULL REFERENCES set_pairs(id) ON DELETE CASCADE,
        winner_set_id     INTEGER NOT NULL REFERENCES image_sets(id) ON DELETE CASCADE,
        loser_set_id      INTEGER NOT NULL REFERENCES image_sets(id) ON DELETE CASCADE,
        swapped           INTEGER NOT NULL CHECK (swapped IN (0, 1)),
        PRIMARY KEY (job_id, neutral_prompt_id, idx)
      );
    `)
  }
}
