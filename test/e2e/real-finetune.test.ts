// The "Fine-tune real model" screen end to end: the built UI in the bundled Chromium against the real
// serve mode. With the managed test environment (.cache/python-env) the screen shows what it holds
// (Python, torch, CUDA, memory), a tiny SD model in the diffusers layout is picked with the folder
// picker, a judged snapshot trains on it (PopAlign, LoRA) with the loss / implicit accuracy / reward
// margin curves growing live, pause and resume, and the run's lineage (command, versions, snapshot
// hash); the finished run is sampled from the screen (thumbnails load) and audited into a report that
// opens on Reports; a second run is cancelled. A studio on a machine without Python says so in plain
// words and its Start button stays off; one without sbatch writes a Slurm run's files instead of
// submitting them and shows them. REAL_FT_SCREENSHOTS=<folder> saves a screenshot of each state.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { open } from '../features/models/helpers'
import { judgedSnapshot } from '../features/fine-tuning/fixture'
import { envPython, trainerEnv } from '../../src-main/core/python-env'
import { requireTestEnv, SKIP_PYTHON, TEST_ENV_DIR, TRAINER_SOURCE } from '../helpers/python-env'
import { launchBrowser } from './browser'
import { checkScreen } from './screen-check'
import { startServe, type ServeProcess } from './serve-process'

let root: string
let browser: Browser
let page: Page
let projectId = 0
let snapshotSha = ''
let modelDir = ''
const servers: ServeProcess[] = []
const pageErrors: string[] = []
const shots = process.env.REAL_FT_SCREENSHOTS

async function shot(name: string): Promise<void> {
  if (!shots) return
  mkdirSync(shots, { recursive: true })
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true })
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'popalign-e2e-realft-'))
  const workspace = join(root, 'workspace')
  const s = await open(workspace)
  try {
    projectId = (await s.call('projects.create', { name: 'Fairer doctors' })).id
    const snapshotId = await judgedSnapshot(s.studio.workspace, workspace, projectId)
    snapshotSha = (await s.call('snapshots.list', { projectId })).find((x) => x.id === snapshotId)!.contentSha256
  } finally {
    await s.close()
  }
  browser = await launchBrowser()
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } })
  page.on('pageerror', (e) => pageErrors.push(e.message))
}, 120_000)

afterAll(async () => {
  await browser?.close()
  for (const s of servers) await s.kill()
  if (root) rmSync(root, { recursive: true, force: true })
})

const points = async (id: string): Promise<number> => Number(await page.getByTestId(id).getAttribute('data-points'))

describe('Fine-tune real model screen', () => {
  it('says in plain words that Python is missing, and the built-in world carries on', async () => {
    const server = await startServe(join(root, 'workspace'), {
      env: { POPALIGN_PYTHON: join(root, 'no-such-python'), PATH: join(root, 'empty-path'), POPALIGN_PYTHON_ENV: join(root, 'no-env') }
    })
    servers.push(server)
    await page.goto(server.link)
    await page.goto(`${server.origin}/#/p/${projectId}/realft`)
    const env = page.getByTestId('python-env')
    await expect.poll(() => env.getAttribute('data-state'), { timeout: 20_000 }).toBe('no-python')
    expect(await page.getByTestId('python-env-state').textContent()).toBe('Python is missing')
    expect(await page.getByTestId('python-env-reason').textContent()).toBe('Python 3.10 or newer was not found on this computer. Real-model fine-tuning needs it; the built-in world works without it.')
    expect(await page.getByTestId('real-needs-env').textContent()).toMatch(/This needs Python, which this computer does not have yet/)
    expect(await page.getByRole('button', { name: 'Start fine-tuning' }).isDisabled()).toBe(true)
    await shot('1-no-python')
    // The built-in model's Fine-tune screen is untouched.
    await page.getByRole('link', { name: 'Fine-tune', exact: true }).click()
    await expect.poll(() => page.locator('select[name=snapshot] option').count(), { timeout: 15_000 }).toBe(1)
    await server.kill()
  }, 90_000)

  it.skipIf(SKIP_PYTHON)(
    'shows the environment, trains a tiny SD model live with pause/resume, records its lineage, and cancels a second run',
    async () => {
      const envDir = requireTestEnv()
      modelDir = join(root, 'models', 'tiny-sd')
      const built = spawnSync(envPython(envDir), ['-m', 'popalign_trainer.tiny_models', modelDir], { env: trainerEnv(TRAINER_SOURCE), encoding: 'utf8' })
      if (built.status !== 0) throw new Error(`building the tiny model failed: ${built.stderr}`)
      const server = await startServe(join(root, 'workspace'), { env: { POPALIGN_PYTHON_ENV: TEST_ENV_DIR, POPALIGN_BROWSE_ROOTS: root } })
      servers.push(server)
      await page.goto(server.link)
      await page.goto(`${server.origin}/#/p/${projectId}/realft`)
      const env = page.getByTestId('python-env')
      await expect.poll(() => env.getAttribute('data-state'), { timeout: 60_000 }).toBe('ready')
      await page.getByTestId('python-probe').waitFor({ timeout: 60_000 })
      const probe = (await page.getByTestId('python-probe').textContent()) ?? ''
      expect(probe).toMatch(/Python\s*3\.\d+/)
      expect(probe).toMatch(/torch\s*2\.\d+/)
      expect(probe).toMatch(/CUDA\s*none \(CPU only\)/)
      expect(probe).toMatch(/Memory free\s*\d+\.\d GiB of \d+\.\d GiB/)
      await shot('2-environment-ready')

      // The base model folder through the folder picker: root -> models -> tiny-sd -> "Use this folder".
      await page.getByRole('button', { name: 'Browse…' }).click()
      const picker = page.getByTestId('folder-picker')
      await picker.getByRole('button', { name: 'models/', exact: true }).click()
      await picker.getByRole('button', { name: 'tiny-sd/', exact: true }).click()
      await expect.poll(() => picker.getByTestId('picker-path').textContent()).toBe(modelDir)
      await picker.getByRole('button', { name: /Use this folder/ }).click()
      expect(await page.locator('input[name=modelDir]').inputValue()).toBe(modelDir)

      // Where it runs: a Slurm cluster takes partition, machines, GPUs, time and a β sweep (shown, then back to here).
      await page.getByRole('radio', { name: 'Slurm cluster' }).check()
      await page.locator('input[name=partition]').fill('gpu')
      await page.locator('input[name=sweep]').fill('1000, 2500, 5000')
      await shot('2b-slurm-settings')
      await page.getByRole('radio', { name: 'This computer' }).check()
      await page.locator('select[name=preset]').selectOption('quick')
      await page.locator('select[name=weighting]').selectOption('min_snr')
      await page.locator('input[name=steps]').fill('12')
      await page.locator('input[name=pairsPerStep]').fill('2')
      await page.getByRole('button', { name: 'Start fine-tuning' }).click()
      const run = page.getByTestId('real-run')
      await run.waitFor()
      await expect.poll(() => points('real-curve-loss'), { timeout: 120_000 }).toBeGreaterThanOrEqual(2)
      await page.getByRole('button', { name: 'Pause' }).click()
      await expect.poll(() => page.getByTestId('real-state').textContent()).toBe('paused')
      const atPause = await points('real-curve-loss')
      await new Promise((r) => setTimeout(r, 2500))
      expect(await points('real-curve-loss')).toBeLessThanOrEqual(atPause + 1)
      await shot('3-paused')
      await page.getByRole('button', { name: 'Resume' }).click()
      await expect.poll(() => page.getByTestId('real-state').textContent(), { timeout: 120_000 }).toBe('finished')
      await expect.poll(() => points('real-curve-loss'), { timeout: 10_000 }).toBe(12)
      expect(await points('real-curve-accuracy')).toBe(12)
      expect(await points('real-curve-margin')).toBe(12)
      const lineage = page.getByTestId('real-lineage')
      await lineage.waitFor()
      const text = (await lineage.textContent()) ?? ''
      expect(text).toMatch(/accelerate launch --config_file .*popalign_trainer\.train/)
      expect(text).toMatch(/torch 2\.\d+/)
      expect(await page.getByTestId('real-snapshot-hash').textContent()).toBe(snapshotSha)
      expect(await page.getByTestId('real-result').textContent()).toMatch(/Trained LoRA: .*pytorch_lora_weights\.safetensors/)
      await shot('4-done-with-lineage')
      // Where a person reads it (issue 10): no raw ids, method names or ISO timestamps, no stray errors.
      await checkScreen(page, 'real-finetune', 'done-with-lineage')

      // Sample the finished run with its LoRA (the trainer's environment draws, the images come into the
      // project with the run's provenance), see the images, and audit them in a report.
      const sampler = page.getByTestId('real-sample')
      await sampler.waitFor()
      expect(await sampler.getByRole('checkbox', { name: 'a photo of a doctor' }).isChecked()).toBe(true)
      await sampler.locator('input[name=sample-seeds]').fill('0, 1, 2')
      await sampler.locator('input[name=sample-steps]').fill('4')
      await sampler.getByRole('button', { name: 'Sample it' }).click()
      const thumbs = sampler.getByTestId('real-sample-images').locator('img')
      await expect.poll(() => thumbs.count(), { timeout: 180_000 }).toBe(3)
      // Every thumbnail loads (the server serves it and the browser decodes it).
      await expect
        .poll(() => thumbs.evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0)), { timeout: 20_000 })
        .toEqual([true, true, true])
      expect(await sampler.getByTestId('real-sample-state').textContent()).toBe('sampled 3 images of Run 1; 3 in the project')
      expect(await thumbs.first().getAttribute('alt')).toMatch(/^a photo of a doctor, seed [012]$/)
      await shot('4b-sampled')
      await checkScreen(page, 'real-finetune', 'sampled')
      await sampler.getByRole('button', { name: 'Audit it' }).click()
      // The report on exactly those images opens on the Reports screen once its job is done.
      await expect.poll(() => page.evaluate(() => window.location.hash), { timeout: 10_000 }).toBe(`#/p/${projectId}/reports`)
      const reportTitle = page.getByRole('heading', { level: 2, name: 'Run 1: 3 sampled images' })
      await reportTitle.waitFor({ timeout: 120_000 })
      await page.getByRole('heading', { level: 3, name: 'Lineage' }).waitFor()
      // The report is on those 3 images, not on every image of the prompt (the fixture's 18 are in the project too).
      await page
        .getByText(/\d+ of 3 images classified/)
        .first()
        .waitFor()
      await shot('4c-audit-report')
      expect(pageErrors).toEqual([])

      // Back to the fine-tune screen: it shows the newest run (Run 1) again; the form is filled anew.
      await page.getByRole('link', { name: 'Fine-tune real model', exact: true }).click()
      await expect.poll(() => page.getByTestId('real-state').textContent(), { timeout: 10_000 }).toBe('finished')
      await page.locator('input[name=modelDir]').fill(modelDir)
      await page.locator('select[name=preset]').selectOption('quick')

      // A second, long run: cancel stops it (with a checkpoint) and the screen says so.
      await page.locator('input[name=steps]').fill('400')
      await page.getByRole('button', { name: 'Start fine-tuning' }).click()
      await expect.poll(() => page.getByTestId('real-state').textContent(), { timeout: 10_000 }).toBe('running')
      await expect.poll(() => points('real-curve-loss'), { timeout: 120_000 }).toBeGreaterThanOrEqual(1)
      await page.getByRole('button', { name: 'Cancel' }).click()
      await expect.poll(() => page.getByTestId('real-state').textContent(), { timeout: 90_000 }).toBe('cancelled')
      await shot('5-cancelled')
      // Reopened, the screen shows the project's newest real-model run again.
      await page.getByRole('link', { name: 'Train', exact: true }).click()
      await page.getByRole('link', { name: 'Fine-tune real model', exact: true }).click()
      await expect.poll(() => page.getByTestId('real-state').textContent(), { timeout: 10_000 }).toBe('cancelled')
      await expect.poll(() => page.locator('#real-run-title').textContent()).toMatch(/^Run 2 · PopAlign/)
      // Any run can be shown again: Run 1, finished, with the set sampled from it earlier.
      await page.locator('select[name=show-run]').selectOption({ label: 'Run 1 · finished' })
      await expect.poll(() => page.locator('#real-run-title').textContent()).toMatch(/^Run 1 · PopAlign/)
      await expect.poll(() => page.getByTestId('real-sample-images').locator('img').count(), { timeout: 10_000 }).toBe(3)
      expect(await page.getByTestId('real-sample-state').textContent()).toBe('sampled 3 images of Run 1; 3 in the project')
      await shot('5c-run-1-shown-again')
      expect(pageErrors).toEqual([])
    },
    600_000
  )

  it.skipIf(SKIP_PYTHON)(
    'without sbatch on this computer, a Slurm run is written, not submitted: the files and the commands are shown',
    async () => {
      // A PATH without Slurm's commands (this machine has slurm-wlm in /usr/bin); the trainer's environment is found by its own path.
      for (const s of servers.splice(0)) await s.kill() // one studio per workspace
      const noSlurm = join(root, 'no-slurm-path')
      mkdirSync(noSlurm, { recursive: true })
      const server = await startServe(join(root, 'workspace'), { env: { POPALIGN_PYTHON_ENV: TEST_ENV_DIR, POPALIGN_BROWSE_ROOTS: root, PATH: noSlurm } })
      servers.push(server)
      await page.goto(server.link)
      await page.goto(`${server.origin}/#/p/${projectId}/realft`)
      await expect.poll(() => page.getByTestId('python-env').getAttribute('data-state'), { timeout: 60_000 }).toBe('ready')
      expect(await page.getByTestId('python-env').textContent()).toMatch(/sbatch is not on this machine; a Slurm run writes its batch script for you to submit on the cluster/)
      await page.locator('input[name=modelDir]').fill(modelDir)
      await page.locator('select[name=preset]').selectOption('quick')
      // DeepSpeed is optional and not installed in the test environment: the panel says so, and a start
      // asking for it is refused in words before any run exists.
      expect(await page.getByTestId('python-deepspeed').textContent()).toBe('not installed (optional)')
      await page.locator('select[name=deepspeed]').selectOption({ label: 'ZeRO stage 2' })
      await page.locator('input[name=cpu]').uncheck()
      expect(await page.locator('#deepspeed-help').textContent()).toMatch(/it is not installed there now/)
      const runsBefore = await page.locator('#real-run-title').textContent()
      await page.getByRole('button', { name: 'Start fine-tuning' }).click()
      await expect
        .poll(() => page.getByRole('alert').first().textContent(), { timeout: 10_000 })
        .toMatch(/DeepSpeed ZeRO stage 2 was chosen, but the deepspeed package is not installed in the trainer environment .* Turn DeepSpeed off, or install it there yourself/)
      expect(await page.locator('#real-run-title').textContent()).toBe(runsBefore)
      await shot('5b-deepspeed-refused')
      await page.locator('select[name=deepspeed]').selectOption({ label: 'off' })
      await page.locator('input[name=cpu]').check()
      await page.getByRole('radio', { name: 'Slurm cluster' }).check()
      await page.locator('input[name=gpusPerNode]').fill('0')
      await page.locator('input[name=sweep]').fill('500, 1000')
      await page.getByRole('button', { name: 'Start fine-tuning' }).click()
      await expect.poll(() => page.getByTestId('real-state').textContent(), { timeout: 60_000 }).toBe('written, not submitted')
      const written = page.getByTestId('real-written')
      await written.waitFor()
      const submit = (await page.getByTestId('real-written-submit').textContent()) ?? ''
      expect(submit).toMatch(/^sbatch '.*\/runs\/\d+\/slurm\/popalign\.sbatch'$/)
      expect(await page.getByTestId('real-written-launch').textContent()).toMatch(/accelerate' launch --config_file '.*\/slurm\/accelerate\.yaml' .* -m popalign_trainer\.train/)
      const text = (await written.textContent()) ?? ''
      for (const label of ['Batch script', 'Per-machine script', 'Accelerate config', 'Multi-machine launch command', 'Trainer settings, task 0', 'Trainer settings, task 1', 'Training data'])
        expect(text).toContain(label)
      expect(await page.getByTestId('real-message').textContent()).toContain(`Copy the run's files to your cluster and run: ${submit}`)
      await shot('6-written-not-submitted')
      expect(pageErrors).toEqual([])
    },
    180_000
  )
})
