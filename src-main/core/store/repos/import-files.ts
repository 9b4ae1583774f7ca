// The per-file ledger of an import job: every file is listed up front as pending, then marked one
// by one, so an import killed half-way resumes with exactly the files not yet done.
import type Database from 'better-sqlite3'
import type { ImportReport } from '@shared/contract'

export type ImportFileStatus = 'pending' | 'imported' | 'duplicate' | 'failed'

export interface ImportFileRow {
  id: number
  jobId: number
  relPath: string
  status: ImportFileStatus
  reason: string | null
  imageId: number | null
}

interface Row {
  id: number
  job_id: number
  rel_path: string
  status: ImportFileStatus
  reason: string | null
  image_id: number | null
}

const toFile = (r: Row): ImportFileRow => ({ id: r.id, jobId: r.job_id, relPath: r.rel_path, status: r.status, reason: r.reason, imageId: r.image_id })

export function importFilesRepo(db: Database.Database) {
  const insert = db.prepare<[number, string]>('INSERT INTO import_files (job_id, rel_path) VALUES (?, ?) ON CONFLICT (job_id, rel_path) DO NOTHING')
  const pending = db.prepare<[number], Row>("SELECT * FROM import_files WHERE job_id = ? AND status = 'pending' ORDER BY id")
  const mark = db.prepare<[string, string | null, number | null, number]>('UPDATE import_files SET status = ?, reason = ?, image_id = ? WHERE id = ?')
  const counts = db.prepare<[number], { status: ImportFileStatus; n: number }>('SELECT status, count(*) AS n FROM import_files WHERE job_id = ? GROUP BY status')
  const failures = db.prepare<[number], Row>("SELECT * FROM import_files WHERE job_id = ? AND status = 'failed' ORDER BY rel_path")
  const addMany = db.transaction((jobId: number, relPaths: readonly string[]) => {
    let added = 0
    for (const p of relPaths) added += insert.run(jobId, p).changes
    return added
  })
  const countByStatus = (jobId: number): Record<ImportFileStatus, number> => {
    const out: Record<ImportFileStatus, number> = { pending: 0, imported: 0, duplicate: 0, failed: 0 }
    for (const { status, n } of counts.all(jobId)) out[status] = n
    return out
  }
  return {
    /** Lists files for a job (idempotent: already-listed paths are skipped); returns how many were new. */
    add(jobId: number, relPaths: readonly string[]): number {
      return addMany.immediate(jobId, relPaths)
    },
    pending(jobId: number): ImportFileRow[] {
      return pending.all(jobId).map(toFile)
    },
    mark(fileId: number, status: Exclude<ImportFileStatus, 'pending'>, opts: { reason?: string; imageId?: number } = {}): void {
      if (status === 'failed' && !opts.reason) throw new Error('a failed import file needs a reason')
      mark.run(status, opts.reason ?? null, opts.imageId ?? null, fileId)
    },
    counts: countByStatus,
    report(jobId: number): ImportReport {
      const c = countByStatus(jobId)
      return {
        jobId,
        imported: c.imported,
        duplicates: c.duplicate,
        failures: failures.all(jobId).map((r) => ({ file: r.rel_path, reason: r.reason ?? 'unknown' }))
      }
    }
  }
}
export type ImportFilesRepo = ReturnType<typeof importFilesRepo>
