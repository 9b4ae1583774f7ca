// MCMC refinement by a person, end to end: the built UI in the bundled Chromium against the real
// serve mode. Accept, reject and stop by keyboard; the server is SIGKILLed mid-chain and restarted,
// the same pending proposal comes back, and the chain finishes and pairs its set as a winner.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from './browser'
import { writeFixtureFolder } from './fixture-folder'
import { startServe, type ServeProcess } from './serve-process'
import { projectWithImages, serveApi, type ServeApi } from '../renderer/serve-api'

let root: string
let workspace: string
let browser: Browser
let page: Page
let server: ServeProcess | null = null
let api: ServeApi
let projectId = 0
let chainId = 0
let saveSeq = 0
const pageErrors: string[] = []

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'popalign-refine-'))
  workspace = join(root, 'workspace')
  const fixture = await writeFixtureFolder(join(root, 'import-me'), { 'a photo of a doctor': 12 })
  server = await startServe(workspace)
  api = serveApi(server.origin, server.token)
  projectId = await projectWithImages(api, 'Refine', fixture.dir)
  const [prompt] = await api.call('prompts.list', { projectId })
  await api.call('sets.createRandom', { projectId, promptId: prompt.id, k: 5, count: 2, seed: 3 })
  // A set of another size, which the chain's set of 5 must not be paired against (issue 10).
  await api.call('sets.createRandom', { projectId, promptId: prompt.id, k: 2, count: 1, seed: 4 })
  browser = await launchBrowser()
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  page.on('pageerror', (e) => pageErrors.push(e.message))
})

afterAll(async () => {
  await browser?.close()
  await server?.kill()
  if (root) rmSync(root, { recursive: true, force: true })
})

const swap = () => page.getByTestId('swap')
async function pending(): Promise<{ step: string | null; position: string | null; out: string | null; in: string | null }> {
  const s = swap()
  return { step: await s.getAttribute('data-step'), position: await s.getAttribute('data-position'), out: await s.getAttribute('data-out'), in: await s.getAttribute('data-in') }
}
const currentIds = () =>
  page
    .getByTestId('current-set')
    .locator('li')
    .evaluateAll((lis) => lis.map((li) => Number(li.getAttribute('data-image-id'))))

/** Presses a key and waits for the UI to show that decision as saved. */
async function press(key: string): Promise<void> {
  await expect.poll(() => page.getByRole('button', { name: /Stop and keep/ }).isEnabled()).toBe(true)
  await page.keyboard.press(key)
  await expect.poll(() => page.getByTestId('save-state').getAttribute('data-save-seq')).toBe(String(++saveSeq))
}

describe('MCMC refinement judged by a person', () => {
  it('starts a chain from the refine screen', async () => {
    await page.goto(server!.link)
    await page.goto(`${server!.origin}/#/p/${projectId}/refine`)
    await page.getByLabel('Set size').fill('5')
    await page.getByRole('button', { name: 'Start chain' }).click()
    await page.waitForURL(/#\/p\/\d+\/refine\/\d+$/)
    chainId = Number(page.url().match(/refine\/(\d+)$/)![1])
    await expect.poll(() => swap().getAttribute('data-step')).toBe('0')
    expect(await page.getByTestId('current-set').locator('img').count()).toBe(5)
    expect(await page.locator('[data-mark=out]').count()).toBe(1)
    expect(await page.locator('[data-mark=in]').count()).toBe(1)
    // The tally is hidden by default so it does not anchor the judge.
    expect(await page.getByTestId('tally').count()).toBe(0)
    expect(await page.getByTestId('acceptance-rate').textContent()).toBe('—')
  })

  it('accepts with y and rejects with n', async () => {
    const before = await pending()
    const members = await currentIds()
    await press('y')
    const afterAccept = await currentIds()
    expect(afterAccept[Number(before.position)]).toBe(Number(before.in))
    expect(afterAccept.filter((_, i) => i !== Number(before.position))).toEqual(members.filter((_, i) => i !== Number(before.position)))
    expect(await page.getByTestId('chain-steps').textContent()).toBe('1')
    expect(await page.getByTestId('acceptance-rate').textContent()).toBe('100%')
    expect(await page.getByTestId('announcer').textContent()).toContain('Accepted')

    await press('n')
    expect(await currentIds()).toEqual(afterAccept) // reject back-tracks: the set is unchanged
    expect(await page.getByTestId('acceptance-rate').textContent()).toBe('50%')
    expect(await page.getByTestId('chain-log').locator('tbody tr').count()).toBe(2)

    await page.keyboard.press('t')
    await page.getByTestId('tally').waitFor()
    await page.keyboard.press('t')
    await expect.poll(() => page.getByTestId('tally').count()).toBe(0)
  })

  it('shows the same pending proposal after the server is killed and restarted', async () => {
    const before = await pending()
    const members = await currentIds()
    await server!.kill('SIGKILL')
    server = await startServe(workspace)
    api = serveApi(server.origin, server.token)
    await page.goto(server.link)
    await page.goto(`${server.origin}/#/p/${projectId}/refine/${chainId}`)
    saveSeq = 0
    await expect.poll(() => swap().getAttribute('data-step'), { timeout: 20_000 }).toBe(before.step)
    expect(await pending()).toEqual(before)
    expect(await currentIds()).toEqual(members)
    expect(await page.getByTestId('chain-steps').textContent()).toBe('2')
  })

  it('finishes: accept, then stop with Esc, and uses the set as a winning set', async () => {
    await press('y')
    await press('Escape')
    await expect.poll(() => page.getByTestId('chain-state').textContent()).toBe('finished')
    const chain = await api.call('mcmc.get', { chainId })
    expect(chain.state).toBe('finished')
    expect(chain.resultSetId).not.toBeNull()
    expect((await api.call('mcmc.log', { chainId })).map((e) => e.decision)).toEqual(['accept', 'reject', 'accept', 'stop'])
    const resultSet = (await api.call('sets.list', { projectId })).find((s) => s.id === chain.resultSetId)!
    expect(resultSet.origin).toBe('mcmc')
    expect(resultSet.imageIds).toEqual(chain.imageIds)

    // Only the two sets of 5 are offered; the set of 2 is left out, and the screen says why.
    const offered = await page.locator('select[name=loser] option').allTextContents()
    expect(offered).toHaveLength(2)
    for (const option of offered) expect(option).toMatch(/, 5 images\)$/)
    expect(await page.getByTestId('other-sizes').textContent()).toBe('1 other set of this prompt is not offered: it holds 2 images, and a pair compares two sets of the same size (5).')
    await page.getByRole('button', { name: 'Pair: chain set wins' }).click()
    await page.getByTestId('winning-pair').waitFor()
    const pairs = await api.call('pairs.list', { projectId })
    const pair = pairs.find((p) => p.setA === chain.resultSetId || p.setB === chain.resultSetId)!
    expect(pair).toBeDefined()
    const loser = (await api.call('sets.list', { projectId })).find((s) => s.id === (pair.setA === chain.resultSetId ? pair.setB : pair.setA))!
    expect(loser.imageIds).toHaveLength(5)
    expect(pageErrors).toEqual([])
  })
})
