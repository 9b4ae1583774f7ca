// Public surface of the auditing core. Everything here is pure except writeReportFiles (node:fs); code
// that must stay free of node:* (the renderer) should import report-model.ts and the renderers directly.
export * from './types'
export * from './report-model'
export { buildReport, resolveSettings, DEFAULT_RESAMPLES, DEFAULT_FRECHET_RESAMPLES } from './report'
export { discrepancy, idealDistribution, classShares, countClasses, proportion } from './metrics'
export { askedClassMatcher, promptWords, type AskedClass } from './asked-class'
export { frechetDistance, frechetDistanceOfFeatures, fitGaussian, momentsOf, type GaussianFit } from './frechet'
export { auditFromClassifications, promptConcept, type ClassificationAudit, type ClassifiedImageMeta } from './from-classifications'
export { reportToJson, parseReportJson } from './export-json'
export { reportToCsv, parseReportCsv, reportRows, CSV_COLUMNS, type CsvRow } from './export-csv'
export { renderReportHtml, HTML_CSP, type HtmlOptions } from './export-html'
export { renderReportPdf } from './export-pdf'
export { writeReportFiles, renderReport, thumbnailsOf, REPORT_FORMATS, type ReportFormat } from './write-report-files'
