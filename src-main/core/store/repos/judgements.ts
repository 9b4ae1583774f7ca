// Set-pair judgements. Each decision is its own committed transaction (the connection runs with
// synchronous=FULL), a retried decision with the same idempotency key is stored once, and undo
// stamps undone_at instead of deleting, so the audit trail keeps every decision ever made.
import type Database from 'better-sqlite3'
import type { Choice, Criterion, Judgement, Progress, SetSide } from '@shared/contract'
import { sqliteCode } from '../errors'

interface JudgementRow {
  id: number
  pair_id: number
  annotator_id: number
  criterion: Criterion
  choice: Choice
  shown_left: SetSide
  response_ms: number
  created_at: string
  idempotency_key: string
  undone_at: string | null
}

export interface NewJudgement {
  pairId: number
  annotatorId: number
  criterion: Criterion
  choice: Choice
  shownLeft: SetSide
  responseMs: number
  idempotencyKey: string
}

export interface StoredJudgement extends Judgement {
  idempotencyKey: string
  undoneAt: string | null
}

/**
 * A decision recorded without the two sets shown side by side (the owner pairing a finished refinement
 * chain's set as the winner) keeps its idempotency key under this prefix. Its stored side and its zero
 * response time describe no screen, so the side-bias and response-time checks leave it out.
 */
export const NOT_SHOWN_KEY_PREFIX = 'not-shown:'

/** Whether a person saw this pair's two sets, left and right, when deciding it. */
export const wasShownSideBySide = (j: Pick<StoredJudgement, 'idempotencyKey'>): boolean => !j.idempotencyKey.startsWith(NOT_SHOWN_KEY_PREFIX)

/** Why a judgement could not be recorded; the API maps these to user-facing failures. */
export class JudgementConflict extends Error {
  constructor(
    readonly kind: 'already_judged' | 'key_reused',
    message: string
  ) {
    super(message)
  }
}

const toJudgement = (r: JudgementRow): StoredJudgement => ({
  id: r.id,
  pairId: r.pair_id,
  annotatorId: r.annotator_id,
  criterion: r.criterion,
  choice: r.choice,
  shownLeft: r.shown_left,
  responseMs: r.response_ms,
  createdAt: r.created_at,
  idempotencyKey: r.idempotency_key,
  undoneAt: r.undone_at
})

export function judgementsRepo(db: Database.Database) {
  const insert = db.prepare(
    `INSERT INTO judgements (pair_id, annotator_id, criterion, choice, shown_left, response_ms, idempotency_key)
     VALUES (@pairId, @annotatorId, @criterion, @choice, @shownLeft, @responseMs, @idempotencyKey) RETURNING *`
  )
  const byKey = db.prepare<[string], JudgementRow>('SELECT * FROM judgements WHERE idempotency_key = ?')
  const byId = db.prepare<[number], JudgementRow>('SELECT * FROM judgements WHERE id = ?')
  const latestLive = db.prepare<[number, number, string], JudgementRow>(
    `SELECT j.* FROM judgements j JOIN set_pairs p ON p.id = j.pair_id
     WHERE j.annotator_id = ? AND p.project_id = ? AND j.criterion = ? AND j.undone_at IS NULL
     ORDER BY j.id DESC LIMIT 1`
  )
  const markUndone = db.prepare<[number]>("UPDATE judgements SET undone_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ? AND undone_at IS NULL")
  const doneCount = db
    .prepare<[number, number, string], number>(
      `SELECT count(*) FROM judgements j JOIN set_pairs p ON p.id = j.pair_id
     WHERE j.annotator_id = ? AND p.project_id = ? AND j.criterion = ? AND j.undone_at IS NULL`
    )
    .pluck()
  const pairCount = db.prepare<[number], number>('SELECT count(*) FROM set_pairs WHERE project_id = ?').pluck()
  const nextPair = db
    .prepare<[number, number, string], number>(
      `SELECT p.id FROM set_pairs p WHERE p.project_id = ?
       AND NOT EXISTS (SELECT 1 FROM judgements j WHERE j.pair_id = p.id AND j.annotator_id = ? AND j.criterion = ? AND j.undone_at IS NULL)
     ORDER BY p.id LIMIT 1`
    )
    .pluck()
  const ofProject = db.prepare<[number], JudgementRow>('SELECT j.* FROM judgements j JOIN set_pairs p ON p.id = j.pair_id WHERE p.project_id = ? ORDER BY j.id')

  const record = db.transaction((j: NewJudgement): { judgement: StoredJudgement; replayed: boolean } => {
    const previous = byKey.get(j.idempotencyKey)
    if (previous) {
      if (previous.annotator_id !== j.annotatorId || previous.pair_id !== j.pairId || previous.criterion !== j.criterion) {
        throw new JudgementConflict('key_reused', 'this idempotency key was already used for a different decision')
      }
      return { judgement: toJudgement(previous), replayed: true }
    }
    try {
      return { judgement: toJudgement(insert.get(j) as JudgementRow), replayed: false }
    } catch (err) {
      if (sqliteCode(err) === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new JudgementConflict('already_judged', `pair ${j.pairId} already has a ${j.criterion} decision from this annotator; undo it first`)
      }
      throw err
    }
  })

  const undoLatest = db.transaction((annotatorId: number, projectId: number, criterion: Criterion): StoredJudgement | null => {
    const row = latestLive.get(annotatorId, projectId, criterion)
    if (!row) return null
    markUndone.run(row.id)
    return toJudgement(byId.get(row.id)!)
  })

  const ownedIn = db.prepare<[number, number, number, string], JudgementRow>(
    `SELECT j.* FROM judgements j JOIN set_pairs p ON p.id = j.pair_id
     WHERE j.id = ? AND j.annotator_id = ? AND p.project_id = ? AND j.criterion = ?`
  )
  const undoOne = db.transaction((annotatorId: number, projectId: number, criterion: Criterion, judgementId: number): StoredJudgement | null => {
    const row = ownedIn.get(judgementId, annotatorId, projectId, criterion)
    if (!row) return null
    // Already undone (a retried undo): nothing changes, and no other decision is touched.
    markUndone.run(row.id)
    return toJudgement(byId.get(row.id)!)
  })

  return {
    /**
     * Commits a decision (its own IMMEDIATE transaction: durable once this returns). A retry with
     * the same idempotency key returns the stored row with `replayed: true` and writes nothing.
     */
    record(j: NewJudgement): { judgement: StoredJudgement; replayed: boolean } {
      return record.immediate(j)
    },
    /** Marks the annotator's latest live decision in this project and criterion as undone. */
    undoLatest(annotatorId: number, projectId: number, criterion: Criterion): StoredJudgement | null {
      return undoLatest.immediate(annotatorId, projectId, criterion)
    },
    /**
     * Marks exactly this decision of the annotator undone; idempotent (an undone one stays as it was).
     * Null when it is not the annotator's decision in this project and criterion.
     */
    undoOne(annotatorId: number, projectId: number, criterion: Criterion, judgementId: number): StoredJudgement | null {
      return undoOne.immediate(annotatorId, projectId, criterion, judgementId)
    },
    progress(annotatorId: number, projectId: number, criterion: Criterion): Progress {
      return { done: doneCount.get(annotatorId, projectId, criterion)!, total: pairCount.get(projectId)! }
    },
    /** The lowest-id pair of the project with no live decision from this annotator for the criterion. */
    nextUnjudgedPair(annotatorId: number, projectId: number, criterion: Criterion): number | null {
      return nextPair.get(projectId, annotatorId, criterion) ?? null
    },
    get(id: number): StoredJudgement | null {
      const row = byId.get(id)
      return row ? toJudgement(row) : null
    },
    /** Every decision of the project, undone ones included (audit trail, snapshots). */
    listForProject(projectId: number): StoredJudgement[] {
      return ofProject.all(projectId).map(toJudgement)
    }
  }
}
export type JudgementsRepo = ReturnType<typeof judgementsRepo>
