// The shared export path check (issue 11, finding 3): export.start and report.export both go through
// checkOutPath. An export aimed at the live workspace.db (with overwrite) replaced the database in the
// attack pass; each of the workspace's own files, special files and paths outside the allowed roots
// must be refused, whatever the overwrite flag says.
import { execFileSync } from 'node:child_process'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportRootsFrom } from '../../../../src-main/core/config'
import { checkOutPath } from '../../../../src-main/core/features/preference-data/export/out-path'
import { tempDir } from '../../../store/helpers'

let tmp: ReturnType<typeof tempDir>
let wsDir: string
let dbFile: string
let out: string

beforeAll(() => {
  tmp = tempDir('out-path-')
  wsDir = join(tmp.dir, 'ws')
  out = join(tmp.dir, 'out')
  mkdirSync(join(wsDir, 'thumbs'), { recursive: true })
  mkdirSync(join(wsDir, 'reports', '1'), { recursive: true })
  mkdirSync(join(wsDir, 'backups'), { recursive: true })
  mkdirSync(join(wsDir, 'damaged', '20261202T000000000Z'), { recursive: true })
  mkdirSync(out)
  dbFile = join(wsDir, 'workspace.db')
  for (const f of ['workspace.db', 'workspace.db-wal', 'workspace.db-shm', 'owner-token', 'thumbs/a.webp', 'reports/1/report.json']) writeFileSync(join(wsDir, f), 'x')
  writeFileSync(join(out, 'old.csv'), 'old')
  execFileSync('mkfifo', [join(out, 'pipe.csv')])
  symlinkSync(dbFile, join(out, 'db-link.csv'))
  symlinkSync(wsDir, join(out, 'ws-link'))
})
afterAll(() => tmp.cleanup())

const check =
  (p: string, overwrite = true) =>
  () =>
    checkOutPath(p, { workspaceDbFile: dbFile, overwrite, allowedRoots: [tmp.dir] })

describe('checkOutPath', () => {
  it.each([
    ['the database', 'workspace.db'],
    ['its WAL', 'workspace.db-wal'],
    ['its shared memory', 'workspace.db-shm'],
    ['its journal (not there yet)', 'workspace.db-journal'],
    ['its open marker', 'workspace.db.running'],
    ['its pre-upgrade backup', 'workspace.db.backup-v6'],
    ['the owner token', 'owner-token'],
    ['the thumbnails folder', 'thumbs'],
    ['a thumbnail', 'thumbs/a.webp'],
    ['a stored report', 'reports/1/report.json'],
    ['a daily backup', 'backups/workspace-20261202T000000000Z.db'],
    ['the backups folder', 'backups'],
    ['a damaged database kept aside', 'damaged/20261202T000000000Z/workspace.db']
  ])('refuses %s even with overwrite', (_what, rel) => {
    expect(check(join(wsDir, rel))).toThrow(/workspace's database files or folders/)
  })

  it('refuses the database reached through a symlinked folder', () => {
    expect(check(join(out, 'ws-link', 'workspace.db'))).toThrow(/workspace's database files/)
  })

  it('refuses existing special files and symlinks instead of writing through them', () => {
    expect(check(join(out, 'pipe.csv'))).toThrow(/is a FIFO \(named pipe\), not a regular file/)
    expect(check(join(out, 'db-link.csv'))).toThrow(/is a symbolic link, not a regular file/)
    expect(() => checkOutPath('/dev/null', { workspaceDbFile: dbFile, overwrite: true, allowedRoots: ['/'] })).toThrow(/is a device, not a regular file/)
  })

  it('refuses paths outside the allowed roots', () => {
    expect(check('/dev/null')).toThrow(/outside the folders exports may be written to/)
    expect(check('/etc/popalign.csv')).toThrow(/outside the folders exports may be written to/)
    expect(() => checkOutPath('/etc/popalign.csv', { workspaceDbFile: dbFile, overwrite: true, allowedRoots: exportRootsFrom({}, homedir(), tmpdir()) })).toThrow(/outside/)
  })

  it('allows a new file or, when asked, replacing an old one, under an allowed root', () => {
    expect(check(join(out, 'new.csv'))()).toMatch(/out\/new\.csv$/)
    expect(check(join(out, 'old.csv'), false)).toThrow(/already exists/)
    expect(check(join(out, 'old.csv'))()).toMatch(/old\.csv$/)
    // Files of the user's own next to the workspace are fine (the export tests write there).
    expect(check(join(wsDir, 'pairs.csv'))()).toMatch(/pairs\.csv$/)
  })

  it('takes its roots from $POPALIGN_EXPORT_ROOTS when set, else home, temp and media mounts', () => {
    expect(exportRootsFrom({ POPALIGN_EXPORT_ROOTS: '/data/a:relative:/data/b' }, '/home/me', '/tmp')).toEqual(['/data/a', '/data/b'])
    expect(exportRootsFrom({}, '/home/me', '/tmp')).toEqual(['/home/me', '/tmp', '/media', '/mnt', '/run/media', '/Volumes'])
  })
})
