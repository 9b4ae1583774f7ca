// Errors belong to their panel (issue 10, item 5): on Browse, Sets, Pairs, Projects and the team screen
// (members, adjudication, the figures, classifier agreement) a failed call is shown inside the panel
// that made it, in the user's words, never as an app-wide notice, and it is gone after navigating away.
// The built renderer in Chromium against the fake serve-mode boundary, told which calls fail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright'
import { launchBrowser } from '../e2e/browser'
import { startFakeStudio, type FakeStudio } from './fake-studio'
import { builtRendererDir } from './renderer-dir'

let browser: Browser
let studio: FakeStudio
let page: Page
const pageErrors: string[] = []

const LOCKED = 'database is locked'
const WORDED = 'Database is locked.'

beforeAll(async () => {
  studio = await startFakeStudio({
    rendererDir: builtRendererDir(),
    imagesPerPrompt: [12],
    fail: {
      'images.facets': LOCKED,
      // What dispatch answers for an input the contract refuses.
      'sets.createRandom': { code: 'bad_request', message: 'sets.createRandom: k: Too big: expected number to be <=64' },
      'projects.create': 'a project called "Doctors" already exists; choose another name',
      'team.listAnnotators': LOCKED,
      'team.adjudicationQueue': LOCKED,
      'team.agreement': LOCKED,
      'team.classifierAgreement': LOCKED,
      'pairs.overview': LOCKED
    },
    answers: {
      'team.progress': () => [],
      'team.biasCheck': () => [],
      'team.editTrail': () => [],
      'team.listInvites': () => []
    }
  })
  browser = await launchBrowser()
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  page.on('pageerror', (e) => pageErrors.push(e.message))
})

afterAll(async () => {
  await browser?.close()
  await studio?.close()
})

/** The error shown by `testid`, which must sit inside the panel titled `panelTitle`, with no app-wide notice. */
async function expectInPanel(testid: string, panelTitle: string | RegExp, words: string | RegExp): Promise<void> {
  const panel = page.locator('section, aside, form').filter({ has: page.getByRole('heading', { name: panelTitle }) })
  const note = panel.getByTestId(testid)
  await expect.poll(() => note.count()).toBe(1)
  const text = (await note.locator('span').textContent()) ?? ''
  if (typeof words === 'string') expect(text).toBe(words)
  else expect(text).toMatch(words)
  expect(text).not.toMatch(/\b[a-z]+\.[a-z]+[A-Z]?\w*\b|Too big|HTTP \d{3}/)
  expect(await page.locator('.notices').count()).toBe(0)
}

describe('errors belong to their panel', () => {
  it('Browse: a failed filter load is in the images panel and gone on another screen', async () => {
    await page.goto(`${studio.url}/#/p/1/browse`)
    await expectInPanel('browse-error', /a photo of a doctor 1/, WORDED)
    await page.goto(`${studio.url}/#/p/1/sets`)
    await page.locator('.set-list').waitFor({ state: 'attached' })
    expect(await page.getByTestId('browse-error').count()).toBe(0)
  })

  it('Sets: a refused form is worded with the field and shown beside the form', async () => {
    await page.goto(`${studio.url}/#/p/1/sets`)
    await page.getByRole('button', { name: 'Make random sets' }).click()
    await expectInPanel('sets-error', /a photo of a doctor 1/, 'Images per set must be at most 64.')
    // A check made in the page itself lands in the same place.
    await page.getByLabel('Images per set (k)').fill('13')
    await page.getByRole('button', { name: 'Make random sets' }).click()
    await expectInPanel('sets-error', /a photo of a doctor 1/, 'This prompt has 12 images, fewer than 13 per set.')
  })

  it('Pairs: a failed list is in the pairs panel', async () => {
    await page.goto(`${studio.url}/#/p/1/pairs`)
    await expectInPanel('pairs-error', 'Set pairs', WORDED)
  })

  it('Projects: a refused name is in the New project panel', async () => {
    await page.goto(`${studio.url}/#/`)
    await page.getByLabel('Name', { exact: true }).fill('Doctors')
    await page.getByRole('button', { name: 'Create project' }).click()
    await expectInPanel('new-project-error', 'New project', 'A project called "Doctors" already exists; choose another name.')
  })

  it('Team: each failed load is in the panel it feeds', async () => {
    await page.goto(`${studio.url}/#/p/1/team`)
    await expectInPanel('members-load-error', 'Annotators', WORDED)
    await expectInPanel('adjudication-load-error', 'Adjudication queue', WORDED)
    await expectInPanel('classifier-agreement-error', 'Classifier vs. people', WORDED)
    expect(await page.getByTestId('team-figures-error').locator('span').textContent()).toBe(WORDED)
    // Another screen starts clean.
    await page.goto(`${studio.url}/#/p/1/sets`)
    await page.locator('.set-list').waitFor({ state: 'attached' })
    expect(await page.locator('[data-testid$="-error"]').count()).toBe(0)
    expect(pageErrors).toEqual([])
  })
})
