// The acquisition job's tables (migration 0006): its plan of prompts, the images it sampled with their
// gate verdicts, the drop ledger, and the pairs it built. Also the one place that creates an
// acquisition's winner sets, whose images belong to identity-specific prompts of the set's neutral
// prompt (sets.create only accepts images of the set's own prompt).
import type Database from 'better-sqlite3'

export interface PlanRow {
  ord: number
  promptId: number
  neutralPromptId: number
  pool: 'neutral' | 'augmented'
  combo: Record<string, string> | null
  images: number
  sampled: boolean
}

export interface JobImage {
  imageId: number
  ord: number
  path: string
  neutralPromptId: number
  pool: 'neutral' | 'augmented'
  combo: Record<string, string> | null
  gate: 'pending' | 'kept' | 'dropped'
}

export interface Drop {
  stage: 'sample' | 'gate' | 'pairs'
  imageId: number | null
  promptId: number | null
  reason: string
  detail: string
}

export class AcquireSetError extends Error {}

export function acquireRepo(db: Database.Database) {
  const insertPlan = db.prepare<[number, number, number, number, string, string | null, number]>(
    'INSERT INTO acquire_plan (job_id, ord, prompt_id, neutral_prompt_id, pool, combo, images) VALUES (?, ?, ?, ?, ?, ?, ?)'
  )
  const planOf = db.prepare<[number], { ord: number; prompt_id: number; neutral_prompt_id: number; pool: 'neutral' | 'augmented'; combo: string | null; images: number; sampled_at: string | null }>(
    'SELECT * FROM acquire_plan WHERE job_id = ? ORDER BY ord'
  )
  const markSampled = db.prepare<[number, number]>("UPDATE acquire_plan SET sampled_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE job_id = ? AND ord = ?")
  const insertImage = db.prepare<[number, number, number]>('INSERT INTO acquire_images (job_id, image_id, ord) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
  const imagesOf = db.prepare<[number], { image_id: number; ord: number; file_path: string; neutral_prompt_id: number; pool: 'neutral' | 'augmented'; combo: string | null; gate: JobImage['gate'] }>(
    `SELECT a.image_id, a.ord, i.file_path, p.neutral_prompt_id, p.pool, p.combo, a.gate
     FROM acquire_images a JOIN images i ON i.id = a.image_id JOIN acquire_plan p ON p.job_id = a.job_id AND p.ord = a.ord
     WHERE a.job_id = ? ORDER BY a.image_id`
  )
  const unclassified = db.prepare<[number, string, string, number], { id: number; path: string }>(
    `SELECT i.id, i.file_path AS path FROM acquire_images a JOIN images i ON i.id = a.image_id
     WHERE a.job_id = ? AND NOT EXISTS (SELECT 1 FROM image_classifications c WHERE c.image_id = i.id AND c.classifier_id = ? AND c.classifier_version = ?)
     ORDER BY i.id LIMIT ?`
  )
  const classifiedCount = db
    .prepare<[string, string, number], number>(
      `SELECT count(*) FROM acquire_images a JOIN image_classifications c ON c.image_id = a.image_id AND c.classifier_id = ? AND c.classifier_version = ?
     WHERE a.job_id = ?`
    )
    .pluck()
  const setGate = db.prepare<[string, number, number]>('UPDATE acquire_images SET gate = ? WHERE job_id = ? AND image_id = ?')
  const insertDrop = db.prepare<[number, string, number | null, number | null, string, string]>(
    'INSERT INTO acquire_drops (job_id, stage, image_id, prompt_id, reason, detail) VALUES (?, ?, ?, ?, ?, ?)'
  )
  const dropsOf = db.prepare<[number], { stage: Drop['stage']; image_id: number | null; prompt_id: number | null; reason: string; detail: string }>(
    'SELECT stage, image_id, prompt_id, reason, detail FROM acquire_drops WHERE job_id = ? ORDER BY id'
  )
  const insertSet = db.prepare<[number, number]>("INSERT INTO image_sets (project_id, prompt_id, origin) VALUES (?, ?, 'generated')")
  const insertMember = db.prepare<[number, number, number]>('INSERT INTO set_members (set_id, position, image_id) VALUES (?, ?, ?)')
  const imageOwner = db.prepare<[number], { project_id: number; prompt_id: number; kind: string; neutral_prompt_id: number | null }>(
    'SELECT i.project_id, i.prompt_id, p.kind, p.neutral_prompt_id FROM images i JOIN prompts p ON p.id = i.prompt_id WHERE i.id = ?'
  )
  const insertPair = db.prepare<[number, number, number, number, number, number, number]>(
    'INSERT INTO acquire_pairs (job_id, neutral_prompt_id, idx, pair_id, winner_set_id, loser_set_id, swapped) VALUES (?, ?, ?, ?, ?, ?, ?)'
  )
  const pairStats = db.prepare<[number], { pairs: number; swapped: number | null }>('SELECT count(*) AS pairs, sum(swapped) AS swapped FROM acquire_pairs WHERE job_id = ?')
  const pairsOf = db.prepare<[number], { neutral_prompt_id: number; idx: number; pair_id: number; winner_set_id: number; loser_set_id: number; swapped: number }>(
    'SELECT * FROM acquire_pairs WHERE job_id = ? ORDER BY neutral_prompt_id, idx'
  )

  return {
    addPlan(jobId: number, rows: Omit<PlanRow, 'sampled'>[]): void {
      for (const r of rows) insertPlan.run(jobId, r.ord, r.promptId, r.neutralPromptId, r.pool, r.combo ? JSON.stringify(r.combo) : null, r.images)
    },
    plan(jobId: number): PlanRow[] {
      return planOf.all(jobId).map((r) => ({
        ord: r.ord,
        promptId: r.prompt_id,
        neutralPromptId: r.neutral_prompt_id,
        pool: r.pool,
        combo: r.combo ? (JSON.parse(r.combo) as Record<string, string>) : null,
        images: r.images,
        sampled: r.sampled_at !== null
      }))
    },
    markSampled: (jobId: number, ord: number): void => void markSampled.run(jobId, ord),
    addImage: (jobId: number, imageId: number, ord: number): boolean => insertImage.run(jobId, imageId, ord).changes > 0,
    images(jobId: number): JobImage[] {
      return imagesOf.all(jobId).map((r) => ({
        imageId: r.image_id,
        ord: r.ord,
        path: r.file_path,
        neutralPromptId: r.neutral_prompt_id,
        pool: r.pool,
        combo: r.combo ? (JSON.parse(r.combo) as Record<string, string>) : null,
        gate: r.gate
      }))
    },
    unclassified: (jobId: number, classifier: { id: string; version: string }, limit: number) => unclassified.all(jobId, classifier.id, classifier.version, limit),
    classifiedCount: (jobId: number, classifier: { id: string; version: string }): number => classifiedCount.get(classifier.id, classifier.version, jobId)!,
    setGate: (jobId: number, imageId: number, gate: 'kept' | 'dropped'): void => void setGate.run(gate, jobId, imageId),
    drop(jobId: number, d: Drop): void {
      insertDrop.run(jobId, d.stage, d.imageId, d.promptId, d.reason, d.detail)
    },
    drops(jobId: number): Drop[] {
      return dropsOf.all(jobId).map((r) => ({ stage: r.stage, imageId: r.image_id, promptId: r.prompt_id, reason: r.reason, detail: r.detail }))
    },
    /**
     * A generated set of the neutral prompt: its images must belong to the project and to the neutral
     * prompt or one of its identity-specific prompts (the augmented pool). Call inside a transaction.
     */
    createSet(projectId: number, neutralPromptId: number, imageIds: readonly number[]): number {
      if (imageIds.length === 0) throw new AcquireSetError('a set needs at least one image')
      if (new Set(imageIds).size !== imageIds.length) throw new AcquireSetError('a set cannot hold the same image twice')
      for (const id of imageIds) {
        const o = imageOwner.get(id)
        if (!o || o.project_id !== projectId) throw new AcquireSetError(`image ${id} is not in project ${projectId}`)
        const ofNeutral = o.prompt_id === neutralPromptId || (o.kind === 'specific' && o.neutral_prompt_id === neutralPromptId)
        if (!ofNeutral) throw new AcquireSetError(`image ${id} belongs to prompt ${o.prompt_id}, which is neither prompt ${neutralPromptId} nor one of its identity-specific prompts`)
      }
      const setId = Number(insertSet.run(projectId, neutralPromptId).lastInsertRowid)
      imageIds.forEach((imageId, position) => insertMember.run(setId, position, imageId))
      return setId
    },
    addPair(jobId: number, p: { neutralPromptId: number; idx: number; pairId: number; winnerSetId: number; loserSetId: number; swapped: boolean }): void {
      insertPair.run(jobId, p.neutralPromptId, p.idx, p.pairId, p.winnerSetId, p.loserSetId, p.swapped ? 1 : 0)
    },
    pairStats(jobId: number): { pairs: number; swapped: number } {
      const r = pairStats.get(jobId)!
      return { pairs: r.pairs, swapped: r.swapped ?? 0 }
    },
    pairs(jobId: number) {
      return pairsOf
        .all(jobId)
        .map((r) => ({ neutralPromptId: r.neutral_prompt_id, idx: r.idx, pairId: r.pair_id, winnerSetId: r.winner_set_id, loserSetId: r.loser_set_id, swapped: r.swapped === 1 }))
    }
  }
}
export type AcquireRepo = ReturnType<typeof acquireRepo>
