// Renaming and deleting a bias report (issue 10, housekeeping). A report is its audit job plus the
// stored report.json (core/features/reports/report-store.ts). A rename names the job; the stored
// report is never rewritten, so what was built stays as it was. A delete removes the job row first
// (so a half-removed folder is never listed), then the report's folder; files exported from it
// elsewhere are the user's and stay. A report still being built is refused.
import { rmSync } from 'node:fs'
import { dirname } from 'node:path'
import type { HousekeepingImpact } from '@shared/contract'
import { reportFileOf } from '../reports/report-store'
import { type HousekeepingContext } from './context'

export function reportHousekeeping(ctx: HousekeepingContext, workspaceDir: string) {
  const { ws, notFound, refuseIfBlocked } = ctx
  const db = ws.db
  const titleOf = db.prepare<[number], string | null>("SELECT json_extract(payload, '$.title') FROM jobs WHERE id = ?").pluck()

  const reportOf = (reportId: number) => {
    const job = ws.jobs.get(reportId)
    if (!job || job.kind !== 'audit' || !ctx.liveProject(job.projectId)) notFound('this report')
    return job!
  }
  /** The report as the Reports screen lists it: its name, else the title it was built with. */
  const label = (job: { id: number; name: string | null; number: number }): string => job.name ?? titleOf.get(job.id) ?? `Report ${job.number}`

  const impact = (reportId: number): HousekeepingImpact => {
    const job = reportOf(reportId)
    const blockers = ['queued', 'running', 'paused'].includes(job.state) ? ['the report is still being built: cancel it first'] : []
    return {
      blockers,
      removes: ['the report and its stored figures'],
      keeps: ['files already exported from it', 'the images and classifier verdicts it read']
    }
  }

  const rename = db.transaction((reportId: number, name: string | null, by: number) => {
    const before = reportOf(reportId)
    ws.jobs.rename(reportId, name)
    ctx.log(before.projectId, 'report', reportId, 'rename', label(before), label({ ...before, name }), by)
  })

  const remove = db.transaction((reportId: number, by: number) => {
    // Named before the row goes: the title is read from the row's payload.
    const before = reportOf(reportId)
    const what = label(before)
    refuseIfBlocked(`report "${what}"`, impact(reportId))
    db.prepare('DELETE FROM jobs WHERE id = ?').run(reportId)
    ctx.log(before.projectId, 'report', reportId, 'delete', what, null, by)
  })

  return {
    impact,
    rename: (reportId: number, name: string | null, by: number): void => rename.immediate(reportId, name, by),
    remove: (reportId: number, by: number): void => {
      remove.immediate(reportId, by)
      rmSync(dirname(reportFileOf(workspaceDir, reportId)), { recursive: true, force: true })
    }
  }
}
