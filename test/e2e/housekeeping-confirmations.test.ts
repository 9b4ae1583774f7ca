// Every rename and delete says it is done, next to the control (issue 10, housekeeping): a rename
// shows "Renamed to …" beside its button, a delete says what it removed and kept where the row was.
// The real built UI in the bundled Chromium against the real serve mode with the demo project.
import type { Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServeProcess } from './serve-process'
import { openStudioPage, type StudioPage } from './studio-page'

let studio: StudioPage | null = null
let page: Page
let server: ServeProcess
let pageErrors: string[] = []
let demoId = 0

beforeAll(async () => {
  studio = await openStudioPage('housekeeping', { env: { POPALIGN_DEMO: '1' }, viewport: { width: 1440, height: 900 } })
  ;({ page, server, pageErrors } = studio)
  await page.goto(server.link)
  const demo = page.getByRole('link', { name: /Synthetic Population \(demo\)/ })
  await demo.waitFor()
  demoId = Number((await demo.getAttribute('href'))!.match(/#\/p\/(\d+)\//)![1])
}, 60_000)

afterAll(() => studio?.close())

const go = (screen: string) => page.goto(`${server.origin}/#/p/${demoId}/${screen}`)

async function rename(button: string, field: string, name: string): Promise<void> {
  await page.getByRole('button', { name: button }).click()
  await page.getByLabel(field).fill(name)
  await page.keyboard.press('Enter')
}

async function confirmDelete(button: string): Promise<void> {
  await page.getByRole('button', { name: button }).click()
  await page.getByTestId('confirm-delete').getByRole('button', { name: 'Delete', exact: true }).click()
}

describe('rename and delete confirmations', () => {
  it('projects: the rename beside its button, the delete above the list', async () => {
    await page.getByLabel('Name', { exact: true }).fill('Scratch')
    await page.getByRole('button', { name: 'Create project' }).click()
    await page.waitForURL(/#\/p\/\d+\/import$/)
    await page.goto(`${server.origin}/#/projects`)
    await rename('Rename project Scratch', 'New name for the project', 'Scratch two')
    const row = page.locator('.project-list li', { hasText: 'Scratch two' })
    await expect.poll(() => row.getByTestId('rename-done').textContent()).toBe('Renamed to “Scratch two”.')
    await confirmDelete('Delete project “Scratch two”')
    await expect
      .poll(() => page.getByTestId('delete-done').textContent())
      .toBe('Deleted project “Scratch two”. Removed the project from every list and screen; kept its 0 recorded decisions, images and runs, in the workspace for the audit trail.')
    await expect.poll(() => page.locator('.project-list').textContent()).not.toContain('Scratch two')
  })

  it('prompts in Browse', async () => {
    await go('browse')
    await page.getByRole('button', { name: /a photo of a nurse/ }).click()
    await rename('Rename this prompt', 'New name for the prompt', 'a photo of a midwife')
    await expect.poll(() => page.locator('.prompt-actions').getByTestId('rename-done').textContent()).toBe('Renamed to “a photo of a midwife”.')
    // The confirmation belongs to that prompt: another prompt's actions do not show it.
    await page.getByRole('button', { name: /a photo of a doctor/ }).click()
    await expect.poll(() => page.getByTestId('rename-done').count()).toBe(0)
    await page.getByRole('button', { name: /a photo of a midwife/ }).click()
    await confirmDelete('Delete this prompt')
    await expect
      .poll(() => page.getByTestId('delete-done').textContent())
      // The demo comes with three sets and their pairs per prompt (issue 10); they go with the prompt.
      .toBe('Deleted the prompt “a photo of a midwife”. Removed the prompt, 20 images from the project (image files on disk are not touched), 3 sets, 3 unlabelled pairs.')
  })

  it('sets', async () => {
    await go('sets')
    await page.getByRole('button', { name: /a photo of a doctor/ }).click()
    await page.getByLabel('Sets', { exact: true }).fill('2')
    await page.getByRole('button', { name: 'Make random sets' }).click()
    const list = page.getByTestId('set-list')
    // After the demo's three doctor sets; numbered after the demo's 12 sets (numbers are never reused).
    await expect.poll(() => list.locator('.set-item').count()).toBe(5)
    await rename('Rename set Set 13', 'New name for the set', 'keeper')
    await expect.poll(() => list.locator('.set-item', { hasText: 'keeper' }).getByTestId('rename-done').textContent()).toBe('Renamed to “keeper”.')
    await confirmDelete('Delete Set 14')
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Deleted' }).textContent()).toBe('Deleted Set 14. Removed the set; kept its images.')
  })

  it('axes on the Preference data screen', async () => {
    await go('preferences')
    const taxonomy = page.getByTestId('taxonomy')
    await taxonomy.getByLabel('Axis name').fill('mood')
    await taxonomy.getByLabel('Classes (comma-separated)').fill('calm, busy')
    await taxonomy.getByRole('button', { name: 'Save axis' }).click()
    await taxonomy.getByRole('button', { name: 'Rename axis mood' }).waitFor()
    await rename('Rename axis mood', 'New name for the axis', 'pace')
    await expect.poll(() => taxonomy.locator('li', { hasText: 'pace' }).getByTestId('rename-done').textContent()).toBe('Renamed to “pace”.')
    await confirmDelete('Delete the axis “pace”')
    await expect
      .poll(() => taxonomy.getByTestId('delete-done').textContent())
      .toBe('Deleted the axis “pace”. Removed the axis "pace" with its 2 classes and its ideal distribution; kept reports already built, with the axis as it was.')
  })

  it("team: an annotator's rename is said once, beside its button (the screen's own announcement no longer repeats it)", async () => {
    await go('team')
    const form = page.getByRole('form', { name: 'New annotator' })
    await form.getByLabel('Name').fill('Ada')
    await form.getByRole('button', { name: 'Add annotator' }).click()
    await rename('Rename annotator Ada', 'New name for the annotator', 'Ada L.')
    const row = page.locator('[data-member="Ada L."]')
    await expect.poll(() => row.getByTestId('rename-done').textContent()).toBe('Renamed to “Ada L.”.')
    expect(await page.getByTestId('announcer').textContent()).not.toMatch(/Renamed/)
  })

  it('reports: the open report sits above the form, and its rename and delete say they are done', async () => {
    await go('reports')
    const form = page.getByRole('form', { name: 'New report' })
    await form.getByLabel('Prompts (one per line)').fill('a photo of a doctor')
    await form.getByLabel('Title (optional)').fill('Doctors')
    await form.getByRole('button', { name: 'Create report' }).click()
    const report = page.getByRole('article', { name: 'Report' })
    await report.waitFor({ timeout: 90_000 })
    // The report opens on top (issue 10), under the list, not below the form it was made with.
    const [reportBox, formBox] = await Promise.all([report.boundingBox(), form.boundingBox()])
    expect(reportBox!.y).toBeLessThan(formBox!.y)
    // Its line in the list in words: "ready", one prompt, no "prompt(s)", when it was made.
    await expect.poll(() => page.getByTestId('report-facts').textContent()).toMatch(/^ready · 1 prompt · imported images · \w/)
    await rename('Rename report Doctors', 'New name for the report', 'Doctors, imported')
    await expect.poll(() => page.locator('.report-list').getByTestId('rename-done').textContent()).toBe('Renamed to “Doctors, imported”.')
    await confirmDelete('Delete report “Doctors, imported”')
    await expect
      .poll(() => page.getByTestId('delete-done').textContent())
      .toBe('Deleted report “Doctors, imported”. Removed the report and its stored figures; kept files already exported from it; the images and classifier verdicts it read.')
    expect(pageErrors).toEqual([])
  }, 120_000)
})
