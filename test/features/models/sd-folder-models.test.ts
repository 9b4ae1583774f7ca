// A Stable Diffusion ONNX export in <workspace>/models/ is one model among the others (issue 13 item 3):
// listed for the screens that sample (never for training), sampled by a sample job through the one
// sampler at the export's own resolution with provenance, the same seed giving the same image, and
// audited by a report job with the same statistics as a built-in model.
import { cpSync, existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openSdFolder } from '../../../src-main/core/sd/folder'
import { hashModelFolder } from '../../../src-main/core/sd/provenance'
import { openWorkspace } from '../../../src-main/core/store/open'
import { jobFinished as finished, open, tempRoot } from './helpers'

const FIXTURE = join(__dirname, '../../fixtures/tiny-sd-onnx/model')
const root = tempRoot('sd-folder-')
const ws = join(root.dir, 'ws')
let projectId = 0

beforeAll(async () => {
  mkdirSync(join(ws, 'models'), { recursive: true })
  cpSync(FIXTURE, join(ws, 'models', 'tiny-sd'), { recursive: true })
  // Not a model: a folder without a UNet is not listed.
  mkdirSync(join(ws, 'models', 'notes'))
  const s = await open(ws)
  try {
    projectId = (await s.call('projects.create', { name: 'Real model' })).id
  } finally {
    await s.close()
  }
})
afterAll(() => root.remove())

describe('Stable Diffusion folders as models', () => {
  it('are listed for sampling and reports only, sampled at their resolution with provenance, the same seed giving the same image', async () => {
    const s = await open(ws)
    try {
      const all = await s.call('models.list', { folders: true })
      expect(all.filter((m) => m.source === 'folder').map((m) => [m.id, m.label])).toEqual([['sd:tiny-sd', 'tiny-sd (Stable Diffusion)']])
      expect((await s.call('models.list', {})).some((m) => m.source === 'folder')).toBe(false)
      await expect(s.call('train.start', { projectId, config: {}, init: 'sd:tiny-sd' })).rejects.toThrow(/model id/)

      const prompts = ['a photo of a doctor', 'a photo of a nurse']
      const job = await s.call('sample.start', { projectId, model: 'sd:tiny-sd', prompts, seedStart: 3, count: 1, steps: 2, sampler: 'ddim', guidance: 7.5 })
      const done = await finished(s, job.id)
      expect(done.state, done.error ?? '').toBe('done')
      const results = await s.call('sample.results', { jobId: job.id })
      expect(results.map((r) => [r.provenance.prompt, r.provenance.seed])).toEqual([
        [prompts[0], 3],
        [prompts[1], 3]
      ])
      expect(results[0].provenance).toMatchObject({ model: 'sd:tiny-sd', modelLabel: 'tiny-sd (Stable Diffusion)', checkpoint: join(ws, 'models', 'tiny-sd'), step: 0, sampler: 'ddim', steps: 2 })
      expect(results[0].provenance.backend).toMatch(/^Stable Diffusion on onnxruntime-node/)
      // The folder's content hash, as core/sd computes it, beside the settings.
      const db = openWorkspace(join(ws, 'workspace.db'))
      try {
        expect(db.images.get(results[0].imageId)?.provenance).toMatchObject({ source: 'sample', modelHash: await hashModelFolder(openSdFolder(join(ws, 'models', 'tiny-sd'))) })
      } finally {
        db.close()
      }
      const images = await s.call('images.list', { projectId })
      // The export's own resolution (the VAE's sample_size), saved as drawn.
      expect(images.items[0]).toMatchObject({ width: 64, height: 64, generator: 'popalign-studio/sd:tiny-sd' })
      const file = s.studio.imageFile(images.items[0].id, 'full')
      expect(file && existsSync((file as { path: string }).path)).toBe(true)

      const again = await s.call('sample.start', { projectId, model: 'sd:tiny-sd', prompts: [prompts[1]], seedStart: 3, count: 1, steps: 2, sampler: 'ddim', guidance: 7.5 })
      expect((await finished(s, again.id)).state).toBe('done')
      expect((await s.call('sample.results', { jobId: again.id }))[0].imageId).toBe(results[1].imageId)

      await expect(s.call('sample.start', { projectId, model: 'sd:tiny-sd', prompts, sampler: 'ddpm' })).rejects.toThrow(/not ddpm/)
      await expect(s.call('sample.start', { projectId, model: 'base', prompts, sampler: 'euler' })).rejects.toThrow(/ddim or ddpm; euler is for Stable Diffusion folders/)
      // Euler ancestral from the Sample screen: its own image for the same seed, recorded as such.
      const ancestral = await s.call('sample.start', { projectId, model: 'sd:tiny-sd', prompts: [prompts[1]], seedStart: 3, count: 1, steps: 2, sampler: 'euler-ancestral', guidance: 7.5 })
      expect((await finished(s, ancestral.id)).state).toBe('done')
      const [drawn] = await s.call('sample.results', { jobId: ancestral.id })
      expect(drawn.provenance).toMatchObject({ sampler: 'euler-ancestral', seed: 3, steps: 2 })
      expect(drawn.imageId).not.toBe(results[1].imageId)
      await expect(s.call('sample.start', { projectId, model: 'sd:missing', prompts })).rejects.toThrow(/no Stable Diffusion model folder "missing"/)
      await expect(s.call('sample.start', { projectId, model: 'sd:../etc', prompts })).rejects.toThrow(/model id/)
    } finally {
      await s.close()
    }
  })

  it('stop sampling when their job is cancelled, mid-image', async () => {
    const s = await open(ws)
    try {
      // 1000 UNet steps per image take about a minute on the tiny model; the cancel lands within the first image.
      const job = await s.call('sample.start', { projectId, model: 'sd:tiny-sd', prompts: ['a photo of a farmer'], seedStart: 9, count: 2, steps: 1000, sampler: 'ddim', guidance: 7.5 })
      await new Promise((r) => setTimeout(r, 1500))
      const started = performance.now()
      await s.call('jobs.cancel', { jobId: job.id })
      const done = await finished(s, job.id, 20_000)
      expect(done.state).toBe('cancelled')
      expect(done.done).toBe(0)
      expect(performance.now() - started).toBeLessThan(5000)
    } finally {
      await s.close()
    }
  })

  it('are audited by a report job like a built-in model', async () => {
    const s = await open(ws)
    try {
      const prompts = ['a photo of a chef']
      const job = await s.call('report.start', { projectId, sources: [{ kind: 'model', model: 'sd:tiny-sd' }], prompts, count: 2, seedStart: 0, steps: 2, guidance: 7.5, resamples: 50 })
      const done = await finished(s, job.id, 90_000)
      expect(done.state, done.error ?? '').toBe('done')
      const report = await s.call('report.get', { reportId: job.id })
      expect(report.models[0]).toMatchObject({ label: 'tiny-sd (Stable Diffusion)', images: 2 })
      expect(report.models[0].lineage.checkpoint).toContain(join('models', 'tiny-sd'))
      expect(report.models[0].lineage.seeds).toEqual([0, 1])
    } finally {
      await s.close()
    }
  })
})
