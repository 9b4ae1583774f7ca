// RFC 4180 CSV, both ways: the reader for import manifests (`img_path,prompt`) and report CSVs, and the
// field writer every CSV export uses. Prompts routinely contain commas and quotes
// ("a photo of a ""chef"", smiling"), so naive splitting or joining on commas is not enough.

/** One RFC 4180 CSV field: quoted when it holds a separator, quote or line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

/**
 * Text cells that a spreadsheet would run as a formula (leading = + - @, tab or CR) get a leading
 * apostrophe (OWASP "CSV injection"); numbers are written as numbers and never need this.
 */
export function csvText(value: string): string {
  return csvField(/^[=+\-@\t\r]/.test(value) ? `'${value}` : value)
}

export class CsvError extends Error {
  override readonly name = 'CsvError'
}

/**
 * Rows of `text` as arrays of fields. Handles quoted fields with `""` escapes, commas and line
 * breaks inside quotes, CRLF/LF/CR line ends and a UTF-8 BOM. Blank lines are skipped.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let inQuotes = false
  let fieldWasQuoted = false
  let line = 1
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0

  const endField = (): void => {
    row.push(field)
    field = ''
    fieldWasQuoted = false
  }
  const endRow = (): void => {
    const lastWasQuoted = fieldWasQuoted
    endField()
    // A blank line is one empty unquoted field: not a row.
    if (!(row.length === 1 && row[0] === '' && !lastWasQuoted)) rows.push(row)
    row = []
  }

  for (; i < text.length; i++) {
    const ch = text[i]
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"'
          i++
        } else {
          inQuotes = false
          const next = text[i + 1]
          if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
            throw new CsvError(`line ${line}: unexpected character after a closing quote`)
          }
        }
      } else {
        if (ch === '\n') line++
        field += ch
      }
      continue
    }
    if (ch === '"') {
      if (field !== '') throw new CsvError(`line ${line}: a quote inside an unquoted field`)
      inQuotes = true
      fieldWasQuoted = true
    } else if (ch === ',') {
      endField()
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++
      endRow()
      line++
    } else {
      field += ch
    }
  }
  if (inQuotes) throw new CsvError(`line ${line}: a quoted field is never closed`)
  if (field !== '' || row.length > 0 || fieldWasQuoted) endRow()
  return rows
}
