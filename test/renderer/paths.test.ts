// The folder picker keeps the typed file name when it changes an export path's folder.
import { describe, expect, it } from 'vitest'
import { folderOf, inFolder } from '../../src-renderer/src/lib/paths'

describe('export paths and the folder picker', () => {
  it('starts the picker in the typed folder', () => {
    expect(folderOf('/home/me/exports/report')).toBe('/home/me/exports')
    expect(folderOf('/report')).toBe('/')
    expect(folderOf('report')).toBe('')
  })

  it('keeps the typed name, or uses the suggested one', () => {
    expect(inFolder('/data/out/', '/home/me/old/audit.html', 'report')).toBe('/data/out/audit.html')
    expect(inFolder('/data/out', '', 'snapshot-v3.jsonl')).toBe('/data/out/snapshot-v3.jsonl')
    expect(inFolder('/', '/home/me/', 'report')).toBe('/report')
  })
})
