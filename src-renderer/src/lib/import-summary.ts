// The one sentence under an import report's counts: what happened, in the user's words. An import
// that found no image says so (and what it passed over) rather than "every file was imported".
import type { ImportReport } from '@shared/contract'

export function importSummary(report: ImportReport): string {
  const tried = report.imported + report.duplicates + report.failures.length
  if (tried === 0) {
    const ignored = report.ignored
    if (!ignored || ignored.total === 0) return 'No images were found: the folder is empty.'
    const more = ignored.total - ignored.names.length
    const listed = ignored.names.join(', ') + (more > 0 ? ` and ${more} more` : '')
    return `No images were found (PNG, JPEG or WebP at the top of the folder, or listed in a CSV manifest). Ignored: ${listed}.`
  }
  const said = outcome(report, tried)
  const folders = subFolders(report.ignored)
  // The failure sentence introduces the table of failures, so it stays last.
  return folders === '' ? said : said.endsWith(':') ? `${folders} ${said}` : `${said} ${folders}`
}

function outcome(report: ImportReport, tried: number): string {
  if (report.failures.length > 0) return `${report.failures.length} of ${tried} file(s) were not imported:`
  if (report.imported === 0) return 'Every image was already in the project; nothing new was imported.'
  return report.duplicates > 0 ? 'Every image was imported or was already in the project.' : 'Every file was imported.'
}

/** After a real import, `ignored` holds the sub-folders, which are never searched: said, not skipped in silence. */
function subFolders(ignored: ImportReport['ignored']): string {
  if (!ignored || ignored.total === 0) return ''
  const more = ignored.total - ignored.names.length
  const plural = ignored.total === 1 ? 'sub-folder was' : 'sub-folders were'
  return `${ignored.total} ${plural} not searched (import each folder on its own): ${ignored.names.join(', ')}${more > 0 ? ` and ${more} more` : ''}.`
}
