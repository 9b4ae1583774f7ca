// Per-image attribute verdicts of a classifier (one row per image and classifier version). The
// classifier runner writes them; the automatic MCMC judge and the live tally read them.
import type Database from 'better-sqlite3'
import type { ClassificationStatus } from '@shared/contract'

export interface ImageClassification {
  imageId: number
  classifierId: string
  classifierVersion: string
  status: ClassificationStatus
  /** axis name -> predicted class; empty unless the classifier could see the attributes. */
  attributes: Record<string, string>
  confidence: number | null
  createdAt: string
}

interface Row {
  image_id: number
  classifier_id: string
  classifier_version: string
  status: ClassificationStatus
  attributes: string
  confidence: number | null
  created_at: string
}

const toClassification = (r: Row): ImageClassification => ({
  imageId: r.image_id,
  classifierId: r.classifier_id,
  classifierVersion: r.classifier_version,
  status: r.status,
  attributes: JSON.parse(r.attributes) as Record<string, string>,
  confidence: r.confidence,
  createdAt: r.created_at
})

export function classificationsRepo(db: Database.Database) {
  const upsert = db.prepare(
    `INSERT INTO image_classifications (image_id, classifier_id, classifier_version, status, attributes, confidence)
     VALUES (@imageId, @classifierId, @classifierVersion, @status, @attributes, @confidence)
     ON CONFLICT (image_id, classifier_id, classifier_version) DO UPDATE SET
       status = excluded.status, attributes = excluded.attributes, confidence = excluded.confidence,
       created_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')`
  )
  // The newest verdict wins; rowid breaks ties between rows written in the same millisecond.
  const latestAny = db.prepare<[number], Row>('SELECT * FROM image_classifications WHERE image_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1')
  const latestOf = db.prepare<[number, string], Row>('SELECT * FROM image_classifications WHERE image_id = ? AND classifier_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1')
  return {
    /** Stores (or replaces) the verdict of one classifier version for one image. */
    record(c: Omit<ImageClassification, 'createdAt'>): void {
      if (c.status !== 'ok' && c.status !== 'low_confidence' && Object.keys(c.attributes).length > 0) {
        throw new Error(`image ${c.imageId}: a ${c.status} verdict cannot carry attributes`)
      }
      upsert.run({ ...c, attributes: JSON.stringify(c.attributes) })
    },
    /** The newest verdict for the image (of one classifier when named), or null if never classified. */
    latest(imageId: number, classifierId?: string | null): ImageClassification | null {
      const row = classifierId ? latestOf.get(imageId, classifierId) : latestAny.get(imageId)
      return row ? toClassification(row) : null
    }
  }
}
export type ClassificationsRepo = ReturnType<typeof classificationsRepo>
