// The report model lives in shared/audit so the renderer can read it; re-exported here unchanged.
export * from '../../../../shared/audit/report-model'
