// Screens opened before an import ends catch up with it without a reload (issue 10): the acquisition
// form's neutral prompts, Browse's prompt list and grid, and the Sets screen's prompts, in the real
// built UI against the real serve mode with the demo project; the classification summary follows a
// classification run in another tab the same way. The import is started from a second tab,
// as a user with two tabs would, so the open screens only hear of it through the job's events.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from './browser'
import { writeFixtureFolder, type FixtureFolder } from './fixture-folder'
import { startServe, type ServeProcess } from './serve-process'

let root: string
let fixture: FixtureFolder
let browser: Browser
let context: BrowserContext
let server: ServeProcess | null = null
const pageErrors: string[] = []

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'popalign-lists-follow-'))
  fixture = await writeFixtureFolder(join(root, 'pilots'), { 'a photo of a pilot': 4 })
  server = await startServe(join(root, 'workspace'), { env: { POPALIGN_DEMO: '1' } })
  browser = await launchBrowser()
  context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await server?.kill()
  if (root) rmSync(root, { recursive: true, force: true })
})

async function open(path: string): Promise<Page> {
  const page = await context.newPage()
  page.on('pageerror', (e) => pageErrors.push(e.message))
  await page.goto(`${server!.origin}/${path}`)
  return page
}

describe('lists follow imports', () => {
  it('shows prompts an import in another tab brought, on screens opened before it ended', async () => {
    const first = await open(`?token=${server!.token}`)
    const demo = first.getByRole('link', { name: /Synthetic Population \(demo\)/ })
    await demo.waitFor()
    const projectId = Number((await demo.getAttribute('href'))!.match(/#\/p\/(\d+)\//)![1])
    await first.goto(`${server!.origin}/#/p/${projectId}/preferences`)
    const acquire = first.getByTestId('acquire-panel')
    // The demo's own import may still run here: the list catches up with it too.
    await expect.poll(() => acquire.textContent(), { timeout: 30_000 }).toMatch(/a photo of a doctor\s*\(20 images\)/)
    const browse = await open(`#/p/${projectId}/browse`)
    await browse.getByRole('button', { name: /a photo of a doctor/ }).waitFor()
    const sets = await open(`#/p/${projectId}/sets`)
    await sets.getByRole('button', { name: /a photo of a doctor/ }).waitFor()
    expect(await acquire.textContent()).not.toContain('a photo of a pilot')

    const importer = await open(`#/p/${projectId}/import`)
    await importer.getByLabel('Folder path').fill(fixture.dir)
    await importer.getByRole('button', { name: 'Import' }).click()
    await importer.getByTestId('import-report').waitFor({ timeout: 30_000 })

    await expect.poll(() => acquire.textContent(), { timeout: 10_000 }).toMatch(/a photo of a pilot\s*\(4 images\)/)
    const pilotInBrowse = browse.getByRole('button', { name: /a photo of a pilot/ })
    await pilotInBrowse.waitFor({ timeout: 10_000 })
    await pilotInBrowse.click()
    await expect.poll(() => browse.locator('[data-testid=image-grid] img').count(), { timeout: 10_000 }).toBe(4)
    await sets.getByRole('button', { name: /a photo of a pilot/ }).waitFor({ timeout: 10_000 })
    // The classification panel's prompt choice too; and a classification run in the other tab fills its summary.
    const classify = first.getByTestId('classify-panel')
    await expect.poll(() => classify.locator('option').allTextContents(), { timeout: 10_000 }).toContain('a photo of a pilot (4)')
    expect(await first.getByText('No image of this project has been classified yet.').count()).toBe(1)
    await importer.goto(`${server!.origin}/#/p/${projectId}/preferences`)
    await importer.getByTestId('classify-panel').getByRole('button', { name: 'Classify' }).click()
    await expect.poll(() => first.getByTestId('classifier-summary').count(), { timeout: 60_000 }).toBe(1)
    expect(pageErrors).toEqual([])
  }, 120_000)
})
