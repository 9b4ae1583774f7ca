// Import as a resumable background job.
//
// Plan: the folder's manifest is listed in the import_files ledger (all `pending`, manifest-level
// problems already `failed`) in one transaction together with `planned: true` in the job payload.
// Work: pending files are read, hashed, checked and thumbnailed a few at a time; each chunk's
// outcome (prompt, image row, ledger status, progress) is committed in one transaction. A kill at
// any point therefore leaves every file either done (with its image row) or still pending, and the
// resumed job redoes only the pending ones. Thumbnails are content-addressed and written atomically,
// so redoing one is harmless.
import { mkdirSync, readdirSync, type Dirent } from 'node:fs'
import path from 'node:path'
import type { ImportReport, Job } from '@shared/contract'
import { ApiFailure } from '../../errors/api-failure'
import { imagesRepo } from '../../store/repos/images'
import { importFilesRepo } from '../../store/repos/import-files'
import { promptsRepo } from '../../store/repos/prompts'
import type { Workspace } from '../../store/workspace'
import type { JobContext, JobRunner } from '../../jobs/runner'
import { ImageRejectedError, loadImage, removeStaleThumbnailTemps, writeThumbnail, type LoadedImage } from './image-file'
import { ImportFolderError, realImportFolder } from './import-folder'
import { DEFAULT_IMPORT_LIMITS, type ImportLimits } from './limits'
import { buildManifest, type ManifestEntry } from './manifest'
import { decideStart } from './start-guard'
import { mapLimit } from './map-limit'

export interface ImportServiceDeps {
  ws: Workspace
  runner: JobRunner
  /** Folder of the workspace; thumbnails go to `<workspaceDir>/thumbs/<sha256>.webp`. */
  workspaceDir: string
  limits?: Partial<ImportLimits>
  /** Files decoded at once. libvips is multi-threaded per image, so a few is enough on small machines. */
  concurrency?: number
  /** Files per committed chunk: bigger is faster (fewer fsyncs), smaller loses less on a kill. */
  chunkSize?: number
}

export interface ImportService {
  start(projectId: number, folder: string): Job
  report(jobId: number): ImportReport
}

interface ImportPayload {
  folder: string
  planned: boolean
  /** Starts in a row that ended without progress (see start-guard.ts). */
  startsWithoutProgress?: number
}

type Outcome = { rowId: number; entry: ManifestEntry; image: LoadedImage; thumb: string } | { rowId: number; reason: string }

export function thumbsDirOf(workspaceDir: string): string {
  return path.join(workspaceDir, 'thumbs')
}

export function createImportService(deps: ImportServiceDeps): ImportService {
  const db = deps.ws.db
  const limits: ImportLimits = { ...DEFAULT_IMPORT_LIMITS, ...deps.limits }
  const concurrency = deps.concurrency ?? 4
  const chunkSize = deps.chunkSize ?? 32
  const thumbsDir = thumbsDirOf(deps.workspaceDir)
  const files = importFilesRepo(db)
  const images = imagesRepo(db, thumbsDir)
  const prompts = promptsRepo(db)
  const projectExists = db.prepare<[number], number>('SELECT 1 FROM projects WHERE id = ?').pluck()
  const jobOf = db.prepare<[number], { kind: string; payload: string }>('SELECT kind, payload FROM jobs WHERE id = ?')
  const listFile = db.prepare<[number, string]>('INSERT INTO import_files (job_id, rel_path) VALUES (?, ?) ON CONFLICT (job_id, rel_path) DO NOTHING')
  const failFile = db.prepare<[string, number, string]>("UPDATE import_files SET status = 'failed', reason = ? WHERE job_id = ? AND rel_path = ?")
  const doneCount = db.prepare<[number], number>("SELECT count(*) FROM import_files WHERE job_id = ? AND status <> 'pending'").pluck()
  const totalCount = db.prepare<[number], number>('SELECT count(*) FROM import_files WHERE job_id = ?').pluck()
  const savePlan = db.prepare<[string, number, number]>("UPDATE jobs SET payload = ?, total = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?")
  const saveDone = db.prepare<[number, string, number]>("UPDATE jobs SET done = ?, message = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ? AND state = 'running'")

  /** Lists the manifest in the ledger; all or nothing, so a kill mid-plan simply plans again. */
  const plan = db.transaction((jobId: number, payload: ImportPayload, entries: ManifestEntry[]) => {
    for (const e of entries) listFile.run(jobId, e.relPath)
    for (const e of entries) if (e.problem) failFile.run(e.problem, jobId, e.relPath)
    savePlan.run(JSON.stringify(payload satisfies ImportPayload), entries.length, jobId)
  })

  const savepoint = db.transaction((fn: () => unknown) => fn())
  const tryStore = <T>(fn: () => T): T | { reason: string } => {
    try {
      return savepoint(fn) as T
    } catch (err) {
      return { reason: `cannot store the image: ${err instanceof Error ? err.message.slice(0, 200) : String(err)}` }
    }
  }

  /** Records one chunk of outcomes; prompt ids are cached across chunks of the job. */
  const commit = db.transaction((jobId: number, projectId: number, folder: string, outcomes: Outcome[], promptIds: Map<string, number>) => {
    for (const o of outcomes) {
      if ('reason' in o) {
        files.mark(o.rowId, 'failed', { reason: o.reason })
        continue
      }
      const text = o.entry.prompt!
      // A savepoint per file: a row SQLite refuses fails that file alone, not the whole chunk.
      const stored = tryStore(() => {
        // New prompts are identity-neutral until the owner says otherwise.
        const promptId = promptIds.get(text) ?? prompts.ensure({ projectId, text, kind: 'neutral' }).id
        const added = images.add({
          projectId,
          promptId,
          sha256: o.image.sha256,
          filePath: o.entry.absPath!,
          rootPath: folder,
          width: o.image.width,
          height: o.image.height,
          bytes: o.image.size,
          seed: o.entry.seed,
          generator: o.entry.generator,
          provenance: { ...o.entry.provenance, importedFrom: o.entry.relPath, format: o.image.format },
          thumbPath: o.thumb
        })
        // Cached only once stored: an id from a rolled-back savepoint would not exist.
        promptIds.set(text, promptId)
        return added
      })
      if ('reason' in stored) files.mark(o.rowId, 'failed', { reason: stored.reason })
      else files.mark(o.rowId, stored.duplicate ? 'duplicate' : 'imported', { imageId: stored.image.id })
    }
    const done = doneCount.get(jobId)!
    saveDone.run(done, `imported ${done} of ${totalCount.get(jobId)!} files`, jobId)
    return done
  })

  async function processOne(rowId: number, entry: ManifestEntry | undefined): Promise<Outcome> {
    if (!entry) return { rowId, reason: 'file is no longer in the folder (removed before it was imported)' }
    if (entry.problem || !entry.absPath || entry.prompt === null) return { rowId, reason: entry.problem ?? 'no prompt' }
    try {
      const image = await loadImage(entry.absPath, limits)
      const thumb = await writeThumbnail(image, thumbsDir)
      // Drop the bytes now: outcomes wait for the chunk to finish, and 32 full images add up.
      return { rowId, entry, image: { ...image, bytes: Buffer.alloc(0) }, thumb }
    } catch (err) {
      if (err instanceof ImageRejectedError) return { rowId, reason: err.message }
      return { rowId, reason: `cannot import: ${err instanceof Error ? err.message : String(err)}` }
    }
  }

  async function runImport(ctx: JobContext): Promise<{ message: string }> {
    let payload = parsePayload(ctx.payload)
    const projectId = ctx.projectId
    if (projectId === null) throw new Error('import job has no project')
    // Counted before any risky work, so a start that takes the process down is remembered.
    const decision = decideStart(payload.startsWithoutProgress)
    if (!decision.run) {
      deps.ws.jobs.update(ctx.jobId, { state: 'paused', message: decision.message })
      return { message: decision.message }
    }
    const saveStarts = (startsWithoutProgress: number): void => {
      payload = { ...payload, startsWithoutProgress }
      ctx.savePayload(payload)
    }
    saveStarts(decision.starts)
    mkdirSync(thumbsDir, { recursive: true })
    await removeStaleThumbnailTemps(thumbsDir)

    // The manifest is rebuilt on resume too: it is derived from the folder, and rebuilding is
    // cheaper and simpler than storing prompts and provenance for every pending file.
    const manifest = await buildManifest(payload.folder, limits)
    const byRel = new Map(manifest.entries.map((e) => [e.relPath, e]))
    if (!payload.planned) {
      payload = { ...payload, folder: manifest.folder, planned: true }
      plan(ctx.jobId, payload, manifest.entries)
    }

    const total = totalCount.get(ctx.jobId)!
    const pending = files.pending(ctx.jobId)
    let done = doneCount.get(ctx.jobId)!
    ctx.progress({ done, total, message: `importing ${total} files` })
    const promptIds = new Map<string, number>()

    // A sliding window rather than chunk-by-chunk: decoders never wait for the slowest file of a
    // chunk. Outcomes are committed in batches (one transaction and one fsync per batch); commits
    // are synchronous, so no other outcome lands while one runs. They are committed in file order
    // (a finished file waits, as a small record, for the ones before it), so which of two
    // identical files is kept and which is the duplicate does not depend on decode timing.
    const finished = new Map<number, Outcome>()
    let nextInOrder = 0
    let batch: Outcome[] = []
    let lastFlush = Date.now()
    const flush = (): void => {
      if (batch.length === 0 || ctx.signal.aborted) return
      done = commit(ctx.jobId, projectId, manifest.folder, batch, promptIds)
      if (payload.startsWithoutProgress) saveStarts(0)
      batch = []
      lastFlush = Date.now()
      ctx.progress({ done, total, message: `imported ${done} of ${total} files` })
    }
    await mapLimit(pending, concurrency, async (row, index) => {
      // A cancel stops new work; files already read are simply left pending.
      if (ctx.signal.aborted) return
      finished.set(index, await processOne(row.id, byRel.get(row.relPath)))
      for (let o = finished.get(nextInOrder); o !== undefined; o = finished.get(nextInOrder)) {
        batch.push(o)
        finished.delete(nextInOrder++)
      }
      // Large images arrive slowly: commit at least once a second so progress keeps moving.
      if (batch.length >= chunkSize || Date.now() - lastFlush > 1000) flush()
    })
    flush()
    // Stopped on purpose (shutdown): not a crash, so it does not count towards parking.
    if (ctx.signal.aborted && payload.startsWithoutProgress) saveStarts(0)
    const c = files.counts(ctx.jobId)
    if (total === 0) return { message: 'no images found' }
    return { message: `${c.imported} imported, ${c.duplicate} duplicates, ${c.failed} failed` }
  }

  deps.runner.register('import', runImport)

  return {
    start(projectId, folder) {
      if (!projectExists.get(projectId)) throw new ApiFailure('not_found', `project ${projectId} does not exist`)
      const real = checkFolder(folder)
      return deps.runner.start('import', { projectId, payload: { folder: real, planned: false } satisfies ImportPayload, message: `scanning ${real}` })
    },
    report(jobId) {
      const job = jobOf.get(jobId)
      if (!job) throw new ApiFailure('not_found', `job ${jobId} does not exist`)
      if (job.kind !== 'import') throw new ApiFailure('bad_request', `job ${jobId} is not an import (it is a ${job.kind} job)`)
      const report = files.report(jobId)
      const folder = parsePayload(JSON.parse(job.payload)).folder
      if (report.imported + report.duplicates + report.failures.length > 0) {
        // Every top-level file was tried (and is imported or failed with a reason); sub-folders are not
        // searched, which the report says rather than passing over them in silence.
        const folders = ignoredIn(folder, (d) => d.isDirectory())
        return folders.total > 0 ? { ...report, ignored: folders } : report
      }
      // Nothing was tried: say what the folder holds instead, so "no images" is not read as success.
      return { ...report, ignored: ignoredIn(folder) }
    }
  }
}

function checkFolder(folder: string): string {
  try {
    return realImportFolder(folder)
  } catch (err) {
    if (err instanceof ImportFolderError) throw new ApiFailure('bad_request', err.message)
    throw err
  }
}

/** How many top-level names of an import with no images are listed; the rest are only counted. */
export const IGNORED_LISTED = 20

/** The folder's top-level entries an import passed over (folders end in "/"); hidden ones are left out. */
function ignoredIn(folder: string, keep: (entry: Dirent) => boolean = () => true): { names: string[]; total: number } {
  let names: string[]
  try {
    names = readdirSync(folder, { withFileTypes: true })
      .filter((d) => !d.name.startsWith('.') && keep(d))
      .map((d) => (d.isDirectory() ? `${d.name}/` : d.name))
      .sort()
  } catch {
    names = []
  }
  return { names: names.slice(0, IGNORED_LISTED), total: names.length }
}

function parsePayload(raw: unknown): ImportPayload {
  const p = raw as Partial<ImportPayload> | null
  if (!p || typeof p.folder !== 'string' || typeof p.planned !== 'boolean') throw new Error('import job payload is damaged (no folder)')
  return { folder: p.folder, planned: p.planned, startsWithoutProgress: typeof p.startsWithoutProgress === 'number' ? p.startsWithoutProgress : 0 }
}
