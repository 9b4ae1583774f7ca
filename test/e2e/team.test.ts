// Team annotation through serve mode, end to end: the owner creates three annotators and one-time
// invite links on the Team screen and routes every pair to k = 3 of them; three browser contexts
// redeem the links and label the same project at the same time. Overlap is honoured (each pair by
// each annotator exactly once), agreement is computed and shown to the owner, and annotator sessions
// reach neither owner screens nor owner methods.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { Browser, BrowserContext, Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from './browser'
import { writeFixtureFolder } from './fixture-folder'
import { startServe, type ServeProcess } from './serve-process'
import { projectWithImages, serveApi, type ServeApi } from '../renderer/serve-api'

const NAMES = ['Ada', 'Ben', 'Cleo'] as const
const PAIRS = 6 // 4 sets of one prompt

let root: string
let workspace: string
let browser: Browser
let server: ServeProcess
let api: ServeApi
let owner: Page
let projectId = 0
const invites = new Map<string, string>()
const contexts: BrowserContext[] = []
const annotatorPages = new Map<string, Page>()
const pageErrors: string[] = []

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'popalign-team-'))
  workspace = join(root, 'workspace')
  const fixture = await writeFixtureFolder(join(root, 'import-me'), { 'a photo of a doctor': 12 })
  server = await startServe(workspace)
  api = serveApi(server.origin, server.token)
  projectId = await projectWithImages(api, 'Team study', fixture.dir)
  const [prompt] = await api.call('prompts.list', { projectId })
  await api.call('sets.createRandom', { projectId, promptId: prompt.id, k: 5, count: 4, seed: 11 })
  expect((await api.call('pairs.createAll', { projectId })).created).toBe(PAIRS)
  browser = await launchBrowser()
  const ownerContext = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  contexts.push(ownerContext)
  owner = await ownerContext.newPage()
  owner.on('pageerror', (e) => pageErrors.push(`owner: ${e.message}`))
})

afterAll(async () => {
  await browser?.close()
  await server?.kill()
  if (root) rmSync(root, { recursive: true, force: true })
})

/** Labels every routed pair on one annotator's page by keyboard, alternating keys per annotator. */
async function labelAll(page: Page, keys: readonly string[]): Promise<void> {
  await page.goto(`${server.origin}/#/p/${projectId}/label`)
  for (let i = 0; i < PAIRS; i++) {
    await expect.poll(() => page.getByRole('button', { name: /Left is fairer/ }).isEnabled(), { timeout: 15_000 }).toBe(true)
    await page.keyboard.press(keys[i % keys.length])
    await expect.poll(() => page.getByTestId('save-state').getAttribute('data-save-seq'), { timeout: 15_000 }).toBe(String(i + 1))
  }
  await page.getByTestId('label-finished').waitFor()
}

describe('team annotation through serve mode', () => {
  it('the owner creates annotators and one-time invite links, and revokes one', async () => {
    await owner.goto(server.link)
    await owner.goto(`${server.origin}/#/p/${projectId}/team`)
    for (const name of [...NAMES, 'Dee']) {
      await owner.getByLabel('Name', { exact: true }).fill(name)
      await owner.getByRole('button', { name: 'Add annotator' }).click()
      await owner.locator(`[data-member="${name}"]`).waitFor()
    }
    for (const name of [...NAMES, 'Dee']) {
      await owner.getByRole('button', { name: `Invite link for ${name}` }).click()
      await expect.poll(() => owner.getByTestId('invite-link').textContent()).toContain(name)
      const url = await owner.getByTestId('invite-url').inputValue()
      expect(url.startsWith(`${server.origin}/invite/`)).toBe(true)
      invites.set(name, url)
      await owner.getByRole('button', { name: 'Done' }).click()
    }
    expect(new Set(invites.values()).size).toBe(4)
    // Every invite is listed as open; codes are never listed.
    const inviteRows = owner.getByTestId('invites').locator('tbody tr')
    await expect.poll(() => inviteRows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-status')))).toEqual(['open', 'open', 'open', 'open'])

    // A second link for Cleo, revoked on its own from the invites list: that link dies, Cleo and her first link stay.
    await owner.getByRole('button', { name: 'Invite link for Cleo' }).click()
    await expect.poll(() => owner.getByTestId('invite-link').textContent()).toContain('Cleo')
    const spare = await owner.getByTestId('invite-url').inputValue()
    expect(spare).not.toBe(invites.get('Cleo'))
    await owner.getByRole('button', { name: 'Done' }).click()
    const spareRow = owner.getByTestId('invites').locator('tbody tr').first()
    await expect.poll(() => spareRow.textContent()).toContain('Cleo')
    const spareId = await spareRow.getAttribute('data-invite')
    owner.once('dialog', (d) => void d.accept())
    await spareRow.getByRole('button', { name: /^Revoke the invite for Cleo made / }).click()
    await expect.poll(() => owner.locator(`[data-invite="${spareId}"]`).getAttribute('data-status')).toBe('revoked')
    await expect.poll(() => owner.getByTestId('announcer').textContent()).toMatch(/^The invite for Cleo made .+ is revoked\.$/)
    expect((await fetch(spare, { redirect: 'manual' })).status).toBe(401)
    expect(await owner.locator('[data-member="Cleo"] td').nth(1).textContent()).toBe('active')

    // Revoking Dee ends her open invite.
    owner.once('dialog', (d) => void d.accept())
    await owner.getByRole('button', { name: 'Revoke Dee' }).click()
    await expect.poll(() => owner.locator('[data-member="Dee"] td').nth(1).textContent()).toBe('revoked')
    const refused = await fetch(invites.get('Dee')!, { redirect: 'manual' })
    expect(refused.status).toBe(401)
    const listed = await api.call('team.listInvites', {})
    expect(
      listed
        .filter((i) => i.status === 'revoked')
        .map((i) => i.annotator.name)
        .sort()
    ).toEqual(['Cleo', 'Dee'])
    await expect.poll(() => owner.getByTestId('invites').locator('tr[data-status=revoked]').count()).toBe(2)
  })

  it('routes every pair to k = 3 annotators', async () => {
    await expect.poll(() => owner.getByLabel('Annotators per pair (k)').inputValue()).toBe('3')
    await owner.getByRole('button', { name: 'Route pairs' }).click()
    await expect.poll(() => owner.getByTestId('routing-result').textContent()).toContain(`${PAIRS * 3} new assignments over ${PAIRS} pairs`)
  })

  it('three browser contexts redeem their invites and label the same project at once', async () => {
    const keysOf: Record<string, string[]> = { Ada: ['1', '2'], Ben: ['1', '1', '='], Cleo: ['ArrowRight', '1'] }
    await Promise.all(
      NAMES.map(async (name) => {
        const context = await browser.newContext({ viewport: { width: 1200, height: 850 } })
        contexts.push(context)
        const page = await context.newPage()
        page.on('pageerror', (e) => pageErrors.push(`${name}: ${e.message}`))
        annotatorPages.set(name, page)
        await page.goto(invites.get(name)!)
        expect(new URL(page.url()).pathname).toBe('/') // the code left the address bar
        await expect.poll(() => page.locator('.sidebar-foot').textContent()).toContain(name)
        await labelAll(page, keysOf[name])
      })
    )
    // An invite works once: opening Ada's link again is refused.
    const again = await fetch(invites.get('Ada')!, { redirect: 'manual' })
    expect(again.status).toBe(401)
  })

  it('honours the overlap: each pair labelled by each of the three exactly once', async () => {
    const db = new Database(join(workspace, 'workspace.db'), { readonly: true, fileMustExist: true })
    try {
      const rows = db
        .prepare(
          `SELECT j.pair_id AS pairId, a.name AS name, COUNT(*) AS n FROM judgements j JOIN annotators a ON a.id = j.annotator_id
           WHERE j.undone_at IS NULL GROUP BY j.pair_id, a.name ORDER BY j.pair_id, a.name`
        )
        .all() as Array<{ pairId: number; name: string; n: number }>
      expect(rows.every((r) => r.n === 1)).toBe(true)
      const byPair = new Map<number, string[]>()
      for (const r of rows) byPair.set(r.pairId, [...(byPair.get(r.pairId) ?? []), r.name])
      expect(byPair.size).toBe(PAIRS)
      for (const names of byPair.values()) expect(names).toEqual([...NAMES])
    } finally {
      db.close()
    }
    for (const row of await api.call('team.progress', { projectId })) {
      if ((NAMES as readonly string[]).includes(row.annotator.name)) expect(row).toMatchObject({ assigned: PAIRS, done: PAIRS })
    }
  })

  it('annotator sessions reach neither owner screens nor owner methods', async () => {
    const page = annotatorPages.get('Ben')!
    await page.goto(`${server.origin}/#/p/${projectId}/team`)
    await expect.poll(() => page.locator('h1').textContent()).toBe('Projects')
    expect(await page.getByTestId('members').count()).toBe(0)
    await page.goto(`${server.origin}/#/p/${projectId}/label`)
    expect(await page.locator('nav').getByRole('link', { name: 'Team' }).count()).toBe(0)
    const statuses = await page.evaluate(async (projectId) => {
      const session = (await (await fetch('/api/session')).json()) as { csrfToken: string; scope: string }
      const post = (method: string, body: unknown) =>
        fetch(`/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken }, body: JSON.stringify(body) }).then((r) => r.status)
      return {
        scope: session.scope,
        agreement: await post('team.agreement', { projectId }),
        invite: await post('team.invite', { annotatorId: 2 }),
        listAnnotators: await post('team.listAnnotators', {}),
        mcmcStart: await post('mcmc.start', { projectId, promptId: 1 }),
        progress: await post('label.progress', { projectId })
      }
    }, projectId)
    expect(statuses).toEqual({ scope: 'annotate', agreement: 403, invite: 403, listAnnotators: 403, mcmcStart: 403, progress: 200 })
  })

  it('an annotator changes a recent decision from the labelling screen; the owner sees the edit', async () => {
    const page = annotatorPages.get('Cleo')!
    await page.keyboard.press('h')
    const row = page.getByTestId('recent-row').first()
    await row.waitFor()
    expect(await page.getByTestId('recent-row').count()).toBe(PAIRS)
    const current = await row.locator('button[aria-pressed=true]').textContent()
    const to = current === 'Tie' ? "Can't judge" : 'Tie'
    await row.getByRole('button', { name: to, exact: true }).click()
    await expect.poll(() => page.getByTestId('announcer').textContent()).toContain('Saved')
    await expect.poll(() => row.locator('button[aria-pressed=true]').textContent()).toBe(to)
    await page.keyboard.press('Escape')
    await expect.poll(() => page.getByTestId('recent-decisions').count()).toBe(0)
  })

  it('shows the owner the agreement computed from the three annotators', async () => {
    await owner.getByRole('button', { name: 'Refresh' }).click()
    const expected = await api.call('team.agreement', { projectId })
    expect(expected.answers).toBeGreaterThanOrEqual(PAIRS * 2)
    await expect.poll(() => owner.getByTestId('agreement-units').textContent()).toBe(String(expected.units))
    expect(await owner.getByTestId('percent-agreement').textContent()).toBe(`${(100 * expected.percentAgreement!).toFixed(1)}%`)
    expect(await owner.getByTestId('alpha').textContent()).toBe(expected.alpha === null ? '—' : expected.alpha.toFixed(3))
    if (expected.alphaCi) expect(await owner.getByTestId('alpha-ci').textContent()).toBe(`${expected.alphaCi.low.toFixed(3)} to ${expected.alphaCi.high.toFixed(3)}`)
    for (const name of NAMES) expect(await owner.locator(`[data-testid=team-progress] [data-annotator="${name}"] [data-testid=done]`).textContent()).toBe(String(PAIRS))
    expect(await owner.getByTestId('edit-trail').locator('tbody tr').count()).toBe(1)
    expect(await owner.getByTestId('bias').locator('tbody tr').count()).toBe(3)
    // Nobody ran the classifier on pairs here: the classifier-vs-majority panel says so with its count.
    const vsClassifier = await api.call('team.classifierAgreement', { projectId })
    await expect.poll(() => owner.getByTestId('classifier-pairs').textContent()).toBe(`${vsClassifier.agreed} of ${vsClassifier.pairs}`)

    // The adjudication queue is ordered by disagreement, and resolving a pair takes it off the queue.
    const queue = await api.call('team.adjudicationQueue', { projectId })
    const rows = owner.getByTestId('adjudication').locator('tbody tr')
    expect(await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-pair-id'))))).toEqual(queue.map((q) => q.pairId))
    const disagreements = queue.map((q) => q.disagreement)
    expect(disagreements).toEqual([...disagreements].sort((a, b) => b - a))
    await rows.first().getByRole('button', { name: 'Tie' }).click()
    await expect.poll(() => rows.count()).toBe(queue.length - 1)
    expect(await owner.getByTestId('announcer').textContent()).toMatch(/^Resolved “.+” \(Set \d+ or Set \d+\): Tie\.$/)
    // Side by side, with who chose which set: the sets' images load and the annotators are named.
    const second = rows.first()
    await expect.poll(() => second.locator('img').count()).toBeGreaterThan(0)
    expect(await second.textContent()).toMatch(/chose it: (nobody|[A-Za-z, ]+)/)
    expect(pageErrors).toEqual([])
  })
})
