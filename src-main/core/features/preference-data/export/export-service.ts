// Exports for external trainers as background jobs: the output path is checked up front, then the job
// streams the snapshot (or the project's current judgements, built fresh when the job runs) into a
// temporary file, reporting progress per set pair and stopping at the next pair when cancelled, and
// renames it onto the chosen name only when complete.
import type { Criterion, ExportFormat, Job } from '@shared/contract'
import { ApiFailure } from '../../../errors/api-failure'
import type { Workspace } from '../../../store/open'
import type { JobContext, JobRunner } from '../../../jobs/runner'
import { buildSnapshotContent, type SnapshotContent } from '../snapshots/build'
import { contentHash } from '../snapshots/hash'
import { loadSnapshotContent, SnapshotError } from '../snapshots/service'
import { openAtomicFile } from './atomic-file'
import { exportFacts } from './facts'
import { writeNativeJsonl } from './native-jsonl'
import { checkOutPath, OutPathError } from './out-path'
import { exportPairs } from './pair-rows'
import { writePickapicParquet } from './pickapic-parquet'
import { isPopalignCsv, writePopalignCsv } from './popalign-csv'

export type ExportSource = { snapshotId: number } | { projectId: number; criterion: Criterion }

export interface ExportRequest {
  source: ExportSource
  format: ExportFormat
  outPath: string
  overwrite: boolean
}

/** What the job keeps in its payload: enough to run it again from the start after a crash. */
interface ExportPayload {
  source: ExportSource
  format: ExportFormat
  outPath: string
}

export interface ExportService {
  start(request: ExportRequest): Job
}

/** `exportRoots`: the folders exports may be written under (StudioConfig.exportRoots). */
export function createExportService(deps: { ws: Workspace; runner: JobRunner; exportRoots: readonly string[] }): ExportService {
  const { ws, runner } = deps

  const contentOf = (source: ExportSource): { content: SnapshotContent; snapshotId: number | null; version: number | null; sha: string } => {
    if ('snapshotId' in source) {
      const loaded = loadSnapshotContent(ws, source.snapshotId)
      return { content: loaded, snapshotId: loaded.snapshot.id, version: loaded.snapshot.version, sha: loaded.snapshot.contentSha256 }
    }
    const content = buildSnapshotContent(ws.db, source.projectId, source.criterion)
    return { content, snapshotId: null, version: null, sha: contentHash(content) }
  }

  runner.register('export', async (ctx: JobContext) => {
    const payload = ctx.payload as ExportPayload
    const { content, snapshotId, version, sha } = contentOf(payload.source)
    // Ties belong in the parquet (as 0.5) and in the native file, never in the PopAlign CSV.
    const pairs = exportPairs(content, { includeUndecided: !isPopalignCsv(payload.format) })
    const total = payload.format === 'jsonl' ? content.pairs.length : pairs.length
    ctx.progress({ done: 0, total, message: `exporting ${total} set pair(s)` })
    const step = async (done: number): Promise<void> => {
      ctx.progress({ done })
      // Yield so a cancel (or shutdown) can land between pairs, then stop at this safe point.
      await new Promise<void>((resolve) => setImmediate(resolve))
      if (ctx.signal.aborted) throw new Error('export cancelled')
    }
    const out = openAtomicFile(payload.outPath, `job${ctx.jobId}`)
    try {
      let rows: number
      const facts = exportFacts(ws.db)
      if (isPopalignCsv(payload.format)) rows = await writePopalignCsv(pairs, out, step, { spreadsheetSafe: payload.format === 'popalign_csv_safe' })
      else if (payload.format === 'pickapic_parquet') rows = await writePickapicParquet(pairs, facts, classifierId(ws), out, step)
      else rows = await writeNativeJsonl(content, { snapshotId, snapshotVersion: version, contentSha256: sha }, facts, out, step)
      if (ctx.signal.aborted) throw new Error('export cancelled')
      out.commit()
      return { message: `wrote ${rows} ${payload.format === 'jsonl' ? 'line(s)' : 'row(s)'} to ${payload.outPath}` }
    } catch (err) {
      out.abort()
      throw err
    }
  })

  return {
    start(request) {
      const projectId = projectOf(request.source)
      const outPath = userErrors(() => checkOutPath(request.outPath, { workspaceDbFile: ws.file, overwrite: request.overwrite, allowedRoots: deps.exportRoots }))
      const { content } = userErrors(() => contentOf(request.source))
      const usable = exportPairs(content, { includeUndecided: !isPopalignCsv(request.format) })
      if ((request.format === 'jsonl' ? content.pairs.length : usable.length) === 0) {
        throw new ApiFailure('bad_request', `nothing to export: ${describe(request.source)} has no ${isPopalignCsv(request.format) ? 'decided ' : ''}judged set pairs`)
      }
      const payload: ExportPayload = { source: request.source, format: request.format, outPath }
      return runner.start('export', { projectId, payload, message: `export ${request.format} to ${outPath}` })
    }
  }

  function projectOf(source: ExportSource): number {
    if ('snapshotId' in source) {
      const snapshot = ws.db.prepare<[number], number>('SELECT project_id FROM preference_snapshots WHERE id = ?').pluck().get(source.snapshotId)
      if (snapshot === undefined) throw new ApiFailure('not_found', `snapshot ${source.snapshotId} does not exist`)
      return snapshot
    }
    if (!ws.projects.get(source.projectId)) throw new ApiFailure('not_found', `project ${source.projectId} does not exist`)
    return source.projectId
  }
}

function classifierId(ws: Workspace): number | null {
  return ws.db.prepare<[], number>("SELECT id FROM annotators WHERE name = 'classifier'").pluck().get() ?? null
}

function describe(source: ExportSource): string {
  return 'snapshotId' in source ? `snapshot ${source.snapshotId}` : `project ${source.projectId} (${source.criterion})`
}

function userErrors<T>(fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    if (err instanceof OutPathError) throw new ApiFailure(err.code, err.message)
    if (err instanceof SnapshotError) throw new ApiFailure(err.code, err.message)
    throw err
  }
}
