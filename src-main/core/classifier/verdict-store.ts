// The one verdict store: every classifier's verdicts in the image_classifications table of migration
// 0004, one row per image and classifier version, for the classification job, the acquisition, reports
// and the agreement of two classifiers. Writes go through that table's repo (store/repos/classifications.ts)
// so its invariants live in one place; this module adds which images still lack a verdict of one
// classifier version, reading verdicts back, a batch written in one transaction (a kill leaves a batch
// all written or all pending), and counts per status and per axis/class.
import type Database from 'better-sqlite3'
import { classificationsRepo } from '../store/repos/classifications'
import type { Classification, ClassificationStatus, ClassifierKey } from './classifier'

/** A verdict as stored: status, axis -> class, and the confidence (lowest axis probability, or the detection score). */
export interface StoredVerdict {
  status: ClassificationStatus
  attributes: Record<string, string>
  confidence: number | null
}

/** The verdict to store for a classification, with why (the error or detail) for the caller's messages. */
export function toVerdict(c: Classification): StoredVerdict & { detail: string | null } {
  const attributes: Record<string, string> = {}
  let confidence: number | null = null
  if (c.status === 'ok' || c.status === 'low_confidence') {
    for (const [axis, v] of Object.entries(c.axes)) {
      attributes[axis] = v.cls
      confidence = confidence === null ? v.p : Math.min(confidence, v.p)
    }
  } else if (c.status === 'no_detection') {
    confidence = c.detectionP
  }
  return { status: c.status, attributes, confidence, detail: c.error ?? c.detail ?? null }
}

/** A stored verdict as a Classification (no concept, no features; every axis at the stored confidence). */
export function fromVerdict(v: StoredVerdict): Classification {
  const axes: Classification['axes'] = {}
  for (const [axis, cls] of Object.entries(v.attributes)) axes[axis] = { cls, p: v.confidence ?? 0 }
  return { status: v.status, concept: null, conceptP: 0, detectionP: null, axes, features: null }
}

/** Ids per query (SQLite binds the list as one JSON array). */
const CHUNK = 5000

export interface Scope {
  projectId: number
  promptId: number | null
  /** Only images that existed when the job was planned; later imports wait for the next job. */
  maxImageId: number
}

export interface StatusCounts {
  ok: number
  no_detection: number
  low_confidence: number
  error: number
}

export interface ClassifierSummary {
  classifierId: string
  classifierVersion: string
  counts: StatusCounts
  /** Images of the project with no verdict of this classifier version. */
  unclassified: number
  /** Classes of ok verdicts per axis (low-confidence verdicts are counted apart, not as classes). */
  axes: { axis: string; counts: { cls: string; count: number }[] }[]
}

export function classifyStore(db: Database.Database) {
  const verdicts = classificationsRepo(db)
  const maxId = db.prepare<[number, number | null, number | null], number | null>('SELECT max(id) FROM images WHERE project_id = ? AND (? IS NULL OR prompt_id = ?)').pluck()
  const inScope = `FROM images i WHERE i.project_id = @projectId AND (@promptId IS NULL OR i.prompt_id = @promptId) AND i.id <= @maxImageId`
  const total = db.prepare<Scope, number>(`SELECT count(*) ${inScope}`).pluck()
  const pending = db.prepare<Scope & { cid: string; cver: string; limit: number }, { id: number; file_path: string }>(
    `SELECT i.id, i.file_path ${inScope}
       AND NOT EXISTS (SELECT 1 FROM image_classifications c WHERE c.image_id = i.id AND c.classifier_id = @cid AND c.classifier_version = @cver)
     ORDER BY i.id LIMIT @limit`
  )
  const pendingCount = db
    .prepare<Scope & { cid: string; cver: string }, number>(
      `SELECT count(*) ${inScope}
       AND NOT EXISTS (SELECT 1 FROM image_classifications c WHERE c.image_id = i.id AND c.classifier_id = @cid AND c.classifier_version = @cver)`
    )
    .pluck()
  const statusCounts = db.prepare<{ projectId: number; promptId: number | null; maxImageId: number; cid: string; cver: string }, { status: keyof StatusCounts; n: number }>(
    `SELECT c.status, count(*) AS n FROM image_classifications c JOIN images i ON i.id = c.image_id
     WHERE i.project_id = @projectId AND (@promptId IS NULL OR i.prompt_id = @promptId) AND i.id <= @maxImageId
       AND c.classifier_id = @cid AND c.classifier_version = @cver GROUP BY c.status`
  )
  const classifiersOf = db.prepare<[number], { classifier_id: string; classifier_version: string }>(
    `SELECT DISTINCT c.classifier_id, c.classifier_version FROM image_classifications c JOIN images i ON i.id = c.image_id
     WHERE i.project_id = ? ORDER BY c.classifier_id, c.classifier_version`
  )
  const axisCounts = db.prepare<[number, string, string], { axis: string; cls: string; n: number }>(
    `SELECT a.key AS axis, a.value AS cls, count(*) AS n
     FROM image_classifications c JOIN images i ON i.id = c.image_id, json_each(c.attributes) a
     WHERE i.project_id = ? AND c.classifier_id = ? AND c.classifier_version = ? AND c.status = 'ok'
     GROUP BY a.key, a.value ORDER BY a.key, a.value`
  )
  const imageCount = db.prepare<[number], number>('SELECT count(*) FROM images WHERE project_id = ?').pluck()
  const ofImages = db.prepare<[string, string, string], { image_id: number; status: ClassificationStatus; attributes: string; confidence: number | null }>(
    `SELECT c.image_id, c.status, c.attributes, c.confidence FROM image_classifications c
     WHERE c.classifier_id = ? AND c.classifier_version = ? AND c.image_id IN (SELECT value FROM json_each(?))`
  )
  const ofProject = db.prepare<[number, string, string], { image_id: number; status: ClassificationStatus; attributes: string; confidence: number | null }>(
    `SELECT c.image_id, c.status, c.attributes, c.confidence FROM image_classifications c JOIN images i ON i.id = c.image_id
     WHERE i.project_id = ? AND c.classifier_id = ? AND c.classifier_version = ?`
  )
  const stored = (r: { status: ClassificationStatus; attributes: string; confidence: number | null }): StoredVerdict => ({
    status: r.status,
    attributes: JSON.parse(r.attributes) as Record<string, string>,
    confidence: r.confidence
  })

  const writeBatch = db.transaction((key: ClassifierKey, rows: { imageId: number; verdict: StoredVerdict }[]) => {
    for (const { imageId, verdict } of rows) {
      verdicts.record({ imageId, classifierId: key.id, classifierVersion: key.version, status: verdict.status, attributes: verdict.attributes, confidence: verdict.confidence })
    }
  })

  /** The verdicts of one classifier version for these images, by image id (images without one are absent). */
  const read = (key: ClassifierKey, imageIds: readonly number[]): Map<number, StoredVerdict> => {
    const out = new Map<number, StoredVerdict>()
    for (let i = 0; i < imageIds.length; i += CHUNK) {
      for (const r of ofImages.all(key.id, key.version, JSON.stringify(imageIds.slice(i, i + CHUNK)))) out.set(r.image_id, stored(r))
    }
    return out
  }

  const countsOf = (scope: Scope, key: ClassifierKey): StatusCounts => {
    const c: StatusCounts = { ok: 0, no_detection: 0, low_confidence: 0, error: 0 }
    for (const r of statusCounts.all({ ...scope, cid: key.id, cver: key.version })) c[r.status] = r.n
    return c
  }

  return {
    /** Highest image id in the scope now (0 when it has no images). */
    maxImageId: (projectId: number, promptId: number | null): number => maxId.get(projectId, promptId, promptId) ?? 0,
    total: (scope: Scope): number => total.get(scope)!,
    pendingCount: (scope: Scope, key: ClassifierKey): number => pendingCount.get({ ...scope, cid: key.id, cver: key.version })!,
    /** The next images without a verdict of this classifier version, lowest ids first. */
    pending: (scope: Scope, key: ClassifierKey, limit: number) => pending.all({ ...scope, cid: key.id, cver: key.version, limit }).map((r) => ({ id: r.id, path: r.file_path })),
    read,
    /** The ids (in the given order) without a verdict of this classifier version. */
    pendingOf(key: ClassifierKey, imageIds: readonly number[]): number[] {
      const done = read(key, imageIds)
      return imageIds.filter((id) => !done.has(id))
    },
    /** Every verdict of one classifier version on the project's images, by image id. */
    ofProject: (projectId: number, key: ClassifierKey): Map<number, StoredVerdict> => new Map(ofProject.all(projectId, key.id, key.version).map((r) => [r.image_id, stored(r)])),
    /** Stores a batch of verdicts in one transaction: a kill leaves the batch all written or all pending. */
    write: (key: ClassifierKey, rows: { imageId: number; verdict: StoredVerdict }[]): void => writeBatch.immediate(key, rows),
    counts: countsOf,
    summary(projectId: number): ClassifierSummary[] {
      const all = imageCount.get(projectId)!
      const scope: Scope = { projectId, promptId: null, maxImageId: Number.MAX_SAFE_INTEGER }
      return classifiersOf.all(projectId).map((k) => {
        const key = { id: k.classifier_id, version: k.classifier_version }
        const counts = countsOf(scope, key)
        const byAxis = new Map<string, { cls: string; count: number }[]>()
        for (const r of axisCounts.all(projectId, key.id, key.version)) {
          const list = byAxis.get(r.axis) ?? []
          list.push({ cls: r.cls, count: r.n })
          byAxis.set(r.axis, list)
        }
        const classified = counts.ok + counts.no_detection + counts.low_confidence + counts.error
        return {
          classifierId: key.id,
          classifierVersion: key.version,
          counts,
          unclassified: all - classified,
          axes: [...byAxis].map(([axis, counts]) => ({ axis, counts }))
        }
      })
    }
  }
}
export type ClassifyStore = ReturnType<typeof classifyStore>
