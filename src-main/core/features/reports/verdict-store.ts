// The report job's reads and writes of image_classifications (migration 0004): which of its images
// still lack a verdict of the report's classifier version, writing a batch of verdicts in one
// transaction (so a kill leaves a batch all written or all pending), and reading them back.
import type Database from 'better-sqlite3'
import { classificationsRepo, type ClassificationStatus } from '../../store/repos/classifications'

export interface ClassifierKey {
  id: string
  version: string
}

export interface StoredVerdict {
  status: ClassificationStatus
  attributes: Record<string, string>
  confidence: number | null
}

/** Ids per query (SQLite binds the list as one JSON array). */
const CHUNK = 5000

export function verdictStore(db: Database.Database) {
  const repo = classificationsRepo(db)
  const have = db.prepare<[string, string, string], { image_id: number; status: ClassificationStatus; attributes: string; confidence: number | null }>(
    `SELECT c.image_id, c.status, c.attributes, c.confidence FROM image_classifications c
     WHERE c.classifier_id = ? AND c.classifier_version = ? AND c.image_id IN (SELECT value FROM json_each(?))`
  )
  const writeBatch = db.transaction((key: ClassifierKey, rows: { imageId: number; verdict: StoredVerdict }[]) => {
    for (const { imageId, verdict } of rows) repo.record({ imageId, classifierId: key.id, classifierVersion: key.version, ...verdict })
  })

  const read = (key: ClassifierKey, imageIds: readonly number[]): Map<number, StoredVerdict> => {
    const out = new Map<number, StoredVerdict>()
    for (let i = 0; i < imageIds.length; i += CHUNK) {
      for (const r of have.all(key.id, key.version, JSON.stringify(imageIds.slice(i, i + CHUNK)))) {
        out.set(r.image_id, { status: r.status, attributes: JSON.parse(r.attributes) as Record<string, string>, confidence: r.confidence })
      }
    }
    return out
  }

  return {
    read,
    /** The ids (in the given order) without a verdict of this classifier version. */
    pending(key: ClassifierKey, imageIds: readonly number[]): number[] {
      const done = read(key, imageIds)
      return imageIds.filter((id) => !done.has(id))
    },
    write: (key: ClassifierKey, rows: { imageId: number; verdict: StoredVerdict }[]): void => writeBatch.immediate(key, rows)
  }
}
