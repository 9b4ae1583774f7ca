// The Preference data screen end to end: the built UI in the bundled Chromium against the real serve
// mode. A folder of world renders is imported, sets and pairs are made, a few pairs are labelled by
// keyboard (one tie, one can't-judge), the built-in classifier runs and its summary shows every
// status and both axes, a snapshot counts what it used and excluded, and its JSONL export (after a
// refused relative path) is written and parses.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Input, MethodName, Output, Result } from '@shared/contract'
import { writeWorldSample } from '../../src-main/core/world/sample-folder'
import { WORLD_AXES } from '../../src-main/core/world/taxonomy'
import { launchBrowser } from './browser'
import { startServe, type ServeProcess } from './serve-process'

const PER_PROMPT = 10
const PROMPTS = ['a photo of a doctor', 'a photo of a nurse']

let root: string
let browser: Browser
let page: Page
let server: ServeProcess | null = null
let projectId = 0
let saveSeq = 0
const pageErrors: string[] = []

/** Calls the serve API as a script does (bearer token), for the setup the test is not about. */
async function call<M extends MethodName>(method: M, input: Input<M>): Promise<Output<M>> {
  const res = await fetch(`${server!.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server!.token}` },
    body: JSON.stringify(input)
  })
  const body = (await res.json()) as Result<Output<M>>
  if (!body.ok) throw new Error(`${method}: ${body.error.message}`)
  return body.value
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'popalign-prefs-'))
  const folder = join(root, 'world-sample')
  await writeWorldSample({ outDir: folder, prompts: PROMPTS, perPrompt: PER_PROMPT, seed: 3 })
  server = await startServe(join(root, 'workspace'))

  const project = await call('projects.create', { name: 'Preferences' })
  projectId = project.id
  for (const axis of WORLD_AXES) await call('axes.save', { projectId, name: axis.name, classes: [...axis.classes], ideal: null })
  const job = await call('import.start', { projectId, folder })
  for (let j = job; j.state !== 'done'; await new Promise((r) => setTimeout(r, 100))) {
    j = await call('jobs.get', { jobId: job.id })
    if (j.state === 'failed' || j.state === 'cancelled') throw new Error(`import ${j.state}: ${j.error ?? ''}`)
  }
  // 3 sets of the doctor prompt and 2 of the nurse prompt: 3 + 1 = 4 pairs.
  for (const prompt of await call('prompts.list', { projectId })) {
    await call('sets.createRandom', { projectId, promptId: prompt.id, k: 5, count: prompt.text.includes('doctor') ? 3 : 2, seed: 1 })
  }
  await call('pairs.createAll', { projectId })

  browser = await launchBrowser()
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  page.on('pageerror', (e) => pageErrors.push(e.message))
})

afterAll(async () => {
  await browser?.close()
  await server?.kill()
  if (root) rmSync(root, { recursive: true, force: true })
})

const go = (screen: string) => page.goto(`${server!.origin}/#/p/${projectId}/${screen}`)

async function decide(key: string): Promise<void> {
  await expect.poll(() => page.getByRole('button', { name: /Left is fairer/ }).isEnabled()).toBe(true)
  await page.keyboard.press(key)
  await expect.poll(() => page.getByTestId('save-state').getAttribute('data-save-seq')).toBe(String(++saveSeq))
}

describe('Preference data screen against the real serve mode', () => {
  it('labels a few pairs by keyboard', async () => {
    await page.goto(server!.link)
    await go('label')
    await expect.poll(() => page.getByTestId('label-progress').textContent()).toMatch(/0\s*of\s*4/)
    await decide('ArrowLeft')
    await decide('=') // tie
    await decide('ArrowRight')
    await decide('0') // can't judge
    await expect.poll(() => page.getByTestId('label-progress').textContent()).toMatch(/4\s*of\s*4/)
  })

  it('classifies with the built-in classifier and shows every status and both axes', async () => {
    await page.getByRole('link', { name: 'Preference data' }).click()
    await page.waitForURL(/#\/p\/\d+\/preferences$/)
    const summary = page.getByTestId('classify-summary')
    expect(await summary.textContent()).toContain('No image of this project has been classified yet')
    await page.getByRole('button', { name: 'Classify', exact: true }).click()
    await expect.poll(() => page.getByTestId('classify-job').getAttribute('data-state'), { timeout: 45_000 }).toBe('done')
    const classifier = summary.getByTestId('classifier-summary')
    await classifier.waitFor()
    const statuses = classifier.getByTestId('status-bars').locator('li')
    expect(await statuses.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-key')))).toEqual(['ok', 'no_detection', 'low_confidence', 'error', 'unclassified'])
    const counts = await statuses.evaluateAll((lis) => lis.map((li) => Number(li.getAttribute('data-count'))))
    expect(counts.reduce((a, b) => a + b, 0)).toBe(PER_PROMPT * PROMPTS.length)
    expect(counts[4]).toBe(0) // nothing left unclassified
    expect(await statuses.first().textContent()).toMatch(/ok\s*\d+\s*\d+(\.\d)?%/) // bars always carry text
    const axes = classifier.getByTestId('axis-summary')
    expect(await axes.evaluateAll((els) => els.map((e) => e.getAttribute('data-axis')))).toEqual(['silhouette', 'tone'])
    // Every class of the taxonomy is listed, counted or not.
    expect(await axes.nth(1).locator('li').count()).toBe(6)
    const silhouette = await axes
      .nth(0)
      .locator('li')
      .evaluateAll((lis) => lis.map((li) => Number(li.getAttribute('data-count'))))
    expect(silhouette.reduce((a, b) => a + b, 0)).toBe(counts[0])
  })

  it('creates a snapshot and shows what it used and excluded', async () => {
    await page.getByLabel('Snapshot name (optional)').fill('first labels')
    await page.getByRole('button', { name: 'Create snapshot' }).click()
    const snap = page.getByTestId('snapshot').first()
    await snap.waitFor()
    expect(await snap.locator('h3').textContent()).toContain('first labels · v1')
    expect(await snap.getByTestId('snapshot-pairs-used').textContent()).toBe('2')
    expect(await snap.getByTestId('snapshot-excluded').textContent()).toMatch(/ties 1 · can’t judge 1 · vote ties 0/)
    expect(await snap.getByTestId('snapshot-rows').textContent()).toBe('20 (10 winning, 10 losing)')
    expect(await snap.getByTestId('snapshot-annotators').textContent()).toMatch(/\(human, 4\)/)
    expect(await snap.getByTestId('snapshot-hash').textContent()).toMatch(/^[0-9a-f]{64}$/)
  })

  it('exports the snapshot as JSONL, showing the server’s refusal of a relative path first', async () => {
    await page.getByTestId('snapshot').first().getByRole('button', { name: 'Export…' }).click()
    const panel = page.getByTestId('export-panel')
    expect(await panel.locator('select[name=exportSource] option:checked').textContent()).toContain('Snapshot first labels · v1')
    await panel.getByLabel('File to write (absolute path)').fill('relative/out.jsonl')
    await panel.getByRole('button', { name: 'Export' }).click()
    await expect.poll(() => panel.getByRole('alert').textContent()).toMatch(/must be absolute/)

    const out = join(root, 'snapshot-v1.jsonl')
    await panel.getByLabel('File to write (absolute path)').fill(out)
    await panel.getByRole('button', { name: 'Export' }).click()
    await panel.getByTestId('export-done').waitFor({ timeout: 30_000 })
    expect(await panel.getByTestId('export-path').textContent()).toBe(out)
    expect(await page.getByTestId('export-job').getAttribute('data-state')).toBe('done')
    expect(existsSync(out)).toBe(true)
    const records = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(records.length).toBeGreaterThanOrEqual(2)
    if (process.env.PREFS_SCREENSHOT) await page.screenshot({ path: process.env.PREFS_SCREENSHOT, fullPage: true })
    expect(pageErrors).toEqual([])
  })
})
