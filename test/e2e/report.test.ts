// The report view end to end: the built UI in the bundled Chromium against the real serve mode. Imports
// world images, creates a report on them, sees its charts and sentences, clicks a number to see the
// images behind it, and exports the report as HTML and JSON.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeWorldSample } from '../../src-main/core/world/sample-folder'
import { createProject, openStudioPage, type StudioPage } from './studio-page'

let studio: StudioPage
let root: string
let page: Page
let projectId = 0
const prompts = ['a photo of a doctor', 'a photo of a nurse']

beforeAll(async () => {
  studio = await openStudioPage('report', {
    browseRoot: true,
    prepare: async (dir) => {
      await writeWorldSample({ outDir: join(dir, 'world'), prompts, perPrompt: 12, seed: 4 })
    }
  })
  ;({ root, page } = studio)
})

afterAll(() => studio?.close())

describe('report view against the real serve mode', () => {
  it('imports world images into a new project', async () => {
    projectId = await createProject(studio, 'Audit')
    // The folder is picked on the server's side (serve mode cannot open a system dialog there).
    await page.getByRole('button', { name: 'Browse…' }).click()
    const picker = page.getByTestId('folder-picker')
    await expect.poll(() => picker.getByTestId('picker-path').textContent()).toBe(root)
    await picker.getByRole('button', { name: 'world/' }).click()
    await expect.poll(() => picker.getByTestId('picker-path').textContent()).toBe(join(root, 'world'))
    await expect.poll(() => picker.textContent()).toMatch(/24 images here/)
    if (process.env.PICKER_SCREENSHOT) await page.screenshot({ path: process.env.PICKER_SCREENSHOT, fullPage: true })
    await picker.getByRole('button', { name: 'Use this folder' }).click()
    expect(await page.getByLabel('Folder path').inputValue()).toBe(join(root, 'world'))
    await page.getByRole('button', { name: 'Import' }).click()
    await page.getByTestId('import-report').waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('imported-count').textContent()).toBe('24')
  })

  it('creates a report on the imported images and shows its charts, numbers and sentences', async () => {
    await page.getByRole('link', { name: 'Reports' }).click()
    await page.waitForURL(new RegExp(`#/p/${projectId}/reports$`))
    const form = page.getByRole('form', { name: 'New report' })
    // The prompts with images are filled in; the workspace images are chosen by default.
    await expect.poll(() => form.getByLabel('Prompts (one per line)').inputValue()).toContain('a photo of a doctor')
    await form.getByLabel('Title (optional)').fill('World sample audit')
    await form.getByRole('button', { name: 'Create report' }).click()
    const view = page.getByRole('article', { name: 'Report' })
    await view.waitFor({ timeout: 60_000 })
    expect(await view.getByRole('heading', { level: 2 }).textContent()).toBe('World sample audit')
    // Charts: discrepancy bars with CI whiskers, one distribution per prompt, the frontier.
    expect(await view.locator('svg[aria-label^="Pooled silhouette discrepancy"] .bar-hit').count()).toBe(1)
    expect(await view.locator('svg[aria-label="a photo of a doctor"] rect.seg').count()).toBeGreaterThan(0)
    expect(await view.locator('svg[aria-label="silhouette discrepancy against Frechet distance to fair renders (lower is better)"] circle').count()).toBe(1)
    expect(await view.locator('svg[aria-label="silhouette discrepancy against image fidelity gap (lower is better)"] circle').count()).toBe(1)
    // Pictures beside the numbers: a contact sheet whose thumbnails really load.
    const sheet = view.getByRole('region', { name: 'Pictures' })
    expect(await sheet.locator('img').count()).toBeGreaterThan(0)
    await expect
      .poll(() =>
        sheet
          .locator('img')
          .first()
          .evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)
      )
      .toBe(true)
    if (process.env.REPORT_SCREENSHOT) await page.screenshot({ path: process.env.REPORT_SCREENSHOT, fullPage: true })
    expect(await view.getByRole('heading', { name: 'Fairness versus quality across models' }).count()).toBe(1)
    const sentence = await view.locator('.sentence').first().textContent()
    expect(sentence).toMatch(/axis silhouette discrepancy \d\.\d\d \[\d\.\d\d, \d\.\d\d\]: \d+% \w+ against an ideal 50%/)
    expect(await view.textContent()).toContain('popalign-world-classifier')
  })

  it('shows the lineage of every compared model', async () => {
    const lineage = page.getByRole('article', { name: 'Report' }).getByRole('region', { name: 'Lineage' })
    await lineage.waitFor()
    const table = lineage.getByRole('table', { name: 'Lineage of imported images' })
    const row = (key: string) => table.locator(`tr[data-key="${key}"] td`).textContent()
    expect(await row('model')).toBe('image set (no model)')
    expect(await row('training_run')).toBe('none')
    expect(await row('classifier')).toMatch(/^popalign-world-classifier \S+$/)
    expect(await row('prompts')).toContain('"a photo of a doctor"')
    expect(await row('seeds')).not.toBe('none')
    expect(await row('guidance')).toBe('n/a')
  })

  it('opens the images behind a number', async () => {
    const view = page.getByRole('article', { name: 'Report' })
    await view
      .getByRole('button', { name: /^imported images: 0\.\d+ \[/ })
      .first()
      .click()
    const panel = page.getByRole('region', { name: 'Images behind the number' })
    await panel.waitFor()
    // The pooled discrepancy is over the classified ('ok') images of the 24; each one is shown.
    const n = Number((await panel.textContent())?.match(/(\d+) images/)?.[1])
    expect(n).toBeGreaterThanOrEqual(20)
    expect(n).toBeLessThanOrEqual(24)
    const images = panel.locator('img')
    expect(await images.count()).toBe(n)
    // Thumbnails really load from serve mode.
    await expect.poll(() => images.first().evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true)

    await view.getByRole('button', { name: /^no detection 0$/ }).click()
    await expect.poll(() => panel.textContent()).toContain('No images are behind this number.')
  })

  it('exports the report as HTML and JSON', async () => {
    const base = join(root, 'exported')
    await page.getByLabel('Export path').fill(base)
    await page.getByRole('button', { name: 'Export HTML' }).click()
    await expect.poll(() => page.getByRole('status').textContent()).toContain(`Wrote ${base}.html`)
    await page.getByRole('button', { name: 'Export JSON' }).click()
    await expect.poll(() => page.getByRole('status').textContent()).toContain(`Wrote ${base}.json`)
    expect(readFileSync(`${base}.html`, 'utf8')).toContain('data:image/png;base64,')
    const json = JSON.parse(readFileSync(`${base}.json`, 'utf8'))
    expect(json.models[0].images).toBe(24)
    // Exporting again without overwrite is refused with a clear message.
    await page.getByRole('button', { name: 'Export JSON' }).click()
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('already exists')
    expect(existsSync(`${base}.pdf`)).toBe(false)
    expect(studio.pageErrors).toEqual([])
  })

  it("shows an export error by the export controls only, in the user's words, and clears it on success or navigation", async () => {
    const base = join(root, 'exported')
    const exportError = page.getByTestId('export-error')
    const form = page.getByRole('form', { name: 'New report' })
    // The refusal of the previous test sits by the export buttons, not in the "New report" form (issue 10, item 5).
    await expect.poll(() => exportError.textContent()).toContain('already exists')
    expect(await form.getByRole('alert').count()).toBe(0)
    const words = (await exportError.textContent()) ?? ''
    expect(words).not.toMatch(/report\.export|outPath|HTTP \d{3}|\b409\b/)
    if (process.env.ERRORS_SCREENSHOT) await page.screenshot({ path: process.env.ERRORS_SCREENSHOT, fullPage: true })
    // Success clears it.
    await page.getByLabel('overwrite').check()
    await page.getByRole('button', { name: 'Export JSON' }).click()
    await expect.poll(() => page.getByRole('status').textContent()).toContain(`Wrote ${base}.json`)
    expect(await exportError.count()).toBe(0)
    // An error does not follow the user to another screen, nor come back with the screen.
    await page.getByLabel('overwrite').uncheck()
    await page.getByRole('button', { name: 'Export JSON' }).click()
    await exportError.waitFor()
    for (const screen of ['Label', 'Browse', 'Reports']) {
      await page.getByRole('link', { name: screen, exact: true }).click()
      await page.waitForURL(new RegExp(`#/p/${projectId}/${screen.toLowerCase()}$`))
      await page.getByRole('heading', { level: 1, name: new RegExp(`^${screen}`) }).waitFor()
      expect(await page.getByRole('alert').count(), screen).toBe(0)
      expect(await page.locator('main').textContent(), screen).not.toContain('already exists')
    }
    expect(studio.pageErrors).toEqual([])
  })

  it('lets the user choose a foreign ONNX classifier, whose paths the server checks', async () => {
    const form = page.getByRole('form', { name: 'New report' })
    await form.getByRole('radio', { name: /Another classifier from its mapping file/ }).check()
    await form.getByLabel(/^Mapping file/).fill('relative/mapping.json')
    await form.getByRole('button', { name: 'Create report' }).click()
    await expect.poll(() => form.getByRole('alert').first().textContent()).toContain('The mapping path must be absolute')
    await form.getByLabel(/^Mapping file/).fill(join(root, 'no-such.mapping.json'))
    await form.getByRole('button', { name: 'Create report' }).click()
    await expect.poll(() => form.getByRole('alert').first().textContent()).toMatch(/classifier mapping file not found/i)
    await form.getByLabel('Guidance sweep').fill('1, x')
    await form.getByRole('button', { name: 'Create report' }).click()
    await expect.poll(() => form.getByRole('alert').first().textContent()).toContain('"x" is not a scale')
    await form.getByLabel('Guidance sweep').fill('')
    await form.getByRole('radio', { name: /Built-in world classifier/ }).check()
    expect(await form.getByLabel(/^Mapping file/).count()).toBe(0)
  })
})
