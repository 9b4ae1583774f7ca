// The Fine-tune screen's run head in the built renderer (Chromium, fake serve boundary), with the
// figures a screenshot caught: the curve's last point at step 371, the newest checkpoint at 386, the
// newest quality check at 160 while the run goes on. The head must name step 386, and the quality
// checks must say why they are behind and what is checked next.
// RUN_HEAD_SCREENSHOT=<file.png> saves the screen for a person to look at.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright'
import type { FinetuneMetrics, Job, QualityPoint, RunSummary } from '@shared/contract'
import { launchBrowser } from '../e2e/browser'
import { startFakeStudio, type FakeStudio } from './fake-studio'
import { builtRendererDir } from './renderer-dir'

// A 1x1 PNG: the quick check's contact sheet.
const SHEET = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='
const check = (step: number, fidelity: number): QualityPoint => ({
  step,
  fidelity: { value: fidelity, low: fidelity - 1, high: fidelity + 1 },
  discrepancy: [{ axis: 'gender', value: 0.4 }],
  conceptAccuracy: null,
  sheet: SHEET,
  quality: step === 0 ? null : { change: fidelity / 12 - 1, failed: false }
})
const job: Job = { id: 9, projectId: 1, kind: 'train', state: 'running', done: 371, total: 4000, message: 'step 371 of 4000', error: null, number: 1, name: null, createdAt: 'now', updatedAt: 'now' }
const metrics: FinetuneMetrics = {
  jobId: 9,
  state: 'running',
  step: 371,
  totalSteps: 4000,
  loss: 0.68,
  itPerSec: 4.2,
  etaSeconds: 864,
  points: [],
  totalPoints: 2,
  backend: 'onnxruntime-node 1.30.0 (CPU)',
  checkpoint: { step: 386, modelId: 'run:9@386' },
  quality: [check(0, 12), check(160, 12.4)],
  best: null,
  qualityDrop: null,
  guard: [],
  method: 'popalign',
  finetunePoints: [
    { step: 200, loss: 0.69, implicitAccuracy: 0.5, rewardMargin: 0, Z: null },
    { step: 371, loss: 0.68, implicitAccuracy: 0.55, rewardMargin: 0.02, Z: null }
  ]
}
const run: RunSummary = { jobId: 9, projectId: 1, number: 1, name: null, state: 'running', method: 'popalign', step: 371, totalSteps: 4000, init: 'base', snapshotId: 1, createdAt: 'now' }

let browser: Browser
let studio: FakeStudio
let page: Page
const pageErrors: string[] = []

beforeAll(async () => {
  studio = await startFakeStudio({
    rendererDir: builtRendererDir(),
    imagesPerPrompt: [4],
    answers: {
      'snapshots.list': () => [],
      'models.list': () => [],
      'finetune.presets': () => [
        {
          name: 'paper-scaled',
          label: 'Paper, scaled',
          description: 'The paper settings, scaled to the built-in world.',
          settings: { steps: 4000, batchSize: 16, learningRate: 2e-5, beta: 1000, alpha: 0.5, weighting: 'constant', condDropout: 0.2, seed: 1, checkpointEvery: 40 }
        }
      ],
      'runs.list': () => [run],
      'jobs.get': () => job,
      'finetune.metrics': () => metrics
    }
  })
  browser = await launchBrowser()
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } })
  page.on('pageerror', (e) => pageErrors.push(e.message))
})

afterAll(async () => {
  await browser?.close()
  await studio?.close()
})

describe('Fine-tune run head (fake server)', () => {
  it('names the newest checkpoint step, never an older one, and says why the quality checks lag', async () => {
    await page.goto(`${studio.url}/#/p/1/finetune`)
    await expect.poll(() => page.getByTestId('finetune-step').textContent(), { timeout: 15_000 }).toBe('386 of 4000')
    expect(await page.getByText('newest checkpoint: step 386').count()).toBe(1)
    expect(await page.getByTestId('quality-lag').textContent()).toBe(
      'The newest check is of step 160. Checks run one at a time, each on the newest checkpoint when the one before ends, so checkpoints written meanwhile are skipped; step 386 or a later one is checked next.'
    )
    if (process.env.RUN_HEAD_SCREENSHOT) await page.screenshot({ path: process.env.RUN_HEAD_SCREENSHOT, fullPage: true })
    expect(pageErrors).toEqual([])
  })
})
