// The built renderer in the bundled Chromium against the fake serve-mode boundary: the virtualised
// grid with 10,000 images, and a decision whose save fails, is shown as failed, and is retried.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright'
import { launchBrowser } from '../e2e/browser'
import { startFakeStudio, type FakeStudio } from './fake-studio'
import { builtRendererDir } from './renderer-dir'

let browser: Browser
let studio: FakeStudio
let page: Page
const pageErrors: string[] = []

beforeAll(async () => {
  studio = await startFakeStudio({ rendererDir: builtRendererDir(), imagesPerPrompt: [10_000, 12], failJudge: (n) => (n === 2 ? 'disk I/O error' : null) })
  browser = await launchBrowser()
  page = await browser.newPage({ viewport: { width: 1200, height: 800 } })
  page.on('pageerror', (e) => pageErrors.push(e.message))
})

afterAll(async () => {
  await browser?.close()
  await studio?.close()
})

describe('renderer in Chromium (fake server)', () => {
  it('keeps only the visible rows of 10,000 images in the DOM, and scrolls to the end by keyboard', async () => {
    await page.goto(`${studio.url}/#/p/1/browse`)
    const grid = page.getByTestId('image-grid')
    await expect.poll(() => page.locator('.grid-cell img').count()).toBeGreaterThan(0)
    const cells = await page.locator('.grid-cell').count()
    expect(cells).toBeGreaterThan(10)
    expect(cells).toBeLessThan(200)
    await grid.focus()
    await page.keyboard.press('End')
    await expect.poll(() => page.locator('img[alt^="Image 10000"]').count()).toBe(1)
    expect(await page.locator('.grid-cell').count()).toBeLessThan(200)
    // Space picks the active image for a hand-made set.
    await page.keyboard.press('Space')
    await expect.poll(() => page.locator('.grid-cell[aria-selected="true"]').count()).toBe(1)
    const listCalls = studio.calls.filter((c) => c.method === 'images.list')
    expect(listCalls.length).toBeLessThanOrEqual(4) // first page, then only the pages scrolled to
  })

  it('labels by keyboard, shows a failed save with Retry, and stores the retried decision once', async () => {
    await page.goto(`${studio.url}/#/p/1/sets`)
    await page.getByRole('button', { name: 'Make random sets' }).click()
    await expect.poll(() => page.locator('.set-item').count()).toBe(4)
    await page.goto(`${studio.url}/#/p/1/pairs`)
    await page.getByRole('button', { name: 'Create all pairs' }).click()
    await expect.poll(() => page.getByTestId('pair-count').textContent()).toContain('6 pairs')

    await page.goto(`${studio.url}/#/p/1/label`)
    const save = page.getByTestId('save-state')
    await page.getByTestId('set-left').locator('img').first().waitFor()
    await page.keyboard.press('ArrowLeft')
    await expect.poll(() => save.getAttribute('data-state')).toBe('saved')
    // Keys are ignored while the next pair loads (by design); wait until it is shown.
    await expect.poll(() => page.getByRole('button', { name: /Left is fairer/ }).isEnabled()).toBe(true)
    await page.keyboard.press('2') // the fake fails this one
    await expect.poll(() => save.getAttribute('data-state')).toBe('error')
    expect(await save.textContent()).toContain('Disk I/O error')
    await page.getByRole('button', { name: 'Retry' }).click()
    await expect.poll(() => save.getAttribute('data-save-seq')).toBe('2')
    expect(studio.judgements).toHaveLength(2)
    const judgeCalls = studio.calls.filter((c) => c.method === 'label.judge')
    expect(judgeCalls).toHaveLength(3)
    expect(judgeCalls[1].input.idempotencyKey).toBe(judgeCalls[2].input.idempotencyKey)
    // Pair 2 is shown with set b on the left, so "2" (right) must have chosen set a.
    expect(studio.judgements[1]).toMatchObject({ pairId: 2, shownLeft: 'b', choice: 'a' })
    expect(await page.getByTestId('announcer').textContent()).toContain('2 of 6')
    expect(await page.getByTestId('label-progress').textContent()).toMatch(/2\s*of\s*6/)
    expect(pageErrors).toEqual([])
  })
})
