// The 1-D sandbox end to end: the built UI in the bundled Chromium against the real serve mode. Runs
// the experiment, sees the three curves and the tables, and downloads the plot as SVG and PNG.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Download, Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from './browser'
import { startServe, type ServeProcess } from './serve-process'

let root: string
let browser: Browser
let page: Page
let server: ServeProcess | null = null
const pageErrors: string[] = []

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'popalign-e2e-sandbox-'))
  server = await startServe(join(root, 'workspace'))
  browser = await launchBrowser()
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true })
  page.on('pageerror', (e) => pageErrors.push(e.message))
})

afterAll(async () => {
  await browser?.close()
  await server?.kill()
  if (root) rmSync(root, { recursive: true, force: true })
})

async function download(testId: string): Promise<{ download: Download; bytes: Buffer }> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()])
  const path = await d.path()
  return { download: d, bytes: readFileSync(path) }
}

describe('1-D sandbox against the real serve mode', () => {
  it('opens from the nav and refuses an out-of-range form before calling the server', async () => {
    await page.goto(server!.link)
    await page.getByRole('link', { name: '1-D sandbox' }).click()
    await page.waitForURL(/#\/sandbox1d$/)
    await page.getByTestId('sandbox-steps').fill('5000')
    await expect.poll(() => page.getByTestId('sandbox-form-errors').textContent()).toContain('Steps must be a whole number from 1 to 3000')
    expect(await page.getByTestId('sandbox-run').isDisabled()).toBe(true)
  })

  it('runs PopAlign and SFT and draws three curves with a legend, axes and the parameter tables', async () => {
    await page.getByTestId('sandbox-steps').fill('600')
    await page.getByTestId('sandbox-beta-input').fill('1')
    await page.getByTestId('sandbox-alpha-input').fill('0.5')
    await page.getByTestId('sandbox-run').click()
    const status = page.getByTestId('sandbox-status')
    await expect.poll(() => status.getAttribute('data-runs'), { timeout: 30_000 }).toBe('1')
    expect(await status.getAttribute('data-busy')).toBe('false')

    const plot = page.getByTestId('density-plot')
    for (const curve of ['reference', 'popalign', 'sft']) {
      const d = await plot.locator(`path[data-curve="${curve}"]`).getAttribute('d')
      expect(d?.split('L').length, curve).toBe(481)
    }
    expect(await plot.locator('path[data-curve="reference"]').getAttribute('stroke-dasharray')).toBeTruthy()
    const text = await plot.textContent()
    expect(text).toContain('density p(x)')
    for (const label of ['Reference', 'PopAlign', 'SFT']) expect(text).toContain(label)

    const table = page.getByTestId('mixture-table')
    expect(await table.locator('tbody tr').count()).toBe(3)
    expect(await table.locator('tr[data-model="Reference"] td').first().textContent()).toBe('0.665')
    expect(await page.getByTestId('targets-table').locator('tbody tr').count()).toBe(4)
    // SFT has no G2 data, so its π2 is gone well within 600 steps.
    expect(await page.getByTestId('targets-table').locator('tbody tr').nth(3).getAttribute('data-pass')).toBe('true')
  })

  it('exports the plot as an SVG that parses and carries the three curves', async () => {
    const { download: d, bytes } = await download('export-svg')
    expect(d.suggestedFilename()).toBe('popalign-1d_diffusion_beta1_alpha0.5_steps600_seed0.svg')
    const markup = bytes.toString('utf8')
    expect(markup.startsWith('<?xml')).toBe(true)
    expect(markup).toContain('β = 1, α = 0.5, 600 steps, seed 0') // the settings travel with the file
    const parsed = await page.evaluate((src) => {
      const doc = new DOMParser().parseFromString(src, 'image/svg+xml')
      return {
        error: doc.getElementsByTagName('parsererror').length,
        root: doc.documentElement.localName,
        ns: doc.documentElement.namespaceURI,
        curves: Array.from(doc.querySelectorAll('path[data-curve]'), (p) => p.getAttribute('data-curve')),
        interactive: doc.querySelectorAll('[data-export="skip"]').length
      }
    }, markup)
    expect(parsed).toEqual({ error: 0, root: 'svg', ns: 'http://www.w3.org/2000/svg', curves: ['reference', 'popalign', 'sft'], interactive: 0 })
  })

  it('exports the plot as a PNG at twice the plot size', async () => {
    const { download: d, bytes } = await download('export-png')
    expect(d.suggestedFilename()).toMatch(/\.png$/)
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR')
    expect(bytes.readUInt32BE(16)).toBe(760 * 2)
    expect(bytes.readUInt32BE(20)).toBe(380 * 2)
    expect(bytes.length).toBeGreaterThan(5000) // drawn, not blank
    expect(pageErrors).toEqual([])
  })
})
