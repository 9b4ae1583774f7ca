// Finished reports as files in the workspace, <workspace>/reports/<reportId>/report.json (the report id
// is its audit job's id). The JSON export format is the storage format, so a stored report can be
// opened by any tool that reads report.json, and it is validated again when read back.
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { writeFileAtomicSync } from '../../fs/atomic-write'
import { join } from 'node:path'
import { parseReportJson, reportToJson } from './writers/export-json'
import type { Report } from './figures/report-model'

export function reportsDirOf(workspaceDir: string): string {
  return join(workspaceDir, 'reports')
}

export function reportFileOf(workspaceDir: string, reportId: number): string {
  return join(reportsDirOf(workspaceDir), String(reportId), 'report.json')
}

export function createReportStore(workspaceDir: string) {
  // Reports never change once written, so a parsed copy can be kept.
  const cache = new Map<number, Report>()
  return {
    save(reportId: number, report: Report): string {
      const file = reportFileOf(workspaceDir, reportId)
      mkdirSync(join(file, '..'), { recursive: true })
      writeFileAtomicSync(file, reportToJson(report))
      cache.set(reportId, report)
      return file
    },
    exists: (reportId: number): boolean => cache.has(reportId) || existsSync(reportFileOf(workspaceDir, reportId)),
    load(reportId: number): Report {
      const hit = cache.get(reportId)
      if (hit) return hit
      const report = parseReportJson(readFileSync(reportFileOf(workspaceDir, reportId), 'utf8'))
      cache.set(reportId, report)
      return report
    }
  }
}
export type ReportStore = ReturnType<typeof createReportStore>
