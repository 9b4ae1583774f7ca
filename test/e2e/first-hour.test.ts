// The first hour with the studio (issue 10), as a newcomer walks it: the real built UI in the bundled
// Chromium against the real serve mode on a fresh workspace with the demo project. Demo -> image
// detail -> import -> sets -> pairs -> label -> snapshot -> fine-tune (quick preset) -> sample from the
// checkpoint -> refine a set with the classifier as judge and proposals freshly sampled from that
// checkpoint (swaps accepted, the distance to the target falls) -> report. On every screen (test/e2e/screen-check.ts): every image loaded, no error the
// step did not cause, no raw id, method name or ISO timestamp; a screenshot of each lands in
// test-results/first-hour/.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from './browser'
import { writeFixtureFolder, type FixtureFolder } from './fixture-folder'
import { checkScreen } from './screen-check'
import { startServe, type ServeProcess } from './serve-process'

const DIR = 'first-hour'
let root: string
let fixture: FixtureFolder
let browser: Browser
let page: Page
let server: ServeProcess | null = null
let demoId = 0
const pageErrors: string[] = []

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'popalign-first-hour-'))
  fixture = await writeFixtureFolder(join(root, 'my-photos'), { 'a photo of a pilot': 6 })
  server = await startServe(join(root, 'workspace'), { env: { POPALIGN_DEMO: '1' } })
  browser = await launchBrowser()
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
  page.on('pageerror', (e) => pageErrors.push(e.message))
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await server?.kill()
  if (root) rmSync(root, { recursive: true, force: true })
})

const go = (screen: string) => page.goto(`${server!.origin}/#/p/${demoId}/${screen}`)
const check = (name: string, opts?: { allowAlerts?: RegExp }) => checkScreen(page, DIR, name, opts)

describe('the first hour, against the real serve mode', () => {
  it('opens on the demo project and shows an image in detail', async () => {
    await page.goto(server!.link)
    const demo = page.getByRole('link', { name: /Synthetic Population \(demo\)/ })
    await demo.waitFor()
    await check('01-projects')
    await demo.click()
    await page.waitForURL(/#\/p\/\d+\/browse$/)
    demoId = Number(page.url().match(/#\/p\/(\d+)\//)![1])
    // The demo's import runs in the background: wait for its 20 doctors. After each reload the grid is
    // given a moment to render (counting right after the load event read 0 whenever the grid's own
    // request came back a little later, every time, until the poll gave up).
    const gridImages = page.locator('[data-testid=image-grid] img')
    await expect
      .poll(
        async () => {
          await page.reload()
          await gridImages
            .first()
            .waitFor({ timeout: 3000 })
            .catch(() => undefined)
          return gridImages.count()
        },
        { timeout: 30_000, interval: 1000 }
      )
      .toBeGreaterThan(0)
    await check('02-browse')
    await page.locator('.grid-cell').first().click()
    const detail = page.getByTestId('image-detail')
    await detail.getByText('Imported from a folder').waitFor()
    expect(await detail.textContent()).toContain('a photo of a')
    await page.keyboard.press('+')
    await expect.poll(() => detail.textContent()).toContain('Zoom 150%')
    await check('03-image-detail')
    await page.keyboard.press('Escape')
    await expect.poll(() => detail.count()).toBe(0)
  })

  it('imports a folder into a new project', async () => {
    await page.goto(`${server!.origin}/#/projects`)
    await page.getByLabel('Name', { exact: true }).fill('My photos')
    await page.getByRole('button', { name: 'Create project' }).click()
    await page.waitForURL(/#\/p\/\d+\/import$/)
    await page.getByLabel('Folder path').fill(fixture.dir)
    await page.getByRole('button', { name: 'Import' }).click()
    await page.getByTestId('import-report').waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('imported-count').textContent()).toBe('6')
    await check('04-import')
  })

  it('makes sets and pairs of the demo, and labels them by keyboard with a visible confirmation', async () => {
    await go('sets')
    await page.getByRole('button', { name: /a photo of a doctor/ }).click()
    // The demo comes ready to label (issue 10): three random sets per prompt, paired. One more set here.
    await expect.poll(() => page.getByTestId('set-list').locator('.set-item').count()).toBe(3)
    // k starts at the demo sets' size (4): a pair compares two sets of one size, so a set of another
    // size would stay unpaired; typing another size says so.
    await expect.poll(() => page.getByLabel('Images per set (k)').inputValue()).toBe('4')
    await page.getByLabel('Images per set (k)').fill('5')
    await expect.poll(() => page.getByTestId('k-hint').textContent()).toBe("This prompt's sets hold 4 images; a set of 5 can only be paired with other sets of 5.")
    await page.getByLabel('Images per set (k)').fill('4')
    await expect.poll(() => page.getByTestId('k-hint').count()).toBe(0)
    await page.getByLabel('Sets', { exact: true }).fill('1')
    await page.getByRole('button', { name: 'Make random sets' }).click()
    await expect.poll(() => page.getByTestId('set-list').locator('.set-item').count()).toBe(4)
    expect(await page.getByTestId('set-list').textContent()).toMatch(/Set \d+/)
    // Counts with their unit, not a bare "20 · 4 sets".
    await expect
      .poll(() =>
        page
          .getByRole('button', { name: /a photo of a doctor/ })
          .locator('.count')
          .textContent()
      )
      .toBe('20 images · 4 sets')
    await check('05-sets')

    await go('pairs')
    await expect.poll(() => page.getByTestId('pair-count').textContent()).toMatch(/^12 pairs over 4 prompts/)
    await page.getByRole('button', { name: 'Create all pairs' }).click()
    // The new set paired with the doctor's three demo sets.
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Created 3 pairs.')
    await expect.poll(() => page.getByTestId('pair-count').textContent()).toMatch(/^15 pairs over 4 prompts/)
    expect(await page.getByTestId('pair-status').first().textContent()).toBe('Not labelled yet')
    await check('06-pairs')

    await go('label')
    const keys = Array.from({ length: 15 }, (_, i) => (i % 3 === 1 ? 'ArrowRight' : 'ArrowLeft'))
    for (const [i, key] of keys.entries()) {
      await expect.poll(() => page.getByRole('button', { name: /Left is fairer/ }).isEnabled()).toBe(true)
      await page.getByTestId('set-left').locator('img').first().waitFor()
      await page.keyboard.press(key)
      await expect.poll(() => page.getByTestId('announcer').textContent()).toContain(`Saved, ${i + 1} of 15`)
      if (i === 0) {
        expect(await page.getByTestId('announcer').isVisible()).toBe(true)
        await check('07-label')
      }
    }
    await page.getByTestId('label-finished').waitFor()
    await check('08-label-done')
    await go('pairs')
    await expect.poll(() => page.getByTestId('pair-status').first().textContent()).toMatch(/^owner: Set \d+ fairer$/)
  })

  it('takes a snapshot, fine-tunes the base model on it (quick preset) and samples from the checkpoint', async () => {
    await go('preferences')
    await page.getByRole('button', { name: 'Create snapshot' }).click()
    await page.getByTestId('snapshot').first().waitFor()
    await check('09-snapshot')

    await go('finetune')
    await expect.poll(() => page.locator('select[name=snapshot] option').count(), { timeout: 15_000 }).toBe(1)
    await page.locator('select[name=preset]').selectOption('quick')
    // Shorter than the preset's 40 steps: one checkpoint (and one quick quality check) keeps the journey short.
    await page.locator('input[name=steps]').fill('20')
    await page.locator('input[name=checkpointEvery]').fill('20')
    await page.getByRole('button', { name: 'Start fine-tuning' }).click()
    const run = page.getByTestId('finetune-run')
    await expect.poll(() => run.getAttribute('data-state'), { timeout: 150_000 }).toBe('done')
    // The run and its row in the Runs table say the same, in words (issue 10: "Run 1 · popalign: done" above "0 / 20 running").
    await expect.poll(() => page.locator('#finetune-run-title').textContent()).toBe('Run 1 · PopAlign: finished')
    const row = page.getByTestId('runs-list').locator('tbody tr', { hasText: 'Run 1' })
    await expect
      .poll(() => row.locator('td').evaluateAll((tds) => tds.slice(1, 7).map((td) => td.textContent)))
      .toEqual(['Run 1', 'PopAlign', 'Base model (built in)', 'v1', '20 of 20 steps', 'finished'])
    const sampleLink = page.locator('p', { hasText: 'newest checkpoint' }).getByRole('link', { name: /sample from it/ })
    await sampleLink.waitFor({ timeout: 20_000 })
    // The quick check's warning is this step's own finding (a short run from the base moves the model), not a stray error.
    await check('10-finetune', { allowAlerts: /^Quality dropped \d+% \(/ })

    await sampleLink.click()
    await page.waitForURL(/\/sample/)
    const model = page.locator('select[name=model] option:checked')
    await expect.poll(() => model.textContent()).not.toMatch(/Base model/)
    await page.locator('input[name=count]').fill('2')
    await page.locator('input[name=steps]').fill('8')
    await page.getByRole('button', { name: 'Sample', exact: true }).click()
    await expect.poll(() => page.getByTestId('sample-run').getAttribute('data-state'), { timeout: 60_000 }).toBe('done')
    // A sample's details name its model as the picker does, not by the catalogue label saved with it ('Run 1 · step 20').
    const firstSample = page.getByTestId('sample-grid').locator('button').first()
    expect(await firstSample.getAttribute('title')).toContain(' · Run 1 · PopAlign · step 20 · ')
    await firstSample.click()
    await expect.poll(() => page.getByTestId('sample-provenance').locator('dd[data-model]').textContent()).toBe('Run 1 · PopAlign · step 20')
    await check('11-sample')
  }, 240_000)

  it('refines a set of the demo with the classifier as judge and proposals freshly sampled from the checkpoint', async () => {
    await go('refine')
    const form = page.getByRole('form', { name: 'Start a chain' })
    // The labels wrap their selects, so the selects are found by name (a label's text includes its options').
    await expect.poll(() => form.locator('select[name=prompt] option').count()).toBeGreaterThan(0)
    const doctor = await form.locator('select[name=prompt] option', { hasText: /^a photo of a doctor \(/ }).textContent()
    await form.locator('select[name=prompt]').selectOption({ label: doctor! })
    await form.getByLabel('Set size').fill('6')
    await form.locator('select[name=judge]').selectOption({ label: 'The classifier (automatic)' })
    await form.locator('select[name=proposals]').selectOption({ label: 'Freshly sampled from a model' })
    // The model offered first is this project's newest checkpoint, grouped apart from the built-in one.
    const model = form.locator('select[name=model]')
    await expect.poll(() => model.locator('option:checked').textContent()).toMatch(/^Run 1 · PopAlign · step 20$/)
    expect(await model.locator('optgroup').evaluateAll((groups) => groups.map((g) => g.getAttribute('label')))).toEqual(['This project', 'Built in'])
    await form.getByLabel('Sampling steps').fill('10')
    await form.getByLabel('Seed').fill('3')
    await form.getByRole('button', { name: 'Start chain' }).click()
    await page.waitForURL(/#\/p\/\d+\/refine\/\d+$/)
    await expect
      .poll(() => page.getByTestId('incoming-provenance').textContent(), { timeout: 30_000 })
      .toMatch(/^The entering image was sampled by this chain for step 1 from Run 1 · PopAlign · step 20, seed \d+\.$/)
    await check('11b-refine-start')

    // The demo's doctors were never classified: the judge reads the set and each fresh image itself.
    // The starting set depends on the order the demo's import stored its images, so the run is long
    // enough that some swap improves it (about one in five did in the runs looked at).
    const auto = page.getByTestId('auto-run')
    await auto.getByLabel('Proposals').fill('30')
    await auto.getByRole('button', { name: 'Run automatically' }).click()
    await expect.poll(() => page.getByTestId('auto-progress').textContent(), { timeout: 90_000 }).toMatch(/^\s*30 of 30 proposals judged\./)
    const log = page.getByTestId('chain-log').locator('tbody tr')
    await expect.poll(() => log.count()).toBe(30)
    const cells = await log.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-decision'), tr.querySelectorAll('td')[4].textContent]))
    // Every decision measured over the whole set, and the distance moved.
    for (const [, distance] of cells) expect(distance).toMatch(/^\d+\.\d{3} → \d+\.\d{3}$/)
    expect(cells.filter(([decision]) => decision === 'accept').length).toBeGreaterThan(0)
    const [from, to] = (await page.getByTestId('chain-distance').textContent())!.split(' → ').map(Number)
    expect(to).toBeLessThan(from)
    await check('11c-refine-auto')
  }, 120_000)

  it('writes a report of the imported images, without the sampled ones', async () => {
    await go('reports')
    const form = page.getByRole('form', { name: 'New report' })
    await expect.poll(() => form.getByLabel('Prompts (one per line)').inputValue()).toContain('a photo of a doctor')
    await form.getByLabel('Prompts (one per line)').fill('a photo of a doctor')
    await form.getByLabel('Title (optional)').fill('Doctors in the demo')
    await form.getByRole('button', { name: 'Create report' }).click()
    const view = page.getByRole('article', { name: 'Report' })
    await view.waitFor({ timeout: 60_000 })
    // The demo's 20 imported doctors, not the 2 sampled from the checkpoint: studio-made images stay out unasked.
    await expect.poll(() => view.textContent(), { timeout: 30_000 }).toMatch(/imported images: [\d.]+ \[[\d., ]+\]\s*n = 20\b/)
    await check('12-report')
    expect(pageErrors).toEqual([])
  }, 90_000)

  it('writes a report of the fine-tuned checkpoint, named in its title and lineage as the model pickers name it', async () => {
    await go('reports')
    const form = page.getByRole('form', { name: 'New report' })
    await expect.poll(() => form.getByLabel('Prompts (one per line)').inputValue()).toContain('a photo of a doctor')
    await form.getByRole('checkbox', { name: 'Run 1 · PopAlign · step 20', exact: true }).check()
    await form.getByRole('checkbox', { name: 'Imported images of these prompts' }).uncheck()
    await form.getByLabel('Prompts (one per line)').fill('a photo of a doctor')
    await form.getByLabel('Images per prompt').fill('4')
    await form.getByLabel('Steps', { exact: true }).fill('8')
    // The form keeps the title typed for the report before: cleared, the server names the report itself.
    await form.getByLabel('Title (optional)').fill('')
    await form.getByRole('button', { name: 'Create report' }).click()
    const view = page.getByRole('article', { name: 'Report' })
    // No title typed: the server makes one from the labels the screen sent (it saved 'Run 1 · step 20' before).
    await expect.poll(() => view.getByRole('heading', { level: 2 }).textContent(), { timeout: 90_000 }).toMatch(/^Run 1 · PopAlign · step 20 on 1 prompt of /)
    const lineage = view.getByRole('region', { name: 'Lineage' })
    expect(await lineage.getByRole('table', { name: 'Lineage of Run 1 · PopAlign · step 20', exact: true }).count()).toBe(1)
    // The heading says the run and step once: the label names them already.
    expect(await lineage.locator('summary').first().textContent()).toBe('Run 1 · PopAlign · step 20')
    // The lineage's "model" row names the model in words; its id stays in the cell's title for auditors.
    const modelCell = lineage.locator('tr[data-key="model"] td').first()
    expect(await modelCell.textContent()).toBe('Run 1 · PopAlign · step 20')
    expect(await modelCell.getAttribute('title')).toMatch(/^model id: run:\d+@20$/)
    // The frontier writes the point's whole name (on two lines where it is long), inside the chart.
    const pointLabel = view.locator('svg[aria-label^="silhouette discrepancy against image fidelity gap"] text.point-label').first()
    expect(await pointLabel.locator('tspan').allTextContents()).toEqual(['Run 1 · PopAlign · step 20,', 'β 1000, g 3'])
    const chart = await view.locator('svg[aria-label^="silhouette discrepancy against image fidelity gap"]').boundingBox()
    const label = await pointLabel.boundingBox()
    expect(label!.x).toBeGreaterThanOrEqual(chart!.x)
    expect(label!.x + label!.width).toBeLessThanOrEqual(chart!.x + chart!.width)
    // A long title wraps inside its row: Rename and Delete stay beside it, not on a line of their own.
    const row = page.locator('.report-list li').first()
    const rowBox = await row.boundingBox()
    const deleteBox = await row.getByRole('button', { name: /^Delete report/ }).boundingBox()
    const renameBox = await row.getByRole('button', { name: /^Rename report/ }).boundingBox()
    expect(Math.abs(deleteBox!.y - renameBox!.y)).toBeLessThan(2)
    expect(deleteBox!.y).toBeLessThan(rowBox!.y + rowBox!.height / 2)
    await check('12b-report-of-checkpoint')
    expect(pageErrors).toEqual([])
  }, 120_000)

  it('renames and deletes a set with a confirmation, and refuses to delete one that holds decisions', async () => {
    await go('sets')
    await page.getByRole('button', { name: /a photo of a doctor/ }).click()
    await page.getByLabel('Sets', { exact: true }).fill('1')
    await page.getByRole('button', { name: 'Make random sets' }).click()
    const list = page.getByTestId('set-list')
    // The doctor's three demo sets, the one made above, and this one (numbered after the demo's 12).
    await expect.poll(() => list.locator('.set-item').count()).toBe(5)
    await list
      .locator('.set-item')
      .last()
      .getByRole('button', { name: /^Rename set Set \d+$/ })
      .click()
    await page.getByLabel('New name for the set').fill('spare')
    await page.keyboard.press('Enter')
    await expect.poll(() => list.textContent()).toContain('spare')
    await page.getByRole('button', { name: 'Delete spare' }).click()
    const confirm = page.getByTestId('confirm-delete')
    expect(await confirm.textContent()).toContain('Delete spare? This removes the set.')
    await check('13-delete-confirmation')
    await confirm.getByRole('button', { name: 'Delete', exact: true }).click()
    await expect.poll(() => list.locator('.set-item').count()).toBe(4)
    await list
      .locator('.set-item')
      .first()
      .getByRole('button', { name: /^Delete Set \d+$/ })
      .click()
    await expect.poll(() => confirm.textContent()).toMatch(/Set \d+ cannot be deleted:.*decisions? (was|were) recorded on pairs with this set/)
    expect(await confirm.getByRole('button', { name: 'Delete', exact: true }).count()).toBe(0)
    await check('14-delete-refused')
  })
})
