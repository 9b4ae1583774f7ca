// SIGKILL in the middle of an import, then reopen and resume: the import must end with exactly the
// right rows: every file once in the ledger, no file left pending, one image row per distinct
// content, every imported/duplicate ledger row linked to an existing image (docs/methods/security.md §Workspace durability, crash test (c)).
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openWorkspace } from '../../../src-main/core/store/open'
import { projectsRepo } from '../../../src-main/core/store/repos/projects'
import { tempDir } from '../../store/helpers'
import { spawnTsx } from '../../helpers/tsx-child'

const CHILD = path.resolve(__dirname, 'helpers', 'import-child.ts')
const FILES = 240
const DUPLICATE_EVERY = 10 // every 10th file repeats the previous image's bytes

let tmp: ReturnType<typeof tempDir>
let folder: string

beforeAll(async () => {
  tmp = tempDir('import-crash-')
  folder = path.join(tmp.dir, 'images')
  mkdirSync(folder)
  let previous = Buffer.alloc(0)
  for (let i = 0; i < FILES; i++) {
    const bytes =
      i % DUPLICATE_EVERY === DUPLICATE_EVERY - 1
        ? previous
        : await sharp({ create: { width: 24, height: 24, channels: 3, background: { r: i % 256, g: (i * 7) % 256, b: (i * 13) % 256 } } })
            .png()
            .toBuffer()
    previous = bytes
    const name = `img_00000000-0000-5000-8000-${String(i).padStart(12, '0')}_seed_${i}_0.png`
    writeFileSync(path.join(folder, name), bytes)
    writeFileSync(path.join(folder, name.replace(/\.png$/, '.json')), JSON.stringify({ file_path: name, prompt: `prompt ${i % 4}` }))
  }
  // One broken file so failures must survive the crash too.
  writeFileSync(path.join(folder, 'broken.png'), 'not an image')
  writeFileSync(path.join(folder, 'broken.json'), JSON.stringify({ prompt: 'prompt 0' }))
})
afterAll(() => tmp.cleanup())

/** Runs the child; resolves with its output. `killWhen` sends SIGKILL once a line matches. */
function runChild(args: string[], killWhen?: (line: string) => boolean): Promise<{ code: number | null; signal: string | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawnTsx(CHILD, args)
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      if (killWhen && !child.killed && out.split('\n').some(killWhen)) child.kill('SIGKILL')
    })
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.on('error', reject)
    child.on('exit', (code, signal) => (code && code !== 0 ? reject(new Error(`child failed (${code}): ${err}`)) : resolve({ code, signal, out })))
  })
}

describe('import survives SIGKILL', () => {
  it('resumes after a kill mid-import and ends with exactly the right rows', async () => {
    const ws0 = openWorkspace(path.join(tmp.dir, 'ws.sqlite'))
    const projectId = projectsRepo(ws0.db).create('crash').id
    ws0.close()

    const total = FILES + 1
    // Kill once some chunks are committed but well before the end.
    const first = await runChild([tmp.dir, 'start', String(projectId), folder], (line) => {
      const m = /^progress \d+ running (\d+)\/(\d+)$/.exec(line)
      return m !== null && Number(m[1]) >= 40
    })
    expect(first.signal).toBe('SIGKILL')

    // Between the kill and the resume: a consistent, partial state.
    const ws1 = openWorkspace(path.join(tmp.dir, 'ws.sqlite'))
    const mid = ws1.db.prepare('SELECT status, count(*) AS n FROM import_files GROUP BY status').all() as Array<{ status: string; n: number }>
    const midCount = (s: string) => mid.find((r) => r.status === s)?.n ?? 0
    expect(midCount('pending')).toBeGreaterThan(0)
    expect(midCount('imported')).toBeGreaterThan(0)
    // No half-linked rows: every image has exactly one 'imported' ledger row, and vice versa.
    const images1 = ws1.db.prepare('SELECT count(*) FROM images').pluck().get() as number
    expect(images1).toBe(midCount('imported'))
    expect(ws1.db.prepare('SELECT state FROM jobs').pluck().get() as string).toBe('running')
    ws1.close()

    const second = await runChild([tmp.dir, 'resume'])
    expect(second.out).toContain('finished')

    const ws2 = openWorkspace(path.join(tmp.dir, 'ws.sqlite'))
    try {
      const rows = ws2.db.prepare('SELECT rel_path, status, reason, image_id FROM import_files ORDER BY rel_path').all() as Array<{
        rel_path: string
        status: string
        reason: string | null
        image_id: number | null
      }>
      expect(rows).toHaveLength(total)
      expect(new Set(rows.map((r) => r.rel_path)).size).toBe(total)
      const count = (s: string) => rows.filter((r) => r.status === s).length
      const duplicates = Math.floor(FILES / DUPLICATE_EVERY)
      expect(count('pending')).toBe(0)
      expect(count('failed')).toBe(1)
      expect(rows.find((r) => r.rel_path === 'broken.png')!.reason).toMatch(/not an image/)
      expect(count('duplicate')).toBe(duplicates)
      expect(count('imported')).toBe(FILES - duplicates)

      const images = ws2.db.prepare('SELECT id, sha256 FROM images').all() as Array<{ id: number; sha256: string }>
      expect(images).toHaveLength(FILES - duplicates)
      const ids = new Set(images.map((i) => i.id))
      for (const r of rows.filter((r) => r.status !== 'failed')) expect(ids.has(r.image_id!)).toBe(true)
      // Each image is the target of exactly one 'imported' row.
      const importedIds = rows.filter((r) => r.status === 'imported').map((r) => r.image_id)
      expect(new Set(importedIds).size).toBe(importedIds.length)

      const job = ws2.db.prepare('SELECT state, done, total FROM jobs').get() as { state: string; done: number; total: number }
      expect(job).toEqual({ state: 'done', done: total, total })
      expect(ws2.integrityCheck()).toEqual(['ok'])
    } finally {
      ws2.close()
    }
  }, 60_000)
})
