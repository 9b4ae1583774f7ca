// The acquisition part of the Preference data screen, built renderer in Chromium against a fake
// boundary whose job the test moves step by step: the request the form sends, the step shown as
// current, and the ledger (kept per pool, pairs, drops grouped by reason with their images).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright'
import { launchBrowser } from '../e2e/browser'
import { startFakeAcquire, type FakeAcquire } from './fake-acquire'
import { builtRendererDir } from './renderer-dir'

const drop = (reason: string, imageId: number | null, stage: 'sample' | 'gate' | 'pairs' = 'gate') => ({
  stage,
  reason,
  detail: imageId === null ? 'augmented pool has 3 image(s) after the gate; a set needs 5' : `image ${imageId}`,
  imageId,
  promptId: imageId === null ? 1 : null,
  prompt: imageId === null ? 'a photo of a nurse' : null
})
const LEDGER = {
  jobId: 9,
  counts: { low_confidence: 3, no_detection: 1, pool_too_small: 1 },
  kept: { neutral: 20, augmented: 17 },
  pairs: 20,
  swapped: 2,
  drops: [drop('low_confidence', 101), drop('no_detection', 102), drop('low_confidence', 103), drop('low_confidence', 104), drop('pool_too_small', null, 'pairs')]
}

let browser: Browser
let fake: FakeAcquire
let page: Page
const pageErrors: string[] = []

beforeAll(async () => {
  fake = await startFakeAcquire(builtRendererDir(), LEDGER)
  browser = await launchBrowser()
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } })
  page.on('pageerror', (e) => pageErrors.push(e.message))
})

afterAll(async () => {
  await browser?.close()
  await fake?.close()
})

const currentStep = () => page.getByTestId('acquire-steps').locator('li[aria-current=step]').textContent()

describe('acquisition on the Preference data screen (fake server)', () => {
  it('refuses a form without a prompt, then sends the chosen settings', async () => {
    await page.goto(`${fake.url}/#/p/1/preferences`)
    const panel = page.getByTestId('acquire-panel')
    await expect.poll(() => panel.locator('select[name=acquireModel]').inputValue()).toBe('base')
    await panel.getByRole('button', { name: 'Start acquisition' }).click()
    expect(await panel.getByRole('alert').textContent()).toMatch(/at least one identity-neutral prompt/)

    await panel.getByLabel(/a photo of a doctor/).check()
    // The specific prompt is not offered as a neutral one.
    expect(await panel.getByLabel(/round amber doctor/).count()).toBe(0)
    await panel.getByLabel('More neutral prompts (one per line)').fill('a photo of a nurse\n\n')
    await panel.getByLabel('Images per neutral prompt').fill('12')
    await panel.getByLabel('Pairs per prompt').fill('4')
    // The classifier is one of three equal choices here too (issue 13); the one picked is sent.
    await panel.getByRole('radio', { name: /Photo classifier for people/ }).check()
    await panel.getByRole('button', { name: 'Start acquisition' }).click()
    await expect.poll(() => currentStep()).toContain('Plan prompts')
    const start = fake.calls.find((c) => c.method === 'acquire.start')!
    expect(start.input).toEqual({ projectId: 1, neutralPrompts: ['a photo of a doctor', 'a photo of a nurse'], model: 'base', nPerNeutral: 12, k: 5, pairsPerPrompt: 4, seed: 1, classifier: 'photo' })
  })

  it('shows the current step as the job moves on', async () => {
    // The job's done/total count network passes: the line shows a percentage and the job's own words
    // (issue 10: it used to read "10 of 100 units of work").
    const progress = () => page.getByTestId('acquire-job-progress').textContent()
    fake.setJob({ message: 'sampled 12 of 56 images (last: “a photo of a round amber doctor”)', done: 10 })
    await expect.poll(() => currentStep()).toContain('Sample')
    expect((await progress())!.trim()).toBe('10% · sampled 12 of 56 images (last: “a photo of a round amber doctor”)')
    fake.setJob({ message: 'classifying images: 16 of 56 read by the classifier', done: 40 })
    await expect.poll(() => currentStep()).toContain('Classify')
    expect(await page.getByTestId('acquire-steps').locator('li.done').count()).toBe(2)
    fake.setJob({ message: 'building pairs: 1 of 2 prompts done', done: 90 })
    await expect.poll(() => currentStep()).toContain('Build pairs')
    expect((await progress())!.trim()).toBe('90% · building pairs: 1 of 2 prompts done')
    expect(await page.getByTestId('acquire-panel').textContent()).not.toContain('units of work')
  })

  it('shows the ledger when the job ends: kept per pool, pairs, and every drop under its reason', async () => {
    fake.setJob({ state: 'done', done: 100, message: '20 pairs' })
    const ledger = page.getByTestId('acquire-ledger')
    await ledger.waitFor()
    // Finished, the line is the job's summary alone (a "100%" beside it says nothing).
    expect((await page.getByTestId('acquire-job-progress').textContent())!.trim()).toBe('20 pairs')
    expect(await ledger.getByTestId('ledger-pairs').textContent()).toBe('20')
    expect(await ledger.getByTestId('ledger-kept-neutral').textContent()).toBe('20')
    expect(await ledger.getByTestId('ledger-kept-augmented').textContent()).toBe('17')
    expect(await ledger.getByTestId('ledger-dropped').textContent()).toBe('5')
    // The classifier-judged pairs join the label queue, and the ledger says so with a link to it.
    const note = ledger.getByTestId('ledger-queue-note')
    expect(await note.textContent()).toMatch(/20 pairs judged by the classifier were added to the\s+label queue/)
    expect(await note.getByRole('link', { name: 'label queue' }).getAttribute('href')).toBe('#/p/1/label')
    const groups = ledger.getByTestId('drop-group')
    expect(await groups.evaluateAll((els) => els.map((e) => e.getAttribute('data-reason')))).toEqual(['low_confidence', 'no_detection', 'pool_too_small'])
    // Where each drop happened in words, not the ledger's stage names ("(gate)"); no image ids on hover.
    expect(await groups.nth(0).locator('h3').textContent()).toMatch(/^low confidence\s*3\s*at the gate$/)
    expect(await groups.nth(2).locator('h3').textContent()).toMatch(/^pool too small\s*1\s*while pairing$/)
    expect(await ledger.locator('img[title], img[alt*="Image"]').count()).toBe(0)
    expect(
      await groups
        .nth(0)
        .locator('img')
        .evaluateAll((imgs) => imgs.map((i) => i.getAttribute('src')))
    ).toEqual(['/img/101?variant=thumb', '/img/103?variant=thumb', '/img/104?variant=thumb'])
    expect(await groups.nth(2).textContent()).toContain('a photo of a nurse: augmented pool has 3 image(s)')
    expect(pageErrors).toEqual([])
  })
})
