// The Fine-tune screen end to end: the built UI in the bundled Chromium against the real serve mode.
// The workspace is prepared first through the studio core (a tiny training run as the starting model,
// a judged project and its snapshot); then a tiny PopAlign run is started from the screen, its three
// curves grow live, it is cancelled, and it shows up in the runs comparison table.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isFinalJobState } from '@shared/job-states'
import { open, waitFor } from '../features/models/helpers'
import { judgedSnapshot } from '../features/fine-tuning/fixture'
import { launchBrowser } from './browser'
import { startServe, type ServeProcess } from './serve-process'

let root: string
let browser: Browser
let page: Page
let server: ServeProcess | null = null
let projectId = 0
let baseRun = 0
const pageErrors: string[] = []

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'popalign-e2e-finetune-'))
  const workspace = join(root, 'workspace')
  const s = await open(workspace)
  try {
    projectId = (await s.call('projects.create', { name: 'Fairer doctors' })).id
    const job = await s.call('train.start', { projectId, config: { size: 'tiny', steps: 20, batchSize: 8, learningRate: 2e-3, seed: 4, checkpointEvery: 20 } })
    await waitFor('the base run', async () => isFinalJobState((await s.call('jobs.get', { jobId: job.id })).state))
    baseRun = job.id
    await judgedSnapshot(s.studio.workspace, workspace, projectId)
  } finally {
    await s.close()
  }
  server = await startServe(workspace)
  browser = await launchBrowser()
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } })
  page.on('pageerror', (e) => pageErrors.push(e.message))
}, 90_000)

afterAll(async () => {
  await browser?.close()
  await server?.kill()
  if (root) rmSync(root, { recursive: true, force: true })
})

const points = async (id: string): Promise<number> => Number(await page.getByTestId(id).getAttribute('data-points'))

describe('Fine-tune screen against the real serve mode', () => {
  it('starts a tiny PopAlign run from a snapshot, draws loss / accuracy / margin live, cancels, and compares runs', async () => {
    await page.goto(server!.link)
    await page.goto(`${server!.origin}/#/p/${projectId}/finetune`)
    await page.getByRole('link', { name: 'Fine-tune', exact: true }).waitFor()
    // A second tab on the Sample screen, opened before the run starts, with a model picked by hand.
    const other = await browser.newPage()
    other.on('pageerror', (e) => pageErrors.push(e.message))
    await other.goto(server!.link)
    await other.goto(`${server!.origin}/#/p/${projectId}/sample`)
    const otherModel = other.locator('select[name=model]')
    await expect.poll(() => otherModel.locator('option').allTextContents()).toContain('Run 1 · step 20')
    await otherModel.selectOption({ label: 'Run 1 · step 20' })
    await expect.poll(() => page.locator('select[name=snapshot] option').count(), { timeout: 15_000 }).toBe(1)
    await page.locator('select[name=base]').selectOption(`run:${baseRun}@20`)
    await page.locator('select[name=method]').selectOption('popalign')
    await page.locator('select[name=preset]').selectOption('quick')
    expect(await page.locator('input[name=dropout]').inputValue()).toBe('0.2')
    await page.locator('input[name=steps]').fill('4000')
    await page.locator('input[name=lr]').fill('0.0001')
    await page.getByRole('button', { name: 'Start fine-tuning' }).click()

    const run = page.getByTestId('finetune-run')
    await expect.poll(() => run.getAttribute('data-state'), { timeout: 20_000 }).toBe('running')
    await expect.poll(() => points('curve-accuracy'), { timeout: 45_000 }).toBeGreaterThanOrEqual(2)
    const before = await points('curve-loss')
    await expect.poll(() => points('curve-loss'), { timeout: 20_000 }).toBeGreaterThan(before)
    expect(await points('curve-margin')).toBeGreaterThanOrEqual(2)
    expect(await page.getByTestId('finetune-step').textContent()).toMatch(/^\d+ of 4000$/)

    // A checkpoint of this run exists before it ends, so the other tab has something new to list.
    await expect.poll(() => page.getByText(/newest checkpoint: step \d+/).count(), { timeout: 20_000 }).toBe(1)
    expect((await otherModel.locator('option').allTextContents()).filter((t) => t.startsWith('Run 2'))).toEqual([])
    await page.getByRole('button', { name: 'Pause' }).click()
    await expect.poll(() => run.getAttribute('data-state')).toBe('paused')
    await page.getByRole('button', { name: 'Resume' }).click()
    await expect.poll(() => run.getAttribute('data-state')).toBe('running')
    await page.getByRole('button', { name: 'Cancel' }).click()
    await expect.poll(() => run.getAttribute('data-state')).toBe('cancelled')
    await expect.poll(() => page.getByText(/newest checkpoint: step \d+/).count(), { timeout: 20_000 }).toBe(1)
    // The other tab's picker lists the run that ended without being reopened, up to the checkpoint the
    // cancel wrote after it was announced (the job is announced again once that is on disk), and keeps the pick.
    const newestStep = async (): Promise<string | undefined> => /newest checkpoint: step (\d+)/.exec((await page.getByText(/newest checkpoint: step \d+/).textContent()) ?? '')?.[1]
    await expect.poll(async () => (await otherModel.locator('option').allTextContents()).includes(`Run 2 · PopAlign · step ${await newestStep()}`), { timeout: 20_000 }).toBe(true)
    expect(await otherModel.locator('option:checked').textContent()).toBe('Run 1 · step 20')
    await other.close()

    // Guard rails beside the loss: the starting model's quick check (its pictures load) and the curve.
    const quality = page.getByRole('region', { name: 'Quality checks' })
    await expect.poll(() => quality.getByTestId('sheet-start').count(), { timeout: 30_000 }).toBe(1)
    await expect.poll(() => quality.getByTestId('sheet-start').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true)
    expect(await points('curve-fidelity')).toBeGreaterThanOrEqual(1)
    if (process.env.FINETUNE_SCREENSHOT) await page.screenshot({ path: process.env.FINETUNE_SCREENSHOT, fullPage: true })

    // Runs: the base run and the fine-tuning run, side by side.
    const list = page.getByTestId('runs-list')
    await expect.poll(() => list.locator('tbody tr').count(), { timeout: 10_000 }).toBe(2)
    for (const box of await list.getByRole('checkbox').all()) await box.check()
    await page.getByRole('button', { name: /Compare 2 selected/ }).click()
    const table = page.getByTestId('runs-compare')
    await table.waitFor()
    expect(await table.locator('tr', { hasText: 'Method' }).textContent()).toMatch(/PopAlign.*plain training|plain training.*PopAlign/)
    expect(await table.locator('tr', { hasText: 'β' }).textContent()).toContain('1000')
    expect(await table.locator('tr', { hasText: 'Final implicit accuracy' }).textContent()).toMatch(/0\.\d+/)
    // The engineers' rows wait, closed, under "Technical details", in words.
    expect(await table.locator('tr', { hasText: /Code version|Architecture|Final Z/ }).count()).toBe(0)
    const technical = page.getByTestId('runs-compare-technical')
    expect(await technical.evaluate((d: HTMLDetailsElement) => d.open)).toBe(false)
    const sizeRow = technical.locator('tr', { hasText: 'Model size' })
    expect(await sizeRow.isVisible()).toBe(false)
    await technical.getByText(/^Technical details/).click()
    await expect.poll(() => sizeRow.isVisible()).toBe(true)
    expect(await sizeRow.textContent()).toMatch(/patch \d+, width \d+, depth \d+ \(\d+×\d+ images\)/)
    expect(await technical.locator('tr', { hasText: 'Code version' }).textContent()).toMatch(/popalign-studio@/)
    expect(await technical.locator('tr', { hasText: 'Final normaliser Z' }).count()).toBe(1)
    if (process.env.COMPARE_SCREENSHOT) await page.screenshot({ path: process.env.COMPARE_SCREENSHOT, fullPage: true })
    // The starting-model picker offers the run that just ended, up to its newest checkpoint, without
    // leaving the screen; it names models as the Sample screen does, with the details in a tooltip.
    const base = page.locator('select[name=base]')
    await expect.poll(async () => (await base.locator('option').allTextContents()).includes(`Run 2 · PopAlign · step ${await newestStep()}`)).toBe(true)
    const starting = await base.locator('option').allTextContents()
    expect(starting.slice(0, 1)).toEqual(['Base model (built in)'])
    expect(starting).toContain('Run 1 · step 20')
    expect(starting.filter((t) => t.startsWith('Run 2')).every((t) => /^Run 2 · PopAlign · step \d+$/.test(t))).toBe(true)
    expect(starting.length).toBe(2 + starting.filter((t) => t.startsWith('Run 2')).length)
    expect(await base.locator('option').last().getAttribute('title')).toMatch(/^Model size: patch \d+, width \d+, depth \d+/)

    // The Sample screen's picker says which checkpoints are PopAlign fine-tunes, in words.
    await page.getByRole('link', { name: 'Sample', exact: true }).click()
    const model = page.locator('select[name=model]')
    await expect.poll(() => model.locator('option[value^="run:"]').count()).toBeGreaterThan(1)
    const texts = await model.locator('option').allTextContents()
    expect(texts.filter((t) => t.startsWith('Run 2')).every((t) => /^Run 2 · PopAlign · step \d+$/.test(t))).toBe(true)
    expect(texts).toContain('Run 1 · step 20')
    if (process.env.SAMPLE_PICKER_SCREENSHOT) {
      await model.selectOption({ label: texts.find((t) => t.startsWith('Run 2'))! })
      await page.screenshot({ path: process.env.SAMPLE_PICKER_SCREENSHOT })
    }

    // The Reports screen's check boxes name the models the same way, each box reachable by those words.
    await page.getByRole('link', { name: 'Reports', exact: true }).click()
    const compare = page.getByRole('form', { name: 'New report' }).getByRole('group', { name: 'Compare' })
    const runBoxes = compare.locator('label', { has: page.locator('input[value^="run:"]') })
    await expect.poll(() => runBoxes.count()).toBe(texts.filter((t) => t.startsWith('Run ')).length)
    const boxTexts = (await runBoxes.allTextContents()).map((t) => t.trim())
    expect(boxTexts.filter((t) => t.startsWith('Run 2')).every((t) => /^Run 2 · PopAlign · step \d+$/.test(t))).toBe(true)
    expect(boxTexts).toContain('Run 1 · step 20')
    expect(await compare.getByRole('checkbox', { name: 'Run 1 · step 20', exact: true }).count()).toBe(1)
    expect(await compare.getByRole('checkbox', { name: 'Base model (built in)', exact: true }).count()).toBe(1)
    expect(await runBoxes.first().getAttribute('title')).toMatch(/^Model size: patch \d+, width \d+, depth \d+/)
    if (process.env.REPORTS_PICKER_SCREENSHOT) await page.screenshot({ path: process.env.REPORTS_PICKER_SCREENSHOT, fullPage: true })

    // So does the Refine screen's picker of the model a chain samples from.
    await page.getByRole('link', { name: 'Refine', exact: true }).click()
    const chainForm = page.getByRole('form', { name: 'Start a chain' })
    await chainForm.locator('select[name=proposals]').selectOption({ label: 'Freshly sampled from a model' })
    const chainModel = chainForm.locator('select[name=model]')
    await expect.poll(() => chainModel.locator('option').allTextContents()).toEqual(texts)
    expect(await chainModel.locator('option:checked').textContent()).toMatch(/^Run 2 · PopAlign · step \d+$/)
    expect(await chainModel.locator('option').last().getAttribute('title')).toMatch(/^Model size: patch \d+, width \d+, depth \d+/)
    if (process.env.REFINE_PICKER_SCREENSHOT) await page.screenshot({ path: process.env.REFINE_PICKER_SCREENSHOT })
    expect(pageErrors).toEqual([])
  })
})
