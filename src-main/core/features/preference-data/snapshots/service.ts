// Preference snapshots over a workspace: create (freeze the current judgements), list, get, and the
// training rows the fine-tuning trainer reads.
import type { Criterion } from '@shared/contract'
import type { Workspace } from '../../../store/open'
import { snapshotsRepo, type SnapshotRecord } from './store'
import { buildSnapshotContent, type SnapshotContent } from './build'
import { contentHash } from './hash'

export interface SnapshotRow {
  imageId: number
  filePath: string
  caption: string
  label: 1 | -1
  pairId: number
  setId: number
}

export class SnapshotError extends Error {
  constructor(
    readonly code: 'not_found' | 'bad_request',
    message: string
  ) {
    super(message)
  }
}

export function createSnapshot(ws: Workspace, projectId: number, criterion: Criterion, name?: string): SnapshotRecord {
  if (!ws.projects.get(projectId)) throw new SnapshotError('not_found', `project ${projectId} does not exist`)
  // Read and write under one write lock, so no judgement can slip in between what is read and what is stored.
  return ws.db
    .transaction(() => {
      const content = buildSnapshotContent(ws.db, projectId, criterion)
      if (content.counts.pairsJudged === 0) {
        throw new SnapshotError('bad_request', `project ${projectId} has no ${criterion} judgements yet; judge some set pairs before taking a snapshot`)
      }
      return snapshotsRepo(ws.db).create(content, contentHash(content), name)
    })
    .immediate()
}

export function getSnapshot(ws: Workspace, snapshotId: number): SnapshotRecord {
  const record = snapshotsRepo(ws.db).get(snapshotId)
  if (!record) throw new SnapshotError('not_found', `snapshot ${snapshotId} does not exist`)
  return record
}

export function listSnapshots(ws: Workspace, projectId: number): SnapshotRecord[] {
  if (!ws.projects.get(projectId)) throw new SnapshotError('not_found', `project ${projectId} does not exist`)
  return snapshotsRepo(ws.db).list(projectId)
}

/** The stored content of a snapshot, in the same shape a live build has (exports read either). */
export function loadSnapshotContent(ws: Workspace, snapshotId: number): SnapshotContent & { snapshot: SnapshotRecord } {
  const snapshot = getSnapshot(ws, snapshotId)
  const repo = snapshotsRepo(ws.db)
  return {
    snapshot,
    projectId: snapshot.projectId,
    criterion: snapshot.criterion,
    pairs: repo.pairs(snapshotId),
    items: repo.items(snapshotId),
    counts: snapshot.counts,
    sources: snapshot.sources
  }
}

/** The per-image training rows of a snapshot (winners +1, losers -1), in snapshot order. */
export function snapshotRows(ws: Workspace, snapshotId: number): SnapshotRow[] {
  getSnapshot(ws, snapshotId)
  const repo = snapshotsRepo(ws.db)
  const captions = new Map(repo.pairs(snapshotId).map((p) => [p.pairId, p.caption]))
  return repo.labelledItems(snapshotId).map((item) => ({
    imageId: item.imageId,
    filePath: item.filePath,
    // Labelled pairs always have a caption: pairs without a neutral prompt are excluded.
    caption: captions.get(item.pairId)!,
    label: item.label as 1 | -1,
    pairId: item.pairId,
    setId: item.setId
  }))
}
