// The Reports screen's state: the project's reports (following their jobs), the open report, and the
// images behind the number the user clicked.
import type { Input, Job, ReportSummary } from '@shared/contract'
import { isFinalJobState } from '@shared/job-states'
import type { Report } from '@shared/audit/report-model'
import type { ApiClient } from '../api'
import { PanelError } from '../errors/panel-error.svelte'
import { formatBytes } from '../format'

export interface Evidence {
  title: string
  ids: string[]
}

/**
 * A report another screen started and wants shown when the Reports screen opens next (the fine-tuned
 * model's "Audit it"): the next store to load its list opens it. Kept here, not in the address, so the
 * Reports screen's own address rules stay as they are.
 */
let openNext: number | null = null
export function openReportNext(reportId: number): void {
  openNext = reportId
}

export class ReportsStore {
  list = $state<ReportSummary[]>([])
  report = $state<Report | null>(null)
  reportId = $state<number | null>(null)
  evidence = $state<Evidence | null>(null)
  /** Each panel's own error (issue 10, item 5): an export failure is shown by the export controls, not in the "New report" form. */
  readonly listError = new PanelError()
  readonly startError = new PanelError()
  readonly reportError = new PanelError()
  readonly exportError = new PanelError()
  starting = $state(false)

  private unsubscribe: (() => void) | null = null

  constructor(
    private readonly api: ApiClient,
    private readonly projectId: number
  ) {
    // A report job's progress moves its row; when the open one finishes it is loaded.
    this.unsubscribe = api.onEvent('job.progress', (job) => {
      if (job.kind !== 'audit' || job.projectId !== projectId) return
      void this.refresh().then(() => {
        if (job.state === 'done' && this.reportId === job.id && this.report === null) void this.open(job.id)
      })
    })
  }

  stop = (): void => {
    this.unsubscribe?.()
    this.unsubscribe = null
  }

  refresh = async (): Promise<void> => {
    const r = await this.api.call('report.list', { projectId: this.projectId })
    if (this.listError.check(r)) this.list = r.value
    const wanted = openNext
    if (wanted !== null && this.list.some((s) => s.reportId === wanted)) {
      openNext = null
      await this.open(wanted)
    }
  }

  start = async (input: Input<'report.start'>): Promise<Job | null> => {
    this.starting = true
    const r = await this.api.call('report.start', input)
    this.starting = false
    if (!this.startError.check(r)) return null
    const id = r.value.id
    this.reportId = id
    this.report = null
    this.evidence = null
    await this.refresh()
    // A quick report can finish before this answer arrives: its last progress event then found no
    // report open and the screen would wait for ever. Open it now if the list already says it is done.
    const mine = this.list.find((s) => s.reportId === id)
    if (mine && isFinalJobState(mine.state) && this.reportId === id && this.report === null) await this.open(id)
    return r.value
  }

  open = async (reportId: number): Promise<void> => {
    this.reportId = reportId
    this.evidence = null
    this.report = null
    this.exportError.clear() // the export error belonged to the report that was open
    const summary = this.list.find((s) => s.reportId === reportId)
    if (summary && !isFinalJobState(summary.state)) return
    const r = await this.api.call('report.get', { reportId })
    if (this.reportId !== reportId) return
    if (this.reportError.check(r)) this.report = r.value
  }

  /** After a delete: the report is closed if it was open, and the list read again. */
  deleted = async (reportId: number): Promise<void> => {
    if (this.reportId === reportId) {
      this.reportId = null
      this.report = null
      this.evidence = null
    }
    await this.refresh()
  }

  showEvidence = (title: string, ids: readonly string[]): void => {
    this.evidence = { title, ids: [...ids] }
  }

  exportTo = async (format: Input<'report.export'>['format'], outPath: string, overwrite: boolean): Promise<string | null> => {
    if (this.reportId === null) return null
    const r = await this.api.call('report.export', { reportId: this.reportId, format, outPath, overwrite })
    if (!this.exportError.check(r)) return null
    return `Wrote ${r.value.path} (${formatBytes(r.value.bytes)})`
  }
}
