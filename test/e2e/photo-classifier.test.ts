// The photo classifier end to end (issue 13): the built UI in Chromium against the real serve mode.
// Imports real photos (test/fixtures/photos, plus one built with two faces), chooses the photo classifier
// on the Preference data screen and classifies, runs its second opinion (faceres) from its mapping file
// and sees the two classifiers' agreement, then makes a report with the photo classifier and sees the
// notice on perceived attributes, the detections and no-face count, and the perceived-attribute shares.
// PHOTO_SCREENSHOTS=<folder> saves a screenshot of each screen there. The photo models run on tfjs wasm in
// the server process, so the classifying steps get three minutes on a loaded machine.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import sharp from 'sharp'
import type { Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createProject, openStudioPage, type StudioPage } from './studio-page'

const PHOTOS = resolve(__dirname, '../fixtures/photos')
const FACERES = resolve(__dirname, '../../resources/photo-classifier/human-faceres.mapping.json')
const PROMPT = 'a photo of a person'
const shots = process.env.PHOTO_SCREENSHOTS

let studio: StudioPage
let page: Page
let projectId = 0

async function shot(name: string): Promise<void> {
  if (shots) await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true })
}

/** The four test photos and one with two faces, each with a PopAlignSDXL sidecar naming the prompt. */
async function writePhotoFolder(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true })
  const sidecar = (file: string): void => writeFileSync(join(dir, file.replace(/\.\w+$/, '.json')), JSON.stringify({ file_path: `outputs/${file}`, prompt: PROMPT }))
  for (const name of ['astronaut', 'grace_hopper', 'coffee', 'chelsea']) {
    copyFileSync(join(PHOTOS, `${name}.jpg`), join(dir, `${name}.jpg`))
    sidecar(`${name}.jpg`)
  }
  // Grace Hopper beside the astronaut at a third of her size: the several-faces rule judges the larger.
  const small = await sharp(join(PHOTOS, 'astronaut.jpg')).resize(170, 170).toBuffer()
  await sharp({ create: { width: 700, height: 512, channels: 3, background: { r: 255, g: 255, b: 255 } } })
    .composite([
      { input: join(PHOTOS, 'grace_hopper.jpg'), left: 0, top: 0 },
      { input: small, left: 520, top: 40 }
    ])
    .png()
    .toFile(join(dir, 'two_faces.png'))
  sidecar('two_faces.png')
}

beforeAll(async () => {
  if (shots) mkdirSync(shots, { recursive: true })
  studio = await openStudioPage('photo', { browseRoot: true, prepare: (root) => writePhotoFolder(join(root, 'photos')) })
  page = studio.page
})

afterAll(() => studio?.close())

describe('the photo classifier in the studio', () => {
  it('imports the photos into a new project', async () => {
    projectId = await createProject(studio, 'Photos of people')
    await page.getByLabel('Folder path').fill(join(studio.root, 'photos'))
    await page.getByRole('button', { name: 'Import' }).click()
    await page.getByTestId('import-report').waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('imported-count').textContent()).toBe('5')
  })

  it('classifies with the photo classifier, counting the photos without a face', async () => {
    await page.getByRole('link', { name: 'Preference data' }).click()
    await page.waitForURL(/#\/p\/\d+\/preferences$/)
    const panel = page.getByTestId('classify-panel')
    // The three kinds of classifier are offered side by side.
    const choices = panel.getByRole('radio')
    await expect.poll(() => choices.count()).toBe(3)
    await panel.getByRole('radio', { name: /Photo classifier for people/ }).check()
    await panel.getByRole('button', { name: 'Classify', exact: true }).click()
    await expect.poll(() => page.getByTestId('classify-job').getAttribute('data-state'), { timeout: 120_000 }).toBe('done')
    const gear = page.locator('[data-testid="classifier-summary"][data-classifier="human-gear"]')
    await gear.waitFor()
    expect(await gear.getAttribute('data-version')).toMatch(/^1\+human-\d+\.\d+\.\d+$/)
    const count = (key: string) => gear.getByTestId('status-bars').locator(`li[data-key="${key}"]`).getAttribute('data-count')
    // The coffee cup has no face: counted as no detection, not dropped. Five images, none left over.
    expect(await count('no_detection')).toBe('1')
    expect(await count('unclassified')).toBe('0')
    const statuses = await gear
      .getByTestId('status-bars')
      .locator('li')
      .evaluateAll((lis) => lis.map((li) => Number(li.getAttribute('data-count'))))
    expect(statuses.reduce((a, b) => a + b, 0)).toBe(5)
    // Both heads of GEAR land on the project as axes with their classes.
    const axes = await gear.getByTestId('axis-summary').evaluateAll((els) => els.map((e) => e.getAttribute('data-axis')))
    expect(axes).toEqual(expect.arrayContaining(['gender', 'ethnicity']))
    await shot('1-classified-photo')
  }, 180_000)

  it('runs the second opinion from its mapping file and shows how the two agree', async () => {
    const panel = page.getByTestId('classify-panel')
    await panel.getByRole('radio', { name: /Another classifier from its mapping file/ }).check()
    await panel.getByLabel(/Mapping file/).fill(FACERES)
    await panel.getByRole('button', { name: 'Classify', exact: true }).click()
    await page.locator('[data-testid="classifier-summary"][data-classifier="human-faceres"]').waitFor({ timeout: 120_000 })
    await expect.poll(() => page.getByTestId('classify-job').getAttribute('data-state'), { timeout: 120_000 }).toBe('done')
    const agreement = page.getByTestId('classifier-pair-agreement')
    await agreement.getByTestId('pair-images').waitFor()
    expect(await agreement.getByTestId('pair-images').textContent()).toContain('Compared on 5 images')
    // Neither finds a face in the coffee cup; the axis they share is gender.
    expect(await agreement.locator('[data-testid="pair-detection"] tr[data-key="neither"] td').textContent()).toBe('1')
    const gender = agreement.locator('[data-testid="pair-axis"][data-axis="gender"]')
    expect(await gender.getByTestId('pair-axis-figures').textContent()).toMatch(/Agreed on \d of 4 images \(\d+(\.\d)?%\); Krippendorff’s alpha (-?\d\.\d\d|—)\./)
    await shot('2-two-classifiers')
  }, 180_000)

  it('makes a report with the photo classifier: the notice, detections, no-face count and perceived shares', async () => {
    await page.getByRole('link', { name: 'Reports' }).click()
    await page.waitForURL(new RegExp(`#/p/${projectId}/reports$`))
    const form = page.getByRole('form', { name: 'New report' })
    await expect.poll(() => form.getByLabel('Prompts (one per line)').inputValue()).toContain(PROMPT)
    await form.getByRole('radio', { name: /Photo classifier for people/ }).check()
    await form.getByLabel('Title (optional)').fill('Photo audit')
    await form.getByRole('button', { name: 'Create report' }).click()
    const view = page.getByRole('article', { name: 'Report' })
    await view.waitFor({ timeout: 120_000 })
    expect(await view.getByRole('heading', { level: 2 }).textContent()).toBe('Photo audit')
    // What the classifier reports, in plain words, above the numbers, with its id and version.
    const notice = view.getByTestId('classifier-notice')
    expect(await notice.textContent()).toContain('Perceived attributes, not identity')
    expect(await notice.textContent()).toContain('two genders only')
    expect(await notice.textContent()).toContain('several faces are judged by the largest')
    expect(await notice.textContent()).toMatch(/Classifier human-gear, version 1\+human-\d/)
    // Detections and the photos without a face, counted.
    expect(await view.getByTestId('detections').first().textContent()).toMatch(/Detections: 4 of 5 images; no detection: 1 \(counted, never dropped\); unreadable: 0\./)
    expect(await view.getByRole('button', { name: /^no detection 1$/ }).count()).toBe(1)
    // Perceived-attribute shares for the prompt, on both axes.
    expect(await view.locator(`svg[aria-label="${PROMPT}"] rect.seg`).count()).toBeGreaterThan(0)
    await view.getByRole('button', { name: 'ethnicity', exact: true }).click()
    expect(await view.locator(`svg[aria-label="${PROMPT}"] rect.seg`).count()).toBeGreaterThan(0)
    const lineage = view.getByRole('region', { name: 'Lineage' })
    expect(await lineage.locator('tr[data-key="classifier"] td').first().textContent()).toMatch(/^human-gear 1\+human-\d/)
    await shot('3-report')
    expect(studio.pageErrors).toEqual([])
  }, 180_000)
})
