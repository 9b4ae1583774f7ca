// Project cards (issue 10): the Projects screen shows what each project holds and the next step, in
// the real built UI in Chromium against the real serve mode and its SQLite workspace.
import { join } from 'node:path'
import type { Locator, Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeFixtureFolder } from './fixture-folder'
import type { ServeProcess } from './serve-process'
import { openStudioPage, type StudioPage } from './studio-page'
import { projectWithImages, serveApi } from '../renderer/serve-api'

let studio: StudioPage | null = null
let page: Page
let server: ServeProcess
let pageErrors: string[] = []
let root: string

beforeAll(async () => {
  studio = await openStudioPage('project-cards', { viewport: { width: 1440, height: 900 } })
  ;({ page, server, pageErrors, root } = studio)
}, 60_000)

afterAll(() => studio?.close())

const card = (name: string) => page.getByTestId('project-card').filter({ hasText: name })

/** From a project card's next step to the Label screen, one decision by keyboard, and back to Projects. */
async function labelOnePairFromCard(p: Page, projectCard: Locator, projectId: number): Promise<void> {
  await projectCard.getByTestId('project-next-step').click()
  await expect.poll(() => p.url()).toContain(`#/p/${projectId}/label`)
  await expect.poll(() => p.getByRole('button', { name: /Left is fairer/ }).isEnabled()).toBe(true)
  await p.getByTestId('set-left').locator('img').first().waitFor()
  await p.keyboard.press('ArrowLeft')
  await expect.poll(() => p.getByTestId('save-state').getAttribute('data-save-seq')).toBe('1')
  await p.getByRole('link', { name: 'Projects', exact: true }).click()
}

describe('project cards', () => {
  it('show images, sets, pairs and labelled pairs, and link the next step', async () => {
    const api = serveApi(server.origin, server.token)
    const folder = await writeFixtureFolder(join(root, 'import'), { 'a photo of a doctor': 12 })
    const doctors = await projectWithImages(api, 'Doctors', folder.dir)
    const [prompt] = await api.call('prompts.list', { projectId: doctors })
    await api.call('sets.createRandom', { projectId: doctors, promptId: prompt.id, k: 3, count: 4, seed: 1 })
    const { created } = await api.call('pairs.createAll', { projectId: doctors })
    expect(created).toBe(6)
    const [first] = await api.call('pairs.list', { projectId: doctors })
    await api.call('label.judge', { pairId: first.id, criterion: 'fairness', choice: 'a', shownLeft: 'a', responseMs: 900, idempotencyKey: 'card-test-0001' })
    const empty = await api.call('projects.create', { name: 'Nurses' })

    await page.goto(server.link)
    await expect.poll(() => card('Doctors').getByTestId('project-counts').textContent()).toBe('12 images · 4 sets · 6 pairs, 1 labelled')
    expect(await card('Doctors').getByTestId('project-next-step').textContent()).toBe('Next: Label 5 pairs →')
    expect(await card('Nurses').getByTestId('project-counts').textContent()).toBe('0 images · 0 sets · no pairs yet')
    const importStep = card('Nurses').getByTestId('project-next-step')
    expect(await importStep.textContent()).toBe('Next: Import images →')
    expect(await importStep.getAttribute('href')).toBe(`#/p/${empty.id}/import`)
    if (process.env.PROJECT_CARDS_SCREENSHOT) await page.screenshot({ path: process.env.PROJECT_CARDS_SCREENSHOT, fullPage: true })

    // A decision made on the Label screen shows on the card when the user comes back.
    await labelOnePairFromCard(page, card('Doctors'), doctors)
    await expect.poll(() => card('Doctors').getByTestId('project-counts').textContent()).toBe('12 images · 4 sets · 6 pairs, 2 labelled')
    expect(await card('Doctors').getByTestId('project-next-step').textContent()).toBe('Next: Label 4 pairs →')
    expect(pageErrors).toEqual([])
  })

  it("show an annotator their own progress, not the project's totals", async () => {
    const api = serveApi(server.origin, server.token)
    const doctors = (await api.call('projects.list', {})).find((p) => p.name === 'Doctors')!.id
    const ada = await api.call('team.createAnnotator', { name: 'Ada' })
    const invite = await api.call('team.invite', { annotatorId: ada.id, projectIds: [doctors] })
    const context = await studio!.browser.newContext({ viewport: { width: 1440, height: 900 } })
    try {
      const annotator = await context.newPage()
      annotator.on('pageerror', (e) => pageErrors.push(`Ada: ${e.message}`))
      await annotator.goto(`${server.origin}${invite.path}`)
      await expect.poll(() => annotator.locator('.sidebar-foot').textContent()).toContain('Ada')
      const adaCard = annotator.getByTestId('project-card').filter({ hasText: 'Doctors' })
      // The owner labelled 2 of the 6 pairs; Ada has labelled none of hers (no routing: all 6 are hers to do).
      await expect.poll(() => adaCard.getByTestId('project-counts').textContent()).toBe('You: 0 of 6 pairs labelled')
      expect(await adaCard.getByTestId('project-next-step').textContent()).toBe('Next: Label 6 pairs →')

      await labelOnePairFromCard(annotator, adaCard, doctors)
      await expect.poll(() => adaCard.getByTestId('project-counts').textContent()).toBe('You: 1 of 6 pairs labelled')
      expect(await adaCard.getByTestId('project-next-step').textContent()).toBe('Next: Label 5 pairs →')
      if (process.env.ANNOTATOR_CARD_SCREENSHOT) await annotator.screenshot({ path: process.env.ANNOTATOR_CARD_SCREENSHOT, fullPage: true })
    } finally {
      await context.close()
    }
    // The owner's card keeps the project's totals: Ada's queue started at the first pair, which the owner had labelled already.
    await page.reload()
    await expect.poll(() => card('Doctors').getByTestId('project-counts').textContent()).toBe('12 images · 4 sets · 6 pairs, 2 labelled')
    expect(await card('Doctors').getByTestId('project-next-step').textContent()).toBe('Next: Label 4 pairs →')
    expect(pageErrors).toEqual([])
  })
})
