// Times as a person reads them (issue 10): the stored ISO-8601 UTC stamp in the viewer's local date
// and time ("2 Dec 2026, 18:40"), never the raw stamp; a stamp that does not parse is shown as stored.

export function formatLocalTime(iso: string, locale?: string): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return d.toLocaleString(locale, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })
}

export function formatLocalDate(iso: string, locale?: string): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return d.toLocaleDateString(locale, { year: 'numeric', month: 'short', day: 'numeric' })
}
