// The serve-mode folder picker (issue 10, native pickers): listings stay inside the allowed roots,
// never follow or list a symbolic link, never touch special files, and only the owner may ask.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { dispatch, type Handlers } from '../../../src-main/core/api/dispatch'
import { BrowseRefused, browseFolder } from '../../../src-main/core/features/import/folder-browser'
import { browseRootsFrom } from '../../../src-main/core/config'
import { createHandlers } from '../../../src-main/core/api/handlers/handlers'
import { openTempWorkspace } from '../../store/fixtures'

const base = realpathSync(mkdtempSync(join(tmpdir(), 'folder-browser-')))
const root = join(base, 'home')
const outside = join(base, 'elsewhere')
mkdirSync(join(root, 'photos', 'nurses'), { recursive: true })
mkdirSync(join(root, 'photos', 'doctors'))
mkdirSync(join(root, '.hidden'))
mkdirSync(outside)
writeFileSync(join(outside, 'secret.png'), 'x')
writeFileSync(join(root, 'photos', 'a.png'), 'x')
writeFileSync(join(root, 'photos', 'b.JPG'), 'x')
writeFileSync(join(root, 'photos', 'notes.txt'), 'x')
symlinkSync(outside, join(root, 'photos', 'link-out'))
symlinkSync(join(outside, 'secret.png'), join(root, 'photos', 'linked.png'))
execFileSync('mkfifo', [join(root, 'photos', 'pipe.png')])
afterAll(() => rmSync(base, { recursive: true, force: true }))

describe('browseFolder', () => {
  it('lists sub-folders and counts image and other files, leaving out hidden folders, links and special files', () => {
    const listing = browseFolder([root], join(root, 'photos'))
    expect(listing).toEqual({
      path: join(root, 'photos'),
      parent: root,
      roots: [root],
      folders: ['doctors', 'nurses'],
      moreFolders: 0,
      imageFiles: 2,
      otherFiles: 1
    })
    expect(browseFolder([root], null)).toMatchObject({ path: root, parent: null, folders: ['photos'] })
  })

  it('refuses a path outside the roots, through a link, relative, missing or not a folder', () => {
    const refused = (path: string): string => {
      try {
        browseFolder([root], path)
      } catch (err) {
        expect(err).toBeInstanceOf(BrowseRefused)
        return (err as Error).message
      }
      throw new Error(`${path} was listed`)
    }
    expect(refused(outside)).toMatch(/outside the folders this studio may show/)
    expect(refused(join(root, '..'))).toMatch(/outside/)
    expect(refused(join(root, 'photos', 'link-out'))).toMatch(/symbolic link/)
    expect(refused('photos')).toMatch(/not an absolute path/)
    expect(refused(join(root, 'nope'))).toMatch(/does not exist/)
    expect(refused(join(root, 'photos', 'a.png'))).toMatch(/is not a folder/)
    expect(refused(join(root, 'photos', 'pipe.png'))).toMatch(/is not a folder/)
  })

  it('takes its roots from POPALIGN_BROWSE_ROOTS, else the home folder', () => {
    expect(browseRootsFrom({}, '/home/me')).toEqual(['/home/me'])
    expect(browseRootsFrom({ POPALIGN_BROWSE_ROOTS: ['/data', 'relative', '/srv/img'].join(delimiter) }, '/home/me')).toEqual(['/data', '/srv/img'])
    expect(() => browseFolder([join(base, 'missing')], null)).toThrow(/allowed folders do not exist/)
  })

  it('is for the owner only', async () => {
    const r = await dispatch({} as Handlers, 'files.browse', { path: root }, { annotatorId: 2, scope: 'annotate', projects: [1] })
    expect(r).toMatchObject({ ok: false, error: { code: 'forbidden' } })
  })

  it('answers the owner through the API, and a refusal in words', async () => {
    const t = openTempWorkspace()
    const unused = () => {
      throw new Error('not used in this test')
    }
    try {
      const handlers = createHandlers({ ws: t.ws, imports: { start: unused, report: unused }, jobs: { cancel: unused }, browseRoots: [root] })
      const owner = { annotatorId: 1, scope: 'owner' as const }
      expect(await dispatch(handlers, 'files.browse', {}, owner, { checkOutputs: true })).toMatchObject({ ok: true, value: { path: root, folders: ['photos'] } })
      expect(await dispatch(handlers, 'files.browse', { path: outside }, owner)).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringMatching(/outside the folders/) } })
    } finally {
      t.dispose()
    }
  })
})
