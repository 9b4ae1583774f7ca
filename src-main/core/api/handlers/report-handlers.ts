// API handlers of the bias reports (issue 5): thin over the audit service (core/features/reports); without
// one (handler tests that build only the workspace) every method answers that reports are not running.
import type { Handlers } from '../dispatch'
import { ApiFailure } from '../dispatch'
import type { AuditService } from '../../features/reports/service'

type ReportMethods = 'report.start' | 'report.list' | 'report.get' | 'report.export'

export function reportHandlers(audit: AuditService | undefined): Pick<Handlers, ReportMethods> {
  const a = (): AuditService => {
    if (!audit) throw new ApiFailure('conflict', 'bias reports are not running in this studio')
    return audit
  }
  return {
    'report.start': (input) => a().start(input),
    'report.list': ({ projectId }) => a().list(projectId),
    'report.get': ({ reportId }) => a().get(reportId),
    'report.export': (input) => a().export(input)
  }
}
