// A report's "workspace images" are the imported pool by default (issue 10): images sampled in the
// studio never mix into it unasked; asked for by source, they are audited.
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { addImages, fakeSha } from '../../store/fixtures'
import { open, tempRoot } from '../models/helpers'

const root = tempRoot('popalign-imported-pool-')
afterAll(() => root.remove())

describe('report source: workspace images', () => {
  it('audits imported images only unless other sources are named', async () => {
    const s = await open(join(root.dir, 'ws'))
    try {
      const ws = s.studio.workspace
      const projectId = (await s.call('projects.create', { name: 'Pool' })).id
      const promptId = ws.prompts.ensure({ projectId, text: 'a photo of a doctor' }).id
      const imported = addImages(ws, projectId, promptId, 3)
      // Sampled in the studio: the sampling job names the model as popalign-studio/<model>.
      const sampled = [0, 1].map(
        (i) =>
          ws.images.add({
            projectId,
            promptId,
            sha256: fakeSha(`sampled-${i}`),
            filePath: `/ws/samples/${i}.png`,
            rootPath: '/ws/samples',
            width: 64,
            height: 64,
            bytes: 10,
            seed: i,
            generator: 'popalign-studio/base'
          }).image.id
      )
      const other = ws.prompts.ensure({ projectId, text: 'a photo of a nurse' }).id
      for (const id of addImages(ws, projectId, other, 2, '/data/nurses')) ws.db.prepare("UPDATE images SET generator = 'popalign-studio/base' WHERE id = ?").run(id)

      const start = (from?: string[], prompt = 'a photo of a doctor') =>
        s.call('report.start', { projectId, sources: [{ kind: 'images', ...(from ? { from } : {}) }], prompts: [prompt], resamples: 50 } as never)
      const byDefault = await start()
      const both = await start(['imported', 'sampled'])
      // The job's work counts every audited image (plus the report itself).
      expect(byDefault.total).toBe(imported.length + 1)
      expect(both.total).toBe(imported.length + sampled.length + 1)
      await expect(start(undefined, 'a photo of a nurse')).rejects.toThrow(
        'prompt "a photo of a nurse" has no imported images in this project (it has 2 made in the studio: include those sources to audit them)'
      )
      for (const job of [byDefault, both]) await s.call('jobs.cancel', { jobId: job.id }).catch(() => {})
    } finally {
      await s.close()
    }
  })
})
