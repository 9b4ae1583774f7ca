// Routing of set pairs to annotators: which projects route, and who was handed which pair. The
// table's primary key (pair, annotator) makes "the same pair twice to one person" impossible.
import type Database from 'better-sqlite3'
import type { Criterion } from '@shared/contract'

export interface Assignment {
  pairId: number
  annotatorId: number
  rank: number
}

export function assignmentsRepo(db: Database.Database) {
  const routingOf = db.prepare<[number], { overlap: number }>('SELECT overlap FROM project_routing WHERE project_id = ?')
  const setRouting = db.prepare<[number, number]>(
    `INSERT INTO project_routing (project_id, overlap) VALUES (?, ?)
     ON CONFLICT (project_id) DO UPDATE SET overlap = excluded.overlap, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')`
  )
  const insert = db.prepare<[number, number, number]>('INSERT INTO pair_assignments (pair_id, annotator_id, rank) VALUES (?, ?, ?)')
  const ofProject = db.prepare<[number], { pair_id: number; annotator_id: number; rank: number }>(
    'SELECT a.pair_id, a.annotator_id, a.rank FROM pair_assignments a JOIN set_pairs p ON p.id = a.pair_id WHERE p.project_id = ? ORDER BY a.pair_id, a.annotator_id'
  )
  const isAssigned = db.prepare<[number, number], number>('SELECT 1 FROM pair_assignments WHERE pair_id = ? AND annotator_id = ?').pluck()
  // Each annotator walks their own random order (rank), so a team does not all start on one pair.
  const nextAssigned = db
    .prepare<[number, number, number, string], number>(
      `SELECT a.pair_id FROM pair_assignments a JOIN set_pairs p ON p.id = a.pair_id
     WHERE a.annotator_id = ? AND p.project_id = ?
       AND NOT EXISTS (SELECT 1 FROM judgements j WHERE j.pair_id = a.pair_id AND j.annotator_id = ? AND j.criterion = ? AND j.undone_at IS NULL)
     ORDER BY a.rank, a.pair_id LIMIT 1`
    )
    .pluck()
  const assignedCount = db.prepare<[number, number], number>('SELECT count(*) FROM pair_assignments a JOIN set_pairs p ON p.id = a.pair_id WHERE a.annotator_id = ? AND p.project_id = ?').pluck()
  const doneAssigned = db
    .prepare<[string, number, number], number>(
      `SELECT count(*) FROM pair_assignments a JOIN set_pairs p ON p.id = a.pair_id
     JOIN judgements j ON j.pair_id = a.pair_id AND j.annotator_id = a.annotator_id AND j.criterion = ? AND j.undone_at IS NULL
     WHERE a.annotator_id = ? AND p.project_id = ?`
    )
    .pluck()

  // "Unfinished": the annotator has no live decision on the pair under any criterion. Pairs they did
  // decide keep their assignment, so the decision still counts toward the pair's k.
  const releaseUnfinished = db.prepare<[number]>(
    `DELETE FROM pair_assignments AS a WHERE a.annotator_id = ?
       AND NOT EXISTS (SELECT 1 FROM judgements j WHERE j.pair_id = a.pair_id AND j.annotator_id = a.annotator_id AND j.undone_at IS NULL)`
  )

  const addAll = db.transaction((overlap: number, projectId: number, rows: readonly Assignment[]) => {
    setRouting.run(projectId, overlap)
    for (const r of rows) insert.run(r.pairId, r.annotatorId, r.rank)
  })

  return {
    /** The project's overlap k, or null when the project does not route (everyone sees every pair). */
    overlap(projectId: number): number | null {
      return routingOf.get(projectId)?.overlap ?? null
    },
    /** Switches routing on (or updates k) and stores new assignments, in one transaction. */
    add(projectId: number, overlap: number, rows: readonly Assignment[]): void {
      addAll.immediate(overlap, projectId, rows)
    },
    list(projectId: number): Assignment[] {
      return ofProject.all(projectId).map((r) => ({ pairId: r.pair_id, annotatorId: r.annotator_id, rank: r.rank }))
    },
    isAssigned(pairId: number, annotatorId: number): boolean {
      return isAssigned.get(pairId, annotatorId) === 1
    },
    /** Drops the annotator's assignments they have not decided, so routing can hand them to someone else; returns how many. */
    releaseUnfinished(annotatorId: number): number {
      return releaseUnfinished.run(annotatorId).changes
    },
    nextPair(annotatorId: number, projectId: number, criterion: Criterion): number | null {
      return nextAssigned.get(annotatorId, projectId, annotatorId, criterion) ?? null
    },
    progress(annotatorId: number, projectId: number, criterion: Criterion): { done: number; total: number } {
      return { done: doneAssigned.get(criterion, annotatorId, projectId)!, total: assignedCount.get(annotatorId, projectId)! }
    }
  }
}
export type AssignmentsRepo = ReturnType<typeof assignmentsRepo>
