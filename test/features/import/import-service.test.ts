// The import job end to end on a real workspace: the fixture folder, the CSV variant, re-import
// (all duplicates), and bad requests.
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import sharp from 'sharp'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Job } from '@shared/contract'
import { ApiFailure } from '../../../src-main/core/errors/api-failure'
import { openWorkspace, type Workspace } from '../../../src-main/core/store/open'
import { imagesRepo } from '../../../src-main/core/store/repos/images'
import { projectsRepo } from '../../../src-main/core/store/repos/projects'
import { promptsRepo } from '../../../src-main/core/store/repos/prompts'
import { createImportService, thumbsDirOf, type ImportService } from '../../../src-main/core/features/import/import-service'
import { createJobRunner, type JobRunner } from '../../../src-main/core/jobs/runner'
import { tempDir } from '../../store/helpers'

const FIXTURE = path.resolve(__dirname, '..', '..', 'fixtures', 'import-basic')

let tmp: ReturnType<typeof tempDir>
let ws: Workspace
let runner: JobRunner
let imports: ImportService
let events: Job[]
let projectId: number

beforeEach(() => {
  tmp = tempDir('import-')
  ws = openWorkspace(path.join(tmp.dir, 'ws.sqlite'))
  events = []
  runner = createJobRunner({ db: ws.db, onEvent: (_e, job) => events.push(job), throttleMs: 0 })
  imports = createImportService({ ws, runner, workspaceDir: tmp.dir, chunkSize: 4 })
  projectId = projectsRepo(ws.db).create('fixture').id
})
afterEach(async () => {
  await runner.shutdown()
  ws.close()
  tmp.cleanup()
})

async function importAndWait(folder: string): Promise<Job> {
  const job = imports.start(projectId, folder)
  await runner.idle()
  return runner.get(job.id)
}

describe('import service', () => {
  it('a folder with no images reports none found, the job says so, and the report lists what was ignored', async () => {
    const dir = path.join(tmp.dir, 'no-images')
    mkdirSync(path.join(dir, 'raw'), { recursive: true })
    writeFileSync(path.join(dir, 'notes.txt'), 'not an image')
    writeFileSync(path.join(dir, 'config.json'), '{}')
    writeFileSync(path.join(dir, '.hidden'), '')
    const job = await importAndWait(dir)
    expect(job).toMatchObject({ state: 'done', total: 0, message: 'no images found' })
    expect(imports.report(job.id)).toEqual({ jobId: job.id, imported: 0, duplicates: 0, failures: [], ignored: { names: ['config.json', 'notes.txt', 'raw/'], total: 3 } })
  })

  it('imports the sidecar fixture: 6 images, 1 duplicate, 5 failures with reasons, 3 neutral prompts', async () => {
    const job = await importAndWait(FIXTURE)
    expect(job).toMatchObject({ state: 'done', done: 12, total: 12, message: '6 imported, 1 duplicates, 5 failed' })

    const report = imports.report(job.id)
    expect(report.imported).toBe(6)
    expect(report.duplicates).toBe(1)
    // The fixture's sub-folder is not searched, and the report says so instead of passing over it.
    expect(report.ignored).toEqual({ names: ['csv-variant/'], total: 1 })
    const reasons = Object.fromEntries(report.failures.map((f) => [f.file, f.reason]))
    expect(Object.keys(reasons).sort()).toEqual(['corrupt.png', 'empty.png', 'no-prompt.png', 'not-an-image.png', 'truncated.jpg'])
    expect(reasons['corrupt.png']).toMatch(/corrupt image/)
    expect(reasons['truncated.jpg']).toMatch(/truncated image/)
    expect(reasons['not-an-image.png']).toMatch(/not an image/)
    expect(reasons['empty.png']).toMatch(/empty file/)
    expect(reasons['no-prompt.png']).toMatch(/no prompt/)

    const prompts = promptsRepo(ws.db).list(projectId)
    expect(prompts.map((p) => [p.text, p.kind, p.imageCount]).sort()).toEqual([
      ['a photo of a CEO', 'neutral', 1],
      ['a photo of a doctor', 'neutral', 3],
      ['a photo of a nurse', 'neutral', 2]
    ])

    const images = imagesRepo(ws.db, thumbsDirOf(tmp.dir))
    const listed = images.list(projectId).items
    expect(listed.map((i) => i.seed).sort()).toEqual([1, 2, 3, 4, 5, 6])
    for (const summary of listed) {
      const rec = images.get(summary.id)!
      expect(rec.rootPath).toBe(FIXTURE)
      expect(existsSync(rec.filePath)).toBe(true)
      expect(rec.thumbPath).toBe(path.join(thumbsDirOf(tmp.dir), `${rec.sha256}.webp`))
      expect(existsSync(rec.thumbPath!)).toBe(true)
      expect(rec.provenance).toMatchObject({ source: 'sidecar' })
    }
    // One thumbnail per distinct image, no temp files left behind.
    expect(readdirSync(thumbsDirOf(tmp.dir)).sort()).toEqual(listed.map((i) => `${i.sha256}.webp`).sort())
    expect(events.at(-1)).toMatchObject({ id: job.id, state: 'done', done: 12 })
  })

  it('links the duplicate file to the image that was kept', async () => {
    const job = await importAndWait(FIXTURE)
    const rows = ws.db.prepare("SELECT rel_path, status, image_id FROM import_files WHERE job_id = ? AND status IN ('imported','duplicate') ORDER BY rel_path").all(job.id) as Array<{
      rel_path: string
      status: string
      image_id: number
    }>
    const dup = rows.find((r) => r.status === 'duplicate')!
    expect(dup.rel_path).toMatch(/_seed_7_3\.png$/)
    expect(rows.find((r) => r.rel_path.includes('_seed_1_0.png'))!.image_id).toBe(dup.image_id)
  })

  it('commits files in folder order, so a slow first file is still the one kept of two copies', async () => {
    const folder = path.join(tmp.dir, 'ordered')
    mkdirSync(folder)
    // a-big decodes far slower than the small files after it; z-copy repeats it byte for byte.
    const noise = Buffer.alloc(1200 * 1200 * 3)
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24
    const big = await sharp(noise, { raw: { width: 1200, height: 1200, channels: 3 } })
      .png({ compressionLevel: 9 })
      .toBuffer()
    const files: [string, Buffer][] = [['a-big.png', big]]
    for (let i = 0; i < 6; i++)
      files.push([
        `b${i}.png`,
        await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 40 * i, g: 3, b: 9 } } })
          .png()
          .toBuffer()
      ])
    files.push(['z-copy.png', big])
    for (const [name, bytes] of files) {
      writeFileSync(path.join(folder, name), bytes)
      writeFileSync(path.join(folder, name.replace('.png', '.json')), JSON.stringify({ prompt: 'p' }))
    }
    const job = await importAndWait(folder)
    const rows = ws.db.prepare('SELECT rel_path, status, image_id FROM import_files WHERE job_id = ? ORDER BY rel_path').all(job.id) as Array<{ rel_path: string; status: string; image_id: number }>
    expect(rows.map((r) => [r.rel_path, r.status])).toEqual(files.map(([name]) => [name, name === 'z-copy.png' ? 'duplicate' : 'imported']))
    // Image ids follow the folder order: nothing after a-big was committed before it.
    const ids = rows.filter((r) => r.status === 'imported').map((r) => r.image_id)
    expect([...ids].sort((x, y) => x - y)).toEqual(ids)
  }, 60_000)

  it('counts everything as a duplicate when the same folder is imported again', async () => {
    await importAndWait(FIXTURE)
    const again = await importAndWait(FIXTURE)
    expect(imports.report(again.id)).toMatchObject({ imported: 0, duplicates: 7 })
    expect(imagesRepo(ws.db, thumbsDirOf(tmp.dir)).list(projectId).total).toBe(6)
  })

  it('imports the CSV variant and refuses its ../ row', async () => {
    const job = await importAndWait(path.join(FIXTURE, 'csv-variant'))
    const report = imports.report(job.id)
    expect(report).toMatchObject({ imported: 3, duplicates: 0 })
    expect(report.failures.map((f) => f.file).sort()).toEqual(['../img_f0272b26-c94e-54de-9fa6-6bfb375f7e50_seed_1_0.png', 'd.png', 'missing.png'])
    expect(report.failures.find((f) => f.file.startsWith('../'))!.reason).toMatch(/outside/)
    const prompts = promptsRepo(ws.db).list(projectId)
    expect(prompts.map((p) => [p.text, p.imageCount]).sort()).toEqual([
      ['a photo of a "chef"', 1],
      ['a photo of a teacher, smiling', 2]
    ])
  })

  it('reports files over the size caps and imports the rest', async () => {
    const strict = createImportService({
      ws,
      runner: createJobRunner({ db: ws.db }),
      workspaceDir: tmp.dir,
      limits: { maxFileBytes: 1000 }
    })
    // A second runner on the same workspace: wait for it through the job row.
    const job = strict.start(projectId, FIXTURE)
    for (let i = 0; i < 200 && runner.get(job.id).state === 'running'; i++) await new Promise((r) => setTimeout(r, 10))
    const report = strict.report(job.id)
    const big = report.failures.filter((f) => /over the 1000 bytes limit/.test(f.reason)).map((f) => f.file)
    // The three PNGs of 2.6 KB (one of them the duplicate) and the no-prompt PNG is reported for its prompt.
    expect(big).toHaveLength(3)
    expect(big.every((f) => f.endsWith('.png'))).toBe(true)
    expect(report.imported).toBe(4)
  })

  it('refuses bad requests with clear errors before creating a job', () => {
    expect(() => imports.start(999, FIXTURE)).toThrow(/project 999 does not exist/)
    expect(() => imports.start(projectId, path.join(tmp.dir, 'nope'))).toThrow(/does not exist/)
    expect(() => imports.start(projectId, 'relative/folder')).toThrow(/absolute/)
    expect(() => imports.start(projectId, path.join(FIXTURE, 'README.md'))).toThrow(/not a folder/)
    expect(() => imports.start(projectId, 'relative/folder')).toThrow(ApiFailure)
    expect(runner.list()).toHaveLength(0)
    expect(() => imports.report(12345)).toThrow(/job 12345 does not exist/)
  })

  it('a cancel mid-import stops committing, keeps what was committed, and is not resumed', async () => {
    const folder = path.join(tmp.dir, 'many')
    mkdirSync(folder)
    for (let i = 0; i < 80; i++) {
      const png = await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: i, g: 2 * i, b: 9 } } })
        .png()
        .toBuffer()
      writeFileSync(path.join(folder, `${i}.png`), png)
      writeFileSync(path.join(folder, `${i}.json`), JSON.stringify({ prompt: 'p' }))
    }
    const job = imports.start(projectId, folder)
    // Cancel from inside the progress listener, as soon as the first batch is committed.
    const cancelled = new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (events.some((e) => e.id === job.id && e.done > 0)) {
          clearInterval(poll)
          runner.cancel(job.id)
          resolve()
        }
      }, 1)
    })
    await cancelled
    await runner.idle()
    const after = runner.get(job.id)
    expect(after.state).toBe('cancelled')
    const status = (s: string) => ws.db.prepare('SELECT count(*) FROM import_files WHERE job_id = ? AND status = ?').pluck().get(job.id, s) as number
    expect(status('imported')).toBeGreaterThan(0)
    expect(status('pending')).toBeGreaterThan(0)
    expect(ws.db.prepare('SELECT count(*) FROM images').pluck().get()).toBe(status('imported'))
    expect(runner.resumePending()).toHaveLength(0)
  })

  it('an import cancelled before it began does nothing', async () => {
    const folder = path.join(tmp.dir, 'copy')
    cpSync(FIXTURE, folder, { recursive: true })
    const job = imports.start(projectId, folder)
    runner.cancel(job.id)
    await runner.idle()
    const after = runner.get(job.id)
    expect(after.state).toBe('cancelled')
    const c = ws.db.prepare("SELECT count(*) FROM import_files WHERE job_id = ? AND status = 'pending'").pluck().get(job.id) as number
    const total = ws.db.prepare('SELECT count(*) FROM images').pluck().get() as number
    // Cancelled before its first tick: nothing planned, nothing imported, and it is not resumed.
    expect(c + total).toBe(0)
    expect(runner.resumePending()).toHaveLength(0)
  })
})
