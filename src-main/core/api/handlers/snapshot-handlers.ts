// API handlers of preference snapshots and exports for external trainers (issue 4). Snapshots only need
// the workspace; exports need the export service (a job kind), and answer with a clear failure when the
// caller did not compose it.
import type { PreferenceSnapshot, PreferenceSnapshotDetail } from '@shared/contract'
import { ApiFailure, type Handlers } from '../dispatch'
import type { Workspace } from '../../store/open'
import type { SnapshotRecord } from '../../features/preference-data/snapshots/store'
import type { ExportService } from '../../features/preference-data/export/export-service'
import { createSnapshot, getSnapshot, listSnapshots, SnapshotError } from '../../features/preference-data/snapshots/service'

type Methods = 'snapshots.create' | 'snapshots.list' | 'snapshots.get' | 'export.start'

export function snapshotHandlers(ws: Workspace, exports: ExportService | undefined): Pick<Handlers, Methods> {
  return {
    'snapshots.create': ({ projectId, criterion, name }) => detail(userErrors(() => createSnapshot(ws, projectId, criterion, name))),
    'snapshots.list': ({ projectId }) => userErrors(() => listSnapshots(ws, projectId)).map(summary),
    'snapshots.get': ({ snapshotId }) => detail(userErrors(() => getSnapshot(ws, snapshotId))),
    'export.start': ({ snapshotId, projectId, criterion, format, outPath, overwrite }) => {
      if (!exports) throw new ApiFailure('conflict', 'exports are not running in this studio')
      const source = snapshotId !== undefined ? { snapshotId } : { projectId: projectId!, criterion }
      return exports.start({ source, format, outPath, overwrite })
    }
  }
}

export function summary(r: SnapshotRecord): PreferenceSnapshot {
  return {
    id: r.id,
    projectId: r.projectId,
    version: r.version,
    name: r.name,
    criterion: r.criterion,
    contentSha256: r.contentSha256,
    counts: r.counts,
    annotators: r.sources.annotators,
    classifier: r.sources.classifier,
    adjudications: r.sources.adjudicationIds.length,
    createdAt: r.createdAt
  }
}

function detail(r: SnapshotRecord): PreferenceSnapshotDetail {
  return { ...summary(r), judgementIds: r.sources.judgementIds, adjudicationIds: r.sources.adjudicationIds }
}

function userErrors<T>(fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    if (err instanceof SnapshotError) throw new ApiFailure(err.code, err.message)
    throw err
  }
}
