// The content hash of a snapshot: SHA-256 over a canonical listing of its pairs (outcome, agreement,
// the votes behind it) and its rows. Name, version and creation time are left out, so two snapshots
// of unchanged judgements hash the same and any change in what a trainer would read changes it.
import { createHash } from 'node:crypto'
import type { SnapshotContent } from './build'

export function contentHash(content: Pick<SnapshotContent, 'projectId' | 'criterion' | 'pairs' | 'items'>): string {
  const canonical = {
    format: 'popalign-snapshot/1',
    projectId: content.projectId,
    criterion: content.criterion,
    pairs: content.pairs.map((p) => [p.pairId, p.setA, p.setB, p.caption, p.outcome, p.agreement, p.adjudicationId, p.votes.map((v) => [v.judgementId, v.annotatorId, v.choice])]),
    items: content.items.map((i) => [i.pairId, i.setId, i.position, i.imageId, i.sha256, i.filePath, i.label])
  }
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex')
}
