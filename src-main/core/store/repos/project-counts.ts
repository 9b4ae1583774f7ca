// What a project card shows (issue 10, "project cards with counts and progress"): how many images,
// sets and pairs each live project holds, and how many pairs a person has labelled. One query for all
// projects, so the Projects screen costs one round trip however many projects there are.
import type Database from 'better-sqlite3'
import type { ProjectCounts } from '@shared/contract'

interface CountsRow {
  id: number
  images: number
  sets: number
  pairs: number
  labelled: number
  importing: number
}

export function projectCountsRepo(db: Database.Database) {
  // A pair counts as labelled once any person (not the classifier) holds a live decision on it, in
  // either criterion: that is when it stops waiting in the owner's and the team's queues.
  const all = db.prepare<[], CountsRow>(
    `SELECT p.id,
       (SELECT count(*) FROM images i WHERE i.project_id = p.id) AS images,
       (SELECT count(*) FROM image_sets s WHERE s.project_id = p.id) AS sets,
       (SELECT count(*) FROM set_pairs sp WHERE sp.project_id = p.id) AS pairs,
       (SELECT count(*) FROM set_pairs sp WHERE sp.project_id = p.id AND EXISTS (
          SELECT 1 FROM judgements j JOIN annotators a ON a.id = j.annotator_id
          WHERE j.pair_id = sp.id AND j.undone_at IS NULL AND a.kind = 'human')) AS labelled,
       (SELECT count(*) FROM jobs jb WHERE jb.project_id = p.id AND jb.kind = 'import' AND jb.state IN ('queued', 'running')) AS importing
     FROM projects p WHERE p.deleted_at IS NULL`
  )
  return {
    /** Counts of every live project, by project id. */
    all(): Map<number, ProjectCounts> {
      return new Map(all.all().map((r) => [r.id, { images: r.images, sets: r.sets, pairs: r.pairs, labelledPairs: r.labelled, importsRunning: r.importing }]))
    }
  }
}
export type ProjectCountsRepo = ReturnType<typeof projectCountsRepo>
