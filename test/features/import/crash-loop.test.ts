// Issue 11, finding 1: an import that takes the studio down while it starts must not come back at
// every restart. Jobs resume at start, before anyone can cancel them; after two starts that ended in
// a crash without progress, the third start parks the job instead of running it again.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openWorkspace } from '../../../src-main/core/store/open'
import { projectsRepo } from '../../../src-main/core/store/repos/projects'
import { createImportService } from '../../../src-main/core/features/import/import-service'
import { createJobRunner } from '../../../src-main/core/jobs/runner'
import { tempDir } from '../../store/helpers'
import { spawnTsx } from '../../helpers/tsx-child'

const CHILD = path.resolve(__dirname, 'helpers', 'import-child.ts')
const IMAGE = path.resolve(__dirname, '..', '..', 'fixtures', 'import-basic', 'img_f0272b26-c94e-54de-9fa6-6bfb375f7e50_seed_2_1.jpg')

let tmp: ReturnType<typeof tempDir>
let folder: string
beforeAll(() => {
  tmp = tempDir('import-loop-')
  folder = path.join(tmp.dir, 'images')
  mkdirSync(folder)
  copyFileSync(IMAGE, path.join(folder, 'a.jpg'))
  writeFileSync(path.join(folder, 'a.json'), JSON.stringify({ prompt: 'a photo of a doctor' }))
})
afterAll(() => tmp.cleanup())

/** Runs the import child to its end; `dieAtStart` makes it SIGKILL itself once the import has started. */
function runChild(args: string[], dieAtStart: boolean): Promise<{ signal: string | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawnTsx(CHILD, args, dieAtStart ? { IMPORT_CHILD_DIE_AT_START: '1' } : {})
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    child.on('error', reject)
    child.on('exit', (code, signal) => (code ? reject(new Error(`child failed (${code}): ${out}`)) : resolve({ signal, out })))
  })
}

describe('an import that crashes the studio at start', () => {
  it('is parked after two crashed starts, not resumed a third time, and can then be cancelled', async () => {
    const file = path.join(tmp.dir, 'ws.sqlite')
    const ws0 = openWorkspace(file)
    const projectId = projectsRepo(ws0.db).create('loop').id
    ws0.close()

    expect((await runChild([tmp.dir, 'start', String(projectId), folder], true)).signal).toBe('SIGKILL')
    expect((await runChild([tmp.dir, 'resume'], true)).signal).toBe('SIGKILL')
    // Third start: parked before any work, so even a child that would crash exits normally.
    expect((await runChild([tmp.dir, 'resume'], true)).out).toContain('finished')

    const ws = openWorkspace(file)
    const runner = createJobRunner({ db: ws.db })
    try {
      createImportService({ ws, runner, workspaceDir: tmp.dir })
      const [job] = ws.jobs.list(projectId)
      expect(job).toMatchObject({ state: 'paused', message: expect.stringMatching(/^parked: this import stopped the studio 2 times while starting/) })
      expect(ws.db.prepare("SELECT count(*) FROM import_files WHERE status <> 'pending'").pluck().get()).toBe(0)
      // Not resumed at the next start either; the owner can cancel it.
      expect(runner.resumePending()).toEqual([])
      expect(runner.cancel(job.id).state).toBe('cancelled')
    } finally {
      await runner.shutdown()
      ws.close()
    }
  })

  it('a start that commits a batch clears the count left by an earlier crash', async () => {
    const dir = path.join(tmp.dir, 'clean')
    mkdirSync(dir)
    const ws = openWorkspace(path.join(dir, 'ws.sqlite'))
    const runner = createJobRunner({ db: ws.db })
    try {
      createImportService({ ws, runner, workspaceDir: dir })
      const projectId = projectsRepo(ws.db).create('clean').id
      const job = runner.start('import', { projectId, payload: { folder, planned: false, startsWithoutProgress: 1 } })
      await runner.idle()
      expect(runner.get(job.id)).toMatchObject({ state: 'done', message: '1 imported, 0 duplicates, 0 failed' })
      expect(ws.jobs.get(job.id)!.payload).toMatchObject({ planned: true, startsWithoutProgress: 0 })
    } finally {
      await runner.shutdown()
      ws.close()
    }
  })
})
