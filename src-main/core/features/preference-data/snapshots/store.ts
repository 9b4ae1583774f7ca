// Preference snapshots: written once, read many times. There is deliberately no update or delete
// here (and the schema's triggers refuse both), so a snapshot's pairs and rows never change.
import type Database from 'better-sqlite3'
import type { Criterion } from '@shared/contract'
import type { ContentItem, ContentPair, SnapshotContent, SnapshotCounts, SnapshotSources } from './build'

export interface SnapshotRecord {
  id: number
  projectId: number
  version: number
  name: string
  criterion: Criterion
  contentSha256: string
  counts: SnapshotCounts
  sources: SnapshotSources
  createdAt: string
}

interface SnapshotRow {
  id: number
  project_id: number
  version: number
  name: string
  criterion: Criterion
  content_sha256: string
  counts: string
  sources: string
  created_at: string
}

interface PairRow {
  pair_id: number
  set_a: number
  set_b: number
  caption: string | null
  outcome: ContentPair['outcome']
  agreement: number
  votes: string
  adjudication_id: number | null
  decided_at: string
}

interface ItemRow {
  pair_id: number
  set_id: number
  position: number
  image_id: number
  sha256: string
  file_path: string
  label: 1 | -1 | 0
}

const toRecord = (r: SnapshotRow): SnapshotRecord => ({
  id: r.id,
  projectId: r.project_id,
  version: r.version,
  name: r.name,
  criterion: r.criterion,
  contentSha256: r.content_sha256,
  counts: JSON.parse(r.counts) as SnapshotCounts,
  sources: JSON.parse(r.sources) as SnapshotSources,
  createdAt: r.created_at
})

const toPair = (r: PairRow): ContentPair => ({
  pairId: r.pair_id,
  setA: r.set_a,
  setB: r.set_b,
  caption: r.caption,
  outcome: r.outcome,
  agreement: r.agreement,
  votes: JSON.parse(r.votes) as ContentPair['votes'],
  adjudicationId: r.adjudication_id,
  decidedAt: r.decided_at
})

const toItem = (r: ItemRow): ContentItem => ({
  pairId: r.pair_id,
  setId: r.set_id,
  position: r.position,
  imageId: r.image_id,
  sha256: r.sha256,
  filePath: r.file_path,
  label: r.label
})

export function snapshotsRepo(db: Database.Database) {
  const nextVersion = db.prepare<[number], number>('SELECT coalesce(max(version), 0) + 1 FROM preference_snapshots WHERE project_id = ?').pluck()
  const insertSnapshot = db.prepare<[number, number, string, string, string, string, string], SnapshotRow>(
    `INSERT INTO preference_snapshots (project_id, version, name, criterion, content_sha256, counts, sources)
     VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`
  )
  const insertPair = db.prepare(
    `INSERT INTO snapshot_pairs (snapshot_id, pair_id, set_a, set_b, caption, outcome, agreement, votes, adjudication_id, decided_at)
     VALUES (@snapshotId, @pairId, @setA, @setB, @caption, @outcome, @agreement, @votes, @adjudicationId, @decidedAt)`
  )
  const insertItem = db.prepare(
    `INSERT INTO snapshot_items (snapshot_id, ord, pair_id, set_id, position, image_id, sha256, file_path, label)
     VALUES (@snapshotId, @ord, @pairId, @setId, @position, @imageId, @sha256, @filePath, @label)`
  )
  const byId = db.prepare<[number], SnapshotRow>('SELECT * FROM preference_snapshots WHERE id = ?')
  const ofProject = db.prepare<[number], SnapshotRow>('SELECT * FROM preference_snapshots WHERE project_id = ? ORDER BY version DESC')
  const pairsOf = db.prepare<[number], PairRow>('SELECT * FROM snapshot_pairs WHERE snapshot_id = ? ORDER BY pair_id')
  const itemsOf = db.prepare<[number], ItemRow>('SELECT * FROM snapshot_items WHERE snapshot_id = ? ORDER BY ord')
  const labelledOf = db.prepare<[number], ItemRow>('SELECT * FROM snapshot_items WHERE snapshot_id = ? AND label <> 0 ORDER BY ord')

  /** Writes a whole snapshot in one transaction: it exists completely or not at all. */
  const insert = db.transaction((content: SnapshotContent, contentSha256: string, name: string | undefined): SnapshotRecord => {
    const version = nextVersion.get(content.projectId)!
    const row = insertSnapshot.get(content.projectId, version, name ?? `v${version}`, content.criterion, contentSha256, JSON.stringify(content.counts), JSON.stringify(content.sources))!
    for (const p of content.pairs) {
      insertPair.run({ snapshotId: row.id, ...p, votes: JSON.stringify(p.votes) })
    }
    content.items.forEach((item, ord) => insertItem.run({ snapshotId: row.id, ord, ...item }))
    return toRecord(row)
  })

  return {
    /** Version numbers are per project and taken inside the write lock, so two creators never collide. */
    create: (content: SnapshotContent, contentSha256: string, name?: string): SnapshotRecord => insert.immediate(content, contentSha256, name),
    get(id: number): SnapshotRecord | null {
      const row = byId.get(id)
      return row ? toRecord(row) : null
    },
    list: (projectId: number): SnapshotRecord[] => ofProject.all(projectId).map(toRecord),
    pairs: (id: number): ContentPair[] => pairsOf.all(id).map(toPair),
    /** Every member of every pair, in snapshot order (label 0 for members of excluded pairs). */
    items: (id: number): ContentItem[] => itemsOf.all(id).map(toItem),
    /** Only the training rows (+1 / -1). */
    labelledItems: (id: number): ContentItem[] => labelledOf.all(id).map(toItem)
  }
}
export type SnapshotsRepo = ReturnType<typeof snapshotsRepo>
