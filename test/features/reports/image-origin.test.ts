// The "images drawn by" line of an image-set report: a fine-tune's samples name the run and the hashes
// pinning its weights; a change of weights, run or generator changes the line; images that record no
// origin are counted, never passed off as the run's.
import { describe, expect, it } from 'vitest'
import { imageSetOrigin, type ImageProvenance } from '../../../src-main/core/features/reports/image-origin'
import { lineageRows } from '../../../src-main/shared/audit/lineage-rows'
import type { Lineage } from '../../../src-main/shared/audit/report-model'

const W = 'a'.repeat(64)
const L = 'b'.repeat(64)
const fromRun = (over: Record<string, unknown> = {}): ImageProvenance => ({
  generator: 'popalign_trainer.sample',
  provenance: { fineTuneJob: 7, fineTuneMethod: 'popalign', fineTuneBeta: 2500, fineTuneStep: 20, weights: { sha256: W }, lineageSha256: L, ...over }
})
const names = (jobId: number): string | null => (jobId === 7 ? 'Run 2' : null)

describe('imageSetOrigin', () => {
  it('names the run, its settings and both hashes when one fine-tune drew every image', () => {
    expect(imageSetOrigin([fromRun(), fromRun(), fromRun()], names)).toBe(`Run 2 (popalign, beta 2500, step 20), weights sha256 ${W}, lineage sha256 ${L}: all 3 images`)
    expect(imageSetOrigin([fromRun()], names)).toMatch(/: the one image$/)
  })

  it('falls back to the job number where the run is not known here, and leaves beta out for SFT', () => {
    expect(imageSetOrigin([fromRun({ fineTuneJob: 9, fineTuneMethod: 'sft' })], names)).toBe(`fine-tune job 9 (sft, step 20), weights sha256 ${W}, lineage sha256 ${L}: the one image`)
  })

  it('splits the set when the weights differ, so a swapped checkpoint cannot hide in the count', () => {
    const line = imageSetOrigin([fromRun(), fromRun(), fromRun({ weights: { sha256: 'c'.repeat(64) } })], names)
    expect(line).toContain(`weights sha256 ${W}, lineage sha256 ${L} (2 images)`)
    expect(line).toContain(`weights sha256 ${'c'.repeat(64)}, lineage sha256 ${L} (1 image)`)
  })

  it('counts images of other generators and images that record nothing', () => {
    const line = imageSetOrigin([fromRun(), { generator: 'sdxl-1.0', provenance: {} }, { generator: null, provenance: {} }, { generator: '  ', provenance: { fineTuneJob: 'x' } }], names)
    expect(line).toBe(`no recorded origin (2 images); generator sdxl-1.0 (1 image); Run 2 (popalign, beta 2500, step 20), weights sha256 ${W}, lineage sha256 ${L} (1 image)`)
  })

  it('says nothing for an empty set, and the report rows carry the line only when there is one', () => {
    expect(imageSetOrigin([], names)).toBeNull()
    const lineage: Lineage = {
      checkpoint: null,
      run: null,
      snapshot: null,
      annotators: [],
      agreement: null,
      classifier: { id: 'c', version: '1' },
      prompts: 'p',
      seeds: [],
      sampler: null,
      guidance: null,
      model: null
    }
    expect(lineageRows(lineage).some((r) => r.key === 'origin')).toBe(false)
    const rows = lineageRows({ ...lineage, origin: 'Run 2 (popalign): all 3 images' })
    const at = rows.findIndex((r) => r.key === 'origin')
    expect(rows[at]).toEqual({ key: 'origin', label: 'images drawn by', value: 'Run 2 (popalign): all 3 images' })
    expect(rows[at - 1].key).toBe('model')
  })
})
