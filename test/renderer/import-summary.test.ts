// The sentence under the import report: an import that found no image must not read as a success.
import { describe, expect, it } from 'vitest'
import { importSummary } from '../../src-renderer/src/lib/import-summary'

const report = { jobId: 1, imported: 0, duplicates: 0, failures: [] }

describe('importSummary', () => {
  it('says no images were found, and what was ignored, when nothing was tried', () => {
    const text = importSummary({ ...report, ignored: { names: ['notes.txt', 'raw/'], total: 2 } })
    expect(text).toMatch(/^No images were found/)
    expect(text).toContain('Ignored: notes.txt, raw/.')
    expect(text).not.toMatch(/imported\./)
  })
  it('counts the ignored names it does not list, and names an empty folder', () => {
    expect(importSummary({ ...report, ignored: { names: ['a.txt'], total: 31 } })).toContain('Ignored: a.txt and 30 more.')
    expect(importSummary(report)).toBe('No images were found: the folder is empty.')
  })
  it('keeps "Every file was imported" for a clean import, and says when everything was a duplicate', () => {
    expect(importSummary({ ...report, imported: 3 })).toBe('Every file was imported.')
    expect(importSummary({ ...report, imported: 3, duplicates: 1 })).toBe('Every image was imported or was already in the project.')
    expect(importSummary({ ...report, duplicates: 2 })).toBe('Every image was already in the project; nothing new was imported.')
    expect(importSummary({ ...report, imported: 1, failures: [{ file: 'x.png', reason: 'corrupt image' }] })).toBe('1 of 2 file(s) were not imported:')
  })

  it('names the sub-folders a real import did not search, keeping the failure sentence last', () => {
    const folders = { names: ['csv-variant/', 'raw/'], total: 2 }
    expect(importSummary({ ...report, imported: 3, ignored: folders })).toBe('Every file was imported. 2 sub-folders were not searched (import each folder on its own): csv-variant/, raw/.')
    expect(importSummary({ ...report, imported: 3, failures: [{ file: 'x.png', reason: 'corrupt image' }], ignored: { names: ['raw/'], total: 1 } })).toBe(
      '1 sub-folder was not searched (import each folder on its own): raw/. 1 of 4 file(s) were not imported:'
    )
  })
})
