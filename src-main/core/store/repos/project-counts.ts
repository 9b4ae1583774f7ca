// What a project card shows (issue 10, "project cards with counts and progress"): how many images,
// sets and pairs each live project holds, how many pairs a person has labelled, and how far the person
// asking has got with their own share. One query for all projects, so the Projects screen costs one
// round trip however many projects there are.
import type Database from 'better-sqlite3'
import type { ProjectCounts } from '@shared/contract'

interface CountsRow {
  id: number
  images: number
  sets: number
  pairs: number
  labelled: number
  importing: number
  my_pairs: number
  my_labelled: number
}

export function projectCountsRepo(db: Database.Database) {
  // A pair counts as labelled once any person (not the classifier) holds a live decision on it, in
  // either criterion: that is when it stops waiting in the owner's and the team's queues.
  // A person's own share follows the Label screen's queue: under routing (a project_routing row) the
  // pairs assigned to them, else every pair; a pair of it is theirs-labelled once they hold a live
  // decision on it in either criterion. Pairs they decided before routing but were not assigned stay out.
  const all = db.prepare<{ me: number }, CountsRow>(
    `WITH mine AS (
       SELECT sp.id, sp.project_id,
         EXISTS (SELECT 1 FROM judgements j WHERE j.pair_id = sp.id AND j.annotator_id = @me AND j.undone_at IS NULL) AS decided
       FROM set_pairs sp
       WHERE NOT EXISTS (SELECT 1 FROM project_routing r WHERE r.project_id = sp.project_id)
          OR EXISTS (SELECT 1 FROM pair_assignments pa WHERE pa.pair_id = sp.id AND pa.annotator_id = @me))
     SELECT p.id,
       (SELECT count(*) FROM images i WHERE i.project_id = p.id) AS images,
       (SELECT count(*) FROM image_sets s WHERE s.project_id = p.id) AS sets,
       (SELECT count(*) FROM set_pairs sp WHERE sp.project_id = p.id) AS pairs,
       (SELECT count(*) FROM set_pairs sp WHERE sp.project_id = p.id AND EXISTS (
          SELECT 1 FROM judgements j JOIN annotators a ON a.id = j.annotator_id
          WHERE j.pair_id = sp.id AND j.undone_at IS NULL AND a.kind = 'human')) AS labelled,
       (SELECT count(*) FROM jobs jb WHERE jb.project_id = p.id AND jb.kind = 'import' AND jb.state IN ('queued', 'running')) AS importing,
       coalesce(mc.pairs, 0) AS my_pairs,
       coalesce(mc.labelled, 0) AS my_labelled
     FROM projects p
     LEFT JOIN (SELECT project_id, count(*) AS pairs, sum(decided) AS labelled FROM mine GROUP BY project_id) mc ON mc.project_id = p.id
     WHERE p.deleted_at IS NULL`
  )
  return {
    /** Counts of every live project, by project id, with `annotatorId`'s own share as `mine`. */
    all(annotatorId: number): Map<number, ProjectCounts> {
      return new Map(
        all
          .all({ me: annotatorId })
          .map((r) => [r.id, { images: r.images, sets: r.sets, pairs: r.pairs, labelledPairs: r.labelled, importsRunning: r.importing, mine: { pairs: r.my_pairs, labelledPairs: r.my_labelled } }])
      )
    }
  }
}
export type ProjectCountsRepo = ReturnType<typeof projectCountsRepo>
