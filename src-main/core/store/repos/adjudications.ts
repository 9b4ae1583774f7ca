// The owner's resolutions of disagreements. Append-only: a new resolution supersedes the old one
// without erasing it.
import type Database from 'better-sqlite3'
import type { Choice, Criterion } from '@shared/contract'

export interface AdjudicationRecord {
  pairId: number
  criterion: Criterion
  choice: Choice
  annotatorId: number
  createdAt: string
}

interface Row {
  pair_id: number
  criterion: Criterion
  choice: Choice
  annotator_id: number
  created_at: string
}

const toRecord = (r: Row): AdjudicationRecord => ({ pairId: r.pair_id, criterion: r.criterion, choice: r.choice, annotatorId: r.annotator_id, createdAt: r.created_at })

export function adjudicationsRepo(db: Database.Database) {
  const insert = db.prepare<[number, string, string, number], Row>('INSERT INTO adjudications (pair_id, criterion, choice, annotator_id) VALUES (?, ?, ?, ?) RETURNING *')
  const resolvedPairs = db.prepare<[number, string], number>('SELECT DISTINCT a.pair_id FROM adjudications a JOIN set_pairs p ON p.id = a.pair_id WHERE p.project_id = ? AND a.criterion = ?').pluck()
  return {
    add(pairId: number, criterion: Criterion, choice: Choice, annotatorId: number): AdjudicationRecord {
      return toRecord(insert.get(pairId, criterion, choice, annotatorId)!)
    },
    resolvedPairIds(projectId: number, criterion: Criterion): Set<number> {
      return new Set(resolvedPairs.all(projectId, criterion))
    }
  }
}
export type AdjudicationsRepo = ReturnType<typeof adjudicationsRepo>
