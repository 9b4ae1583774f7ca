// Every fine-tuning preset keeps the base model's images intact: the preset fine-tunes the shipped base
// on classifier-judged pairs of its own samples and the quick quality check judges the result against
// the base. Settings were chosen on development seeds 101-103 (docs/quality.md); this runs evaluation
// seed 1, which no setting was chosen on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolve } from 'node:path'
import { checkPreset } from '../../../src-main/cli/experiments/preset-check'
import { openQualityTools, type QualityTools } from '../../../src-main/core/features/models/quality-check'
import { FINETUNE_PRESETS } from '../../../src-main/core/features/fine-tuning/presets'
import { WORLD_CLASSIFIER_DIR } from '../../helpers/config'

const EVALUATION_SEED = 1
const base = resolve(__dirname, '../../../resources/models/base/base.ckpt')
let tools: QualityTools
beforeAll(async () => {
  tools = await openQualityTools(WORLD_CLASSIFIER_DIR)
})
afterAll(async () => {
  await tools.dispose()
})

describe('fine-tuning presets', () => {
  it.each(FINETUNE_PRESETS.map((p) => [p.name, p] as const))(
    '%s keeps image quality within the check',
    async (_name, preset) => {
      const r = await checkPreset(base, tools, 'popalign', preset.settings, EVALUATION_SEED)
      const f = (q: typeof r.final): string => JSON.stringify(q.fidelity)
      expect(r.final.quality, `no fidelity figure: ${f(r.final)}`).not.toBeNull()
      expect(r.passed, `fidelity gap ${f(r.baseline)} -> ${f(r.final)} (${Math.round(100 * (r.final.quality?.change ?? 0))}%)`).toBe(true)
    },
    240_000
  )

  it('the check itself fails a preset that destroys the images (the old Quick try: lr 3e-4)', async () => {
    const quick = FINETUNE_PRESETS.find((p) => p.name === 'quick')!
    const r = await checkPreset(base, tools, 'popalign', { ...quick.settings, learningRate: 3e-4 }, EVALUATION_SEED)
    expect(r.passed).toBe(false)
    expect(r.final.quality!.change).toBeGreaterThan(1)
  }, 240_000)
})
