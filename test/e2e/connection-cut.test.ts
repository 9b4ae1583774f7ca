// The connection is cut mid-decision, three ways, against the real serve mode: the request never
// leaves the browser; the server commits but its answer is lost; the browser goes offline for a
// while. Each time the client resends with the same idempotency key and the decision is stored
// exactly once: nothing lost, nothing duplicated. The same holds for an MCMC decision.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { Browser, BrowserContext, Page, Request } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from './browser'
import { writeFixtureFolder } from './fixture-folder'
import { startServe, type ServeProcess } from './serve-process'
import { projectWithImages, serveApi, type ServeApi } from '../renderer/serve-api'

let root: string
let workspace: string
let browser: Browser
let context: BrowserContext
let page: Page
let server: ServeProcess
let api: ServeApi
let projectId = 0
let promptId = 0
let saveSeq = 0
/** Every label.judge POST the page sent, with its idempotency key. */
const sent: string[] = []
/** Pairs whose decision the UI acknowledged. */
const acknowledged: number[] = []
const pageErrors: string[] = []

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'popalign-cut-'))
  workspace = join(root, 'workspace')
  const fixture = await writeFixtureFolder(join(root, 'import-me'), { 'a photo of a nurse': 12 })
  server = await startServe(workspace)
  api = serveApi(server.origin, server.token)
  projectId = await projectWithImages(api, 'Cut', fixture.dir)
  promptId = (await api.call('prompts.list', { projectId }))[0].id
  await api.call('sets.createRandom', { projectId, promptId, k: 5, count: 4, seed: 5 })
  await api.call('pairs.createAll', { projectId })
  browser = await launchBrowser()
  context = await browser.newContext({ viewport: { width: 1200, height: 850 } })
  page = await context.newPage()
  page.on('pageerror', (e) => pageErrors.push(e.message))
  page.on('request', (r: Request) => {
    if (r.method() === 'POST' && r.url().endsWith('/api/label.judge')) sent.push((JSON.parse(r.postData() ?? '{}') as { idempotencyKey: string }).idempotencyKey)
  })
  await page.goto(server.link)
  await page.goto(`${server.origin}/#/p/${projectId}/label`)
})

afterAll(async () => {
  await browser?.close()
  await server?.kill()
  if (root) rmSync(root, { recursive: true, force: true })
})

function liveJudgements(): Array<{ pairId: number; n: number; keys: number }> {
  const db = new Database(join(workspace, 'workspace.db'), { readonly: true, fileMustExist: true })
  try {
    return db.prepare('SELECT pair_id AS pairId, COUNT(*) AS n, COUNT(DISTINCT idempotency_key) AS keys FROM judgements WHERE undone_at IS NULL GROUP BY pair_id ORDER BY pair_id').all() as Array<{
      pairId: number
      n: number
      keys: number
    }>
  } finally {
    db.close()
  }
}

/** Presses a key for the pair on screen and waits until the UI acknowledges the decision. */
async function decide(key: string): Promise<void> {
  await expect.poll(() => page.getByRole('button', { name: /Left is fairer/ }).isEnabled(), { timeout: 15_000 }).toBe(true)
  const pairId = Number(await page.getByTestId('compare').getAttribute('data-pair-id'))
  const before = sent.length
  await page.keyboard.press(key)
  await expect.poll(() => page.getByTestId('save-state').getAttribute('data-save-seq'), { timeout: 20_000 }).toBe(String(++saveSeq))
  acknowledged.push(pairId)
  // Every copy the page sent for this decision carried the same key.
  expect(new Set(sent.slice(before)).size).toBe(1)
}

describe('a connection cut mid-decision', () => {
  it('resends a decision whose request never left the browser', async () => {
    await page.route('**/api/label.judge', (route) => route.abort('connectionreset'), { times: 1 })
    const before = sent.length
    await decide('1')
    expect(sent.length - before).toBe(2)
  })

  it('resends a decision the server committed but whose answer was lost, and stores it once', async () => {
    let committed = false
    await page.route(
      '**/api/label.judge',
      async (route) => {
        const answer = await route.fetch() // reaches the server, which commits and answers...
        committed = answer.ok()
        await route.abort('connectionreset') // ...but the browser never hears it
      },
      { times: 1 }
    )
    const before = sent.length
    await decide('2')
    expect(committed).toBe(true)
    expect(sent.length - before).toBe(2)
  })

  it('keeps resending while the browser is offline and stores the decision once it is back', async () => {
    await expect.poll(() => page.getByRole('button', { name: /Left is fairer/ }).isEnabled(), { timeout: 15_000 }).toBe(true)
    const pairId = Number(await page.getByTestId('compare').getAttribute('data-pair-id'))
    const before = sent.length
    await context.setOffline(true)
    try {
      // setOffline returns once the browser process has the order, which reaches Chromium's network
      // stack by a separate message: a request sent in between would still reach the studio (saved
      // at once, never resent). Press only once the page's own requests fail, as the decision's will.
      await expect
        .poll(() =>
          page.evaluate(() =>
            fetch(`/?offline-probe=${Date.now()}`, { cache: 'no-store' }).then(
              () => 'online',
              () => 'offline'
            )
          )
        )
        .toBe('offline')
      await page.keyboard.press('=')
      // The UI says the decision is not stored yet and is being resent; keys are ignored meanwhile.
      await page.getByTestId('resending').waitFor({ timeout: 10_000 })
      expect(await page.getByTestId('save-state').getAttribute('data-state')).toBe('saving')
      await page.keyboard.press('1')
      await page.waitForTimeout(800)
    } finally {
      await context.setOffline(false)
    }
    await expect.poll(() => page.getByTestId('save-state').getAttribute('data-save-seq'), { timeout: 20_000 }).toBe(String(++saveSeq))
    acknowledged.push(pairId)
    expect(sent.length - before).toBeGreaterThanOrEqual(2)
    expect(new Set(sent.slice(before)).size).toBe(1)
  })

  it('has stored each acknowledged decision exactly once, and nothing else', async () => {
    const rows = liveJudgements()
    expect(rows.map((r) => r.pairId)).toEqual([...acknowledged].sort((a, b) => a - b))
    expect(rows.every((r) => r.n === 1 && r.keys === 1)).toBe(true)
    expect((await api.call('label.progress', { projectId })).done).toBe(acknowledged.length)
    expect(await page.getByTestId('label-progress').textContent()).toMatch(new RegExp(`${acknowledged.length}\\s*of\\s*6`))
  })

  it('stores an MCMC decision once when its answer is lost', async () => {
    const chain = await api.call('mcmc.start', { projectId, promptId, size: 5, judge: 'human', seed: 2 })
    await page.goto(`${server.origin}/#/p/${projectId}/refine/${chain.id}`)
    await expect.poll(() => page.getByTestId('swap').getAttribute('data-step')).toBe('0')
    let calls = 0
    await page.route(
      '**/api/mcmc.decide',
      async (route) => {
        calls++
        await route.fetch()
        await route.abort('connectionreset')
      },
      { times: 1 }
    )
    await expect.poll(() => page.getByRole('button', { name: /Accept the swap/ }).isEnabled()).toBe(true)
    await page.keyboard.press('y')
    await expect.poll(() => page.getByTestId('save-state').getAttribute('data-state'), { timeout: 20_000 }).toBe('saved')
    expect(calls).toBe(1)
    expect((await api.call('mcmc.log', { chainId: chain.id })).map((e) => e.decision)).toEqual(['accept'])
    expect((await api.call('mcmc.get', { chainId: chain.id })).step).toBe(1)
    expect(await page.getByTestId('swap').getAttribute('data-step')).toBe('1')
    expect(pageErrors).toEqual([])
  })
})
