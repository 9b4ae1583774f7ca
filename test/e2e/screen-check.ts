// What every screen of a journey must pass where a person reads it (issue 10): every image loaded
// (naturalWidth > 0), no error shown that the step did not cause, and no raw database id, contract
// method name or ISO timestamp in the visible text. Each check also saves a screenshot as a test
// artefact (test-results/, gitignored), so a person can look at the screens.
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Page } from 'playwright'
import { expect } from 'vitest'
import { methodNames } from '@shared/contract'

export const ARTEFACTS = resolve(__dirname, '../../test-results')

/** Things a person should never have to read. Per-project numbers ("Set 3", "Run 2") are fine. */
export function rawBits(text: string): string[] {
  const found: string[] = []
  const patterns: RegExp[] = [
    /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z?\b/g, // ISO timestamps
    /\brun:\d+(@\d+)?(-ema)?\b/g, // model ids
    /#\d+\b/g, // "#17"-style database ids
    /\b(person|annotator|job|pair|image) \d+\b/gi // "person 1", "job 12"
  ]
  for (const p of patterns) for (const m of text.matchAll(p)) found.push(m[0])
  for (const name of methodNames) if (text.includes(name)) found.push(name)
  return found
}

export async function checkScreen(page: Page, dir: string, name: string, opts: { allowAlerts?: RegExp } = {}): Promise<void> {
  // Lazy images below the fold are made eager so each one is really checked.
  await page.evaluate(() => document.querySelectorAll('img').forEach((img) => (img.loading = 'eager')))
  await expect
    .poll(() => page.evaluate(() => Array.from(document.querySelectorAll('img')).filter((img) => !img.complete).length), { timeout: 20_000, message: `${name}: images still loading` })
    .toBe(0)
  const brokenNow = (): Promise<string[]> =>
    page.evaluate(() =>
      Array.from(document.querySelectorAll('img'))
        .filter((img) => img.naturalWidth === 0)
        .map((img) => img.getAttribute('src') ?? '')
    )
  let broken = await brokenNow()
  if (broken.length > 0) {
    // Seen about once in three whole-suite runs on a loaded 2-core machine, never alone: a few
    // thumbnails come back broken although the server serves them. Ask the server again and load them
    // once more; a thumbnail the server does not serve (the bug this check exists for) still fails,
    // with the server's answers in the message. The line below keeps each occurrence visible.
    const answers = await page.evaluate((srcs) => Promise.all(srcs.map(async (src) => (await fetch(src, { cache: 'no-store' })).status)), broken)
    console.warn(`${name}: ${broken.length} image(s) came back broken; the server now answers ${answers.join(', ')}; loading them again`)
    await page.evaluate(() => {
      for (const img of Array.from(document.querySelectorAll('img'))) {
        if (img.naturalWidth > 0) continue
        const src = img.src
        img.src = ''
        img.src = src
      }
    })
    await expect.poll(() => page.evaluate(() => Array.from(document.querySelectorAll('img')).filter((img) => !img.complete).length), { timeout: 20_000 }).toBe(0)
    broken = await brokenNow()
    expect(broken, `${name}: images that did not load (the server answered ${answers.join(', ')})`).toEqual([])
  }
  const alerts = (await page.locator('[role=alert]:visible').allTextContents()).map((t) => t.trim()).filter((t) => t && !(opts.allowAlerts && opts.allowAlerts.test(t)))
  expect(alerts, `${name}: errors shown`).toEqual([])
  const text = await page.evaluate(() => document.body.innerText)
  expect(rawBits(text), `${name}: raw ids, method names or timestamps on screen`).toEqual([])
  mkdirSync(join(ARTEFACTS, dir), { recursive: true })
  // From the top: a full-page capture of a scrolled page draws the sticky sidebar wherever the scroll left it.
  await page.evaluate(() => window.scrollTo(0, 0))
  await page.screenshot({ path: join(ARTEFACTS, dir, `${name}.png`), fullPage: true })
}
