// A report on exactly the images named (report.start's images source with imageIds), as "Audit it" under
// a fine-tune's samples asks for it: other images of the same prompt stay out, and an image of another
// project or of a prompt the report does not list is refused in words before any job exists.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../store/helpers'
import { createJobRunner, type JobRunner } from '../../src-main/core/jobs/runner'
import { createAuditService, type AuditService } from '../../src-main/core/features/reports/service'
import { testConfig } from '../helpers/config'
import { toyPreference, type ToyPreference } from './fixture'

describe('report on named images', () => {
  const tmp = tempDir('popalign-report-images-')
  let toy: ToyPreference
  let runner: JobRunner
  let audit: AuditService
  let ids: number[]

  beforeAll(async () => {
    toy = await toyPreference(tmp.dir, 3)
    runner = createJobRunner({ db: toy.ws.db, throttleMs: 0 })
    audit = createAuditService({ ws: toy.ws, runner, workspaceDir: tmp.dir, ...testConfig() })
    ids = toy.ws.images.list(toy.projectId, { limit: 100 }).items.map((i) => i.id)
  }, 60_000)

  afterAll(async () => {
    await runner.shutdown()
    toy.close()
    tmp.cleanup()
  })

  const base = { seedStart: 0, count: 1, steps: 1, sampler: 'ddim' as const, guidance: 3, resamples: 50, classifier: 'builtin' as const }

  it('audits only the images named, not every image of the prompt', async () => {
    expect(ids.length).toBe(12)
    const chosen = ids.slice(0, 5)
    const job = audit.start({ ...base, projectId: toy.projectId, prompts: ['a photo of a doctor'], sources: [{ kind: 'images', label: 'Run 1 samples', imageIds: chosen }] })
    await runner.idle()
    expect(runner.get(job.id).error).toBeNull()
    const report = audit.get(job.id)
    expect(report.models).toHaveLength(1)
    expect(report.models[0].images).toBe(5)
    expect(report.models[0].coverage.total).toBe(5)
  }, 120_000)

  it("names the fine-tune that drew the images in the report's lineage, by the run's name in this project", async () => {
    const run = toy.ws.jobs.create({ projectId: toy.projectId, kind: 'train' })
    const img = toy.ws.images.get(ids[0])!
    const weights = 'e'.repeat(64)
    const drawn = [1, 2].map(
      (k) =>
        toy.ws.images.add({
          ...img,
          sha256: String(k).repeat(64),
          generator: 'popalign_trainer.sample',
          provenance: { fineTuneJob: run.id, fineTuneMethod: 'popalign', fineTuneBeta: 2500, fineTuneStep: 20, weights: { sha256: weights }, lineageSha256: 'd'.repeat(64) }
        }).image.id
    )
    const job = audit.start({ ...base, projectId: toy.projectId, prompts: ['a photo of a doctor'], sources: [{ kind: 'images', label: 'Run samples', imageIds: [...drawn, ids[0]] }] })
    await runner.idle()
    expect(runner.get(job.id).error).toBeNull()
    const origin = audit.get(job.id).models[0].lineage.origin
    expect(origin).toContain(`Run ${run.number} (popalign, beta 2500, step 20), weights sha256 ${weights}, lineage sha256 ${'d'.repeat(64)} (2 images)`)
    // The toy image that was not drawn by the run is counted apart, under its own origin.
    expect(origin).toMatch(/\(1 image\)/)
  }, 120_000)

  it('refuses an image of another project or of a prompt the report does not list', () => {
    const other = toy.ws.projects.create('Other', '').id
    const otherPrompt = toy.ws.prompts.ensure({ projectId: other, text: 'a photo of a doctor' }).id
    const img = toy.ws.images.get(ids[0])!
    const foreign = toy.ws.images.add({ ...img, projectId: other, promptId: otherPrompt, provenance: {} }).image.id
    const nurse = toy.ws.prompts.ensure({ projectId: toy.projectId, text: 'a photo of a nurse' }).id
    const nurseImage = toy.ws.images.add({ ...img, sha256: 'f'.repeat(64), promptId: nurse, provenance: {} }).image.id
    const start = (imageIds: number[]) => () => audit.start({ ...base, projectId: toy.projectId, prompts: ['a photo of a doctor'], sources: [{ kind: 'images', label: 'samples', imageIds }] })
    expect(start([ids[0], foreign])).toThrow(`image ${foreign} is not in this project`)
    expect(start([nurseImage])).toThrow(`image ${nurseImage} is of a prompt the report does not list ("a photo of a nurse")`)
  })
})
