// Issue 11, findings 1, 2 and 4: special files, symlinks out of the folder and deeply nested
// sidecars in an import folder. Each must fail alone, be listed in the report with a reason that
// names the problem (never the file's content), and never hang or flood the studio.
//
// The import runs in a child process with a deadline: before the fix a FIFO named `x.json` blocked
// the importer's thread forever, which inside the test runner would hang the test instead of failing it.
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openWorkspace } from '../../../src-main/core/store/open'
import { imagesRepo } from '../../../src-main/core/store/repos/images'
import { projectsRepo } from '../../../src-main/core/store/repos/projects'
import { importFilesRepo } from '../../../src-main/core/store/repos/import-files'
import { DEFAULT_IMPORT_LIMITS } from '../../../src-main/core/features/import/limits'
import { createImportService } from '../../../src-main/core/features/import/import-service'
import { buildManifest } from '../../../src-main/core/features/import/manifest'
import { createJobRunner } from '../../../src-main/core/jobs/runner'
import { tempDir } from '../../store/helpers'
import { runTsxChild } from '../../helpers/tsx-child'

const FIXTURE = path.resolve(__dirname, '..', '..', 'fixtures', 'import-basic')
const IMAGE = path.join(FIXTURE, 'img_f0272b26-c94e-54de-9fa6-6bfb375f7e50_seed_2_1.jpg')
const CHILD = path.resolve(__dirname, 'helpers', 'import-child.ts')
const SECRET = 'root:x:0:0:SECRET-CONTENT:/root:/bin/bash'

let tmp: ReturnType<typeof tempDir>
/** Links out, garbage and deep sidecars: safe to read in this process even before the fix. */
let links: string
/** The same plus FIFOs and links to /dev/zero, which blocked or flooded the reading process: read only in a child. */
let special: string

/** An image `<stem>.jpg` with a sidecar `<stem>.json` holding `sidecar` (a string is written as is). */
function imageWithSidecar(folder: string, stem: string, sidecar: unknown): void {
  copyFileSync(IMAGE, path.join(folder, `${stem}.jpg`))
  writeFileSync(path.join(folder, `${stem}.json`), typeof sidecar === 'string' ? sidecar : JSON.stringify(sidecar))
}

function deepJson(levels: number): string {
  return `{"prompt":"a photo of a deep doctor","extra":${'{"a":'.repeat(levels)}1${'}'.repeat(levels)},"sampler":"ddim"}`
}

function addLinksOut(folder: string, outside: string): void {
  mkdirSync(folder)
  imageWithSidecar(folder, 'ok', { prompt: 'a photo of a doctor', sampler: 'ddim' })
  // 2. Sidecars and a manifest that are symlinks to files outside the folder.
  copyFileSync(IMAGE, path.join(folder, 'leak.jpg'))
  symlinkSync(path.join(outside, 'passwd'), path.join(folder, 'leak.json'))
  copyFileSync(IMAGE, path.join(folder, 'outjson.jpg'))
  symlinkSync(path.join(outside, 'good.json'), path.join(folder, 'outjson.json'))
  symlinkSync(path.join(outside, 'manifest.csv'), path.join(folder, 'out.csv'))
  // A sidecar inside the folder whose content is not JSON: the reason must not quote it.
  imageWithSidecar(folder, 'garbage', SECRET)
  // 4. A sidecar nested far deeper than SQLite's JSON functions accept.
  imageWithSidecar(folder, 'deep', deepJson(5000))
}

beforeAll(() => {
  tmp = tempDir('import-hostile-')
  const outside = path.join(tmp.dir, 'outside')
  mkdirSync(outside)
  writeFileSync(path.join(outside, 'passwd'), `${SECRET}\n`)
  writeFileSync(path.join(outside, 'good.json'), JSON.stringify({ prompt: 'an outside prompt', injected: 'extra key' }))
  writeFileSync(path.join(outside, 'manifest.csv'), 'img_path,prompt\nok.jpg,an outside csv prompt\n')
  links = path.join(tmp.dir, 'links')
  addLinksOut(links, outside)
  special = path.join(tmp.dir, 'special')
  addLinksOut(special, outside)
  // 1. A FIFO as a sidecar, one as a lone JSON and one as a CSV manifest; symlinks to /dev/zero.
  copyFileSync(IMAGE, path.join(special, 'fifo.jpg'))
  execFileSync('mkfifo', [path.join(special, 'fifo.json'), path.join(special, 'lone-fifo.json'), path.join(special, 'fifo.csv')])
  copyFileSync(IMAGE, path.join(special, 'zero.jpg'))
  symlinkSync('/dev/zero', path.join(special, 'zero.json'))
  symlinkSync('/dev/zero', path.join(special, 'zero.csv'))
})
afterAll(() => tmp.cleanup())

describe('manifest of a folder with special files and links out', () => {
  it('refuses each bad sidecar or manifest alone, naming the problem and never quoting content', async () => {
    const entries = new Map((await buildManifest(links, DEFAULT_IMPORT_LIMITS)).entries.map((e) => [e.relPath, e]))
    expect(entries.get('ok.jpg')).toMatchObject({ problem: null, prompt: 'a photo of a doctor' })
    expect(entries.get('leak.jpg')!.problem).toMatch(/sidecar leak\.json: .*outside its root folder/)
    expect(entries.get('outjson.jpg')!.problem).toMatch(/outside its root folder/)
    expect(entries.get('outjson.jpg')!.prompt).toBeNull()
    expect(entries.get('out.csv')!.problem).toMatch(/outside its root folder/)
    expect(entries.get('garbage.jpg')!.problem).toMatch(/sidecar garbage\.json: not valid JSON/)
    for (const e of entries.values()) expect(e.problem ?? '').not.toMatch(/root:x|SECRET|an outside/)
    // 4: kept, with the nested value replaced by a note.
    const deep = entries.get('deep.jpg')!
    expect(deep.problem).toBeNull()
    expect(deep.provenance).toMatchObject({ extra: null, sampler: 'ddim' })
    expect(String(deep.provenance.provenanceNote)).toMatch(/"extra" dropped: nested deeper than/)
  })
})

describe('import job on that folder', () => {
  it('finishes without hanging, imports the good files and lists every bad one in the report', async () => {
    const wsDir = path.join(tmp.dir, 'ws')
    mkdirSync(wsDir)
    const ws0 = openWorkspace(path.join(wsDir, 'ws.sqlite'))
    const projectId = projectsRepo(ws0.db).create('hostile').id
    ws0.close()

    await runTsxChild(CHILD, [wsDir, 'start', String(projectId), special], 30_000)

    const ws = openWorkspace(path.join(wsDir, 'ws.sqlite'))
    try {
      const job = ws.jobs.list(projectId)[0]
      expect(job.state).toBe('done')
      const report = importFilesRepo(ws.db).report(job.id)
      const failed = new Map(report.failures.map((f) => [f.file, f.reason]))
      for (const f of ['fifo.jpg', 'lone-fifo.json', 'fifo.csv', 'zero.jpg', 'zero.csv', 'leak.jpg', 'outjson.jpg', 'out.csv', 'garbage.jpg']) {
        expect(failed.has(f), f).toBe(true)
      }
      expect(failed.get('fifo.jpg')).toMatch(/sidecar fifo\.json: .*not a regular file/)
      expect(failed.get('lone-fifo.json')).toMatch(/not a regular file/)
      expect(failed.get('fifo.csv')).toMatch(/CSV manifest fifo\.csv cannot be read: .*not a regular file/)
      expect(failed.get('zero.jpg')).toMatch(/sidecar zero\.json: .*outside/)
      expect(failed.get('leak.jpg')).toMatch(/outside its root folder/)
      for (const reason of failed.values()) expect(reason).not.toMatch(/root:x|SECRET/)
      // ok.jpg and deep.jpg share bytes: one is imported, the other is its duplicate; nothing from outside.
      expect(report.imported + report.duplicates).toBe(2)
      const images = imagesRepo(ws.db, path.join(wsDir, 'thumbs')).list(projectId).items
      const prompts = ws.prompts.list(projectId).map((p) => p.text)
      expect(prompts).not.toContain('an outside prompt')
      expect(prompts).not.toContain('an outside csv prompt')
      expect(images).toHaveLength(1)
    } finally {
      ws.close()
    }
  })
})

describe('import job on a folder with a deeply nested sidecar', () => {
  it('imports the deep sidecar with its nested value trimmed, and the rest of the folder', async () => {
    const ws = openWorkspace(path.join(tmp.dir, 'deep.sqlite'))
    const runner = createJobRunner({ db: ws.db, throttleMs: 0 })
    try {
      const projectId = projectsRepo(ws.db).create('deep').id
      const imports = createImportService({ ws, runner, workspaceDir: path.join(tmp.dir, 'deep-ws') })
      const job = imports.start(projectId, links)
      await runner.idle()
      expect(runner.get(job.id)).toMatchObject({ state: 'done' })
      const report = imports.report(job.id)
      expect(report.failures.map((f) => f.file).sort()).toEqual(['garbage.jpg', 'leak.jpg', 'out.csv', 'outjson.jpg'])
      const kept = imagesRepo(ws.db, path.join(tmp.dir, 'deep-ws', 'thumbs')).list(projectId).items
      const rec = imagesRepo(ws.db, path.join(tmp.dir, 'deep-ws', 'thumbs')).get(kept[0].id)!
      // ok.jpg and deep.jpg have the same bytes: ok.jpg (first in folder order) is kept, deep.jpg is its duplicate.
      expect(report.imported + report.duplicates).toBe(2)
      expect(rec.provenance).toMatchObject({ sampler: 'ddim' })
    } finally {
      await runner.shutdown()
      ws.close()
    }
  })
})
