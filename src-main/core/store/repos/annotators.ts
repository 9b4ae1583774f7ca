// People and classifiers who make judgements. Every workspace starts with "owner" and "classifier".
import type Database from 'better-sqlite3'
import type { Annotator } from '@shared/contract'

export const OWNER_ANNOTATOR = 'owner'
export const CLASSIFIER_ANNOTATOR = 'classifier'

interface AnnotatorRow {
  id: number
  name: string
  kind: 'human' | 'classifier'
}

const toAnnotator = (r: AnnotatorRow): Annotator => ({ id: r.id, name: r.name, kind: r.kind })

/** An annotator with the fields only the owner sees (migration 0004 added revoked_at). */
export interface AnnotatorStatus extends Annotator {
  revoked: boolean
  createdAt: string
}
interface StatusRow extends AnnotatorRow {
  created_at: string
  revoked_at: string | null
}
const toStatus = (r: StatusRow): AnnotatorStatus => ({ ...toAnnotator(r), revoked: r.revoked_at !== null, createdAt: r.created_at })

export function annotatorsRepo(db: Database.Database) {
  const insert = db.prepare<[string, string], AnnotatorRow>('INSERT INTO annotators (name, kind) VALUES (?, ?) RETURNING id, name, kind')
  const byId = db.prepare<[number], AnnotatorRow>('SELECT id, name, kind FROM annotators WHERE id = ?')
  const byName = db.prepare<[string], AnnotatorRow>('SELECT id, name, kind FROM annotators WHERE name = ?')
  const all = db.prepare<[], AnnotatorRow>('SELECT id, name, kind FROM annotators ORDER BY id')
  const statusById = db.prepare<[number], StatusRow>('SELECT id, name, kind, created_at, revoked_at FROM annotators WHERE id = ?')
  const allStatus = db.prepare<[], StatusRow>('SELECT id, name, kind, created_at, revoked_at FROM annotators ORDER BY id')
  const markRevoked = db.prepare<[number]>("UPDATE annotators SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ? AND revoked_at IS NULL")
  const get = (id: number): Annotator | null => {
    const row = byId.get(id)
    return row ? toAnnotator(row) : null
  }
  const named = (name: string): Annotator | null => {
    const row = byName.get(name)
    return row ? toAnnotator(row) : null
  }
  return {
    create(name: string, kind: Annotator['kind'] = 'human'): Annotator {
      return toAnnotator(insert.get(name, kind)!)
    },
    get,
    byName: named,
    list(): Annotator[] {
      return all.all().map(toAnnotator)
    },
    /** The workspace owner, seeded by migration 0002. */
    owner(): Annotator {
      return named(OWNER_ANNOTATOR)!
    },
    classifier(): Annotator {
      return named(CLASSIFIER_ANNOTATOR)!
    },
    status(id: number): AnnotatorStatus | null {
      const row = statusById.get(id)
      return row ? toStatus(row) : null
    },
    listStatus(): AnnotatorStatus[] {
      return allStatus.all().map(toStatus)
    },
    /** Stamps revoked_at (history stays); returns whether the annotator was live before. */
    revoke(id: number): boolean {
      return markRevoked.run(id).changes > 0
    }
  }
}
export type AnnotatorsRepo = ReturnType<typeof annotatorsRepo>
