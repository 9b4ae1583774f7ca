// A restart strands nobody (issue 10, item 4), against the real serve process: the studio is killed
// in the middle of labelling while the owner's decision is on its way, and started again as a user
// does (no --port). It comes back on the same port; the open tab resends what it holds and the
// decision is stored exactly once; an invited annotator's tab goes on working although the one-time
// invite is spent; and when the remembered port is taken the studio says so in words.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { Browser, Page, Request } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from './browser'
import { writeFixtureFolder } from './fixture-folder'
import { startServe, type ServeProcess } from './serve-process'
import { projectWithImages, serveApi, type ServeApi } from '../renderer/serve-api'

let root: string
let workspace: string
let browser: Browser
let owner: Page
let annotator: Page
let server: ServeProcess
let api: ServeApi
let projectId = 0
let firstOrigin = ''
let invitePath = ''
const sentKeys: string[] = []
const pageErrors: string[] = []

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'popalign-restart-'))
  workspace = join(root, 'workspace')
  const fixture = await writeFixtureFolder(join(root, 'import-me'), { 'a photo of a nurse': 12 })
  server = await startServe(workspace, { port: 'remembered' })
  firstOrigin = server.origin
  api = serveApi(server.origin, server.token)
  projectId = await projectWithImages(api, 'Restart', fixture.dir)
  const promptId = (await api.call('prompts.list', { projectId }))[0].id
  await api.call('sets.createRandom', { projectId, promptId, k: 5, count: 4, seed: 5 })
  await api.call('pairs.createAll', { projectId })
  browser = await launchBrowser()
  owner = await (await browser.newContext({ viewport: { width: 1200, height: 850 } })).newPage()
  annotator = await (await browser.newContext({ viewport: { width: 1200, height: 850 } })).newPage()
  for (const page of [owner, annotator]) page.on('pageerror', (e) => pageErrors.push(e.message))
  owner.on('request', (r: Request) => {
    if (r.method() === 'POST' && r.url().endsWith('/api/label.judge')) sentKeys.push((JSON.parse(r.postData() ?? '{}') as { idempotencyKey: string }).idempotencyKey)
  })
  await owner.goto(server.link)
  await owner.goto(`${server.origin}/#/p/${projectId}/label`)
  const dana = await api.call('team.createAnnotator', { name: 'Dana' })
  const invite = await api.call('team.invite', { annotatorId: dana.id, projectIds: [projectId], ttlHours: 24 })
  invitePath = invite.path
  await annotator.goto(`${server.origin}${invite.path}`)
  await annotator.goto(`${server.origin}/#/p/${projectId}/label`)
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await server?.kill()
  if (root) rmSync(root, { recursive: true, force: true })
})

function judgements(): Array<{ pairId: number; annotatorId: number; n: number; keys: number }> {
  const db = new Database(join(workspace, 'workspace.db'), { readonly: true, fileMustExist: true })
  try {
    return db
      .prepare(
        'SELECT pair_id AS pairId, annotator_id AS annotatorId, COUNT(*) AS n, COUNT(DISTINCT idempotency_key) AS keys FROM judgements WHERE undone_at IS NULL GROUP BY pair_id, annotator_id ORDER BY pair_id'
      )
      .all() as Array<{ pairId: number; annotatorId: number; n: number; keys: number }>
  } finally {
    db.close()
  }
}

const ready = (page: Page) => expect.poll(() => page.getByRole('button', { name: /Left is fairer/ }).isEnabled(), { timeout: 20_000 }).toBe(true)
const saveSeq = (page: Page) => page.getByTestId('save-state').getAttribute('data-save-seq')

describe('a restart in the middle of labelling', () => {
  it('both tabs label before the restart', async () => {
    await ready(owner)
    await owner.keyboard.press('1')
    await expect.poll(() => saveSeq(owner), { timeout: 20_000 }).toBe('1')
    await ready(annotator)
    await annotator.keyboard.press('2')
    await expect.poll(() => saveSeq(annotator), { timeout: 20_000 }).toBe('1')
  })

  it('comes back on the same port, and the decision made while it was down is stored exactly once', async () => {
    await ready(owner)
    const pairId = Number(await owner.getByTestId('compare').getAttribute('data-pair-id'))
    await server.kill('SIGKILL')
    const before = sentKeys.length
    await owner.keyboard.press('2')
    await owner.getByTestId('resending').waitFor({ timeout: 10_000 })
    if (process.env.RESTART_SCREENSHOT) await owner.screenshot({ path: process.env.RESTART_SCREENSHOT.replace(/\.png$/, '-down.png'), fullPage: true })
    // Down longer than the first few resends: the tab must not give up.
    await owner.waitForTimeout(4_000)
    server = await startServe(workspace, { port: 'remembered' })
    expect(server.origin).toBe(firstOrigin)
    await expect.poll(() => saveSeq(owner), { timeout: 30_000 }).toBe('2')
    expect(sentKeys.length - before).toBeGreaterThanOrEqual(2)
    expect(new Set(sentKeys.slice(before)).size).toBe(1)
    const forPair = judgements().filter((r) => r.pairId === pairId)
    expect(forPair).toHaveLength(1)
    expect(forPair[0]).toMatchObject({ n: 1, keys: 1 })
    expect(await owner.getByTestId('label-progress').textContent()).toMatch(/2\s*of\s*6/)
    if (process.env.RESTART_SCREENSHOT) await owner.screenshot({ path: process.env.RESTART_SCREENSHOT, fullPage: true })
  })

  it("keeps the invited annotator's session although the invite link is spent", async () => {
    await ready(annotator)
    await annotator.keyboard.press('1')
    await expect.poll(() => saveSeq(annotator), { timeout: 20_000 }).toBe('2')
    await annotator.reload()
    await ready(annotator)
    expect(await annotator.getByTestId('label-progress').textContent()).toMatch(/2\s*of\s*6/)
    const rows = judgements()
    expect(rows.every((r) => r.n === 1 && r.keys === 1)).toBe(true)
    // Two decisions each, the owner's and Dana's, on four different pairs.
    const perAnnotator = new Map<number, number>()
    for (const r of rows) perAnnotator.set(r.annotatorId, (perAnnotator.get(r.annotatorId) ?? 0) + 1)
    expect([...perAnnotator.values()]).toEqual([2, 2])
    expect(pageErrors).toEqual([])
  })

  it('shows a person whose link no longer works a readable page, not a bare-text 401', async () => {
    const stranger = await (await browser.newContext({ viewport: { width: 1000, height: 700 } })).newPage()
    const spent = await stranger.goto(`${server.origin}${invitePath}`)
    expect(spent?.status()).toBe(401)
    await stranger.getByRole('heading', { level: 1, name: 'This invite link does not work' }).waitFor()
    expect(await stranger.locator('main').textContent()).toMatch(/already been used/)
    if (process.env.RESTART_SCREENSHOT) await stranger.screenshot({ path: process.env.RESTART_SCREENSHOT.replace(/\.png$/, '-invite.png') })
    const signedOut = await stranger.goto(`${server.origin}/`)
    expect(signedOut?.status()).toBe(401)
    await stranger.getByRole('heading', { level: 1, name: 'You are not signed in' }).waitFor()
  })

  it('says in words that the remembered port is taken', async () => {
    const port = Number(new URL(firstOrigin).port)
    await server.kill('SIGTERM')
    const squatter: Server = createServer()
    await new Promise<void>((done) => squatter.listen(port, '127.0.0.1', done))
    try {
      const err = await startServe(workspace, { port: 'remembered', timeoutMs: 15_000 }).then(
        () => null,
        (e: unknown) => String(e)
      )
      expect(err).toMatch(new RegExp(`Port ${port} is already in use`))
      expect(err).toMatch(/--port/)
    } finally {
      await new Promise<void>((done) => squatter.close(() => done()))
    }
  })
})
