// "Reveal in folder" after an export (issue 10, native pickers): only an existing regular file by an
// absolute path reaches the desktop shell; serve mode, which has no shell there, says where the file is.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { dispatch } from '../../../src-main/core/api/dispatch'
import { RevealRefused, revealFile } from '../../../src-main/core/fs/reveal'
import { createHandlers } from '../../../src-main/core/api/handlers/handlers'
import { openTempWorkspace } from '../../store/fixtures'

const dir = realpathSync(mkdtempSync(join(tmpdir(), 'reveal-')))
const file = join(dir, 'report.html')
writeFileSync(file, '<p>report</p>')
mkdirSync(join(dir, 'folder'))
symlinkSync(file, join(dir, 'link.html'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('revealFile', () => {
  it('hands an existing regular file to the shell', () => {
    const shown: string[] = []
    revealFile(join(dir, 'folder', '..', 'report.html'), (p) => shown.push(p))
    expect(shown).toEqual([file])
  })

  it('refuses links, folders, missing and relative paths, and says where the file is without a shell', () => {
    const shown: string[] = []
    const reveal = (p: string): number => shown.push(p)
    for (const [path, why] of [
      [join(dir, 'link.html'), /not a file the studio wrote/],
      [join(dir, 'folder'), /not a file the studio wrote/],
      [join(dir, 'gone.html'), /does not exist/],
      ['report.html', /not an absolute path/]
    ] as const) {
      expect(() => revealFile(path, reveal), path).toThrow(why)
    }
    expect(() => revealFile(file, undefined)).toThrow(new RevealRefused(`"Reveal in folder" works in the desktop app; the file is at ${file}`))
    expect(shown).toEqual([])
  })

  it('answers through the API: the desktop reveals, serve mode explains', async () => {
    const t = openTempWorkspace()
    const unused = () => {
      throw new Error('not used in this test')
    }
    try {
      const shown: string[] = []
      const owner = { annotatorId: 1, scope: 'owner' as const }
      const desktop = createHandlers({ ws: t.ws, imports: { start: unused, report: unused }, jobs: { cancel: unused }, reveal: (p) => shown.push(p) })
      expect(await dispatch(desktop, 'files.reveal', { path: file }, owner, { checkOutputs: true })).toEqual({ ok: true, value: { revealed: true } })
      expect(shown).toEqual([file])
      const served = createHandlers({ ws: t.ws, imports: { start: unused, report: unused }, jobs: { cancel: unused } })
      expect(await dispatch(served, 'files.reveal', { path: file }, owner)).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringMatching(/works in the desktop app/) } })
      expect(await dispatch(desktop, 'files.reveal', { path: file }, { annotatorId: 2, scope: 'annotate', projects: [1] })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    } finally {
      t.dispose()
    }
  })

  it("opens the desktop's folder dialog through the API; serve mode points at its folder browser", async () => {
    const t = openTempWorkspace()
    const unused = () => {
      throw new Error('not used in this test')
    }
    try {
      const owner = { annotatorId: 1, scope: 'owner' as const }
      const asked: string[] = []
      let answer: string | null = '/home/u/photos'
      const desktop = createHandlers({
        ws: t.ws,
        imports: { start: unused, report: unused },
        jobs: { cancel: unused },
        pickFolder: (purpose) => {
          asked.push(purpose)
          return Promise.resolve(answer)
        }
      })
      expect(await dispatch(desktop, 'files.pickFolder', { purpose: 'import' }, owner, { checkOutputs: true })).toEqual({ ok: true, value: { path: '/home/u/photos' } })
      answer = null // the user closed the dialog
      expect(await dispatch(desktop, 'files.pickFolder', { purpose: 'import' }, owner, { checkOutputs: true })).toEqual({ ok: true, value: { path: null } })
      expect(asked).toEqual(['import', 'import'])
      expect(await dispatch(desktop, 'files.pickFolder', { purpose: '' }, owner)).toMatchObject({ ok: false, error: { code: 'bad_request' } })
      expect(await dispatch(desktop, 'files.pickFolder', { purpose: 'x'.repeat(81) }, owner)).toMatchObject({ ok: false, error: { code: 'bad_request' } })
      expect(await dispatch(desktop, 'files.pickFolder', { purpose: 'import' }, { annotatorId: 2, scope: 'annotate', projects: [1] })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
      expect(asked).toHaveLength(2)
      const served = createHandlers({ ws: t.ws, imports: { start: unused, report: unused }, jobs: { cancel: unused } })
      expect(await dispatch(served, 'files.pickFolder', { purpose: 'import' }, owner)).toMatchObject({
        ok: false,
        error: { code: 'bad_request', message: expect.stringMatching(/desktop app; in a browser, use Browse/) }
      })
    } finally {
      t.dispose()
    }
  })
})
