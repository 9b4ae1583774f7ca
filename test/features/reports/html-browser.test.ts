// Opens the exported HTML in real Chromium with every network request blocked and checks that the SVG
// charts and embedded thumbnails render, and that no hostile report string turns into markup or script.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import sharp from 'sharp'
import type { Browser } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderReportHtml } from '../../../src-main/core/features/reports/writers/export-html'
import { buildReport } from '../../../src-main/core/features/reports/figures/report'
import { thumbnailsOf } from '../../../src-main/core/features/reports/writers/write-report-files'
import { launchBrowser } from '../../e2e/browser'
import { handInput } from './fixtures'

async function png(r: number, g: number, b: number): Promise<Uint8Array> {
  return new Uint8Array(
    await sharp({ create: { width: 16, height: 16, channels: 3, background: { r, g, b } } })
      .png()
      .toBuffer()
  )
}

describe('exported HTML in Chromium, offline', () => {
  let browser: Browser
  const dir = mkdtempSync(join(tmpdir(), 'audit-html-'))

  beforeAll(async () => {
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('renders charts and thumbnails with the network blocked, and runs nothing', async () => {
    const input = handInput()
    input.title = 'Audit <img src="https://example.invalid/x.png"><script>alert(1)</script>'
    const colours: [number, number, number][] = [
      [230, 159, 0],
      [86, 180, 233],
      [0, 158, 115]
    ]
    input.records = await Promise.all(input.records.map(async (r, i) => ({ ...r, thumbnail: await png(...colours[i % 3]), features: Float32Array.of(Math.sin(i), Math.cos(2 * i)) })))
    const reference = Array.from({ length: 20 }, (_, i) => Float32Array.of(Math.cos(i), Math.sin(3 * i)))
    const report = buildReport({ ...input, reference: { label: 'fair renders', features: reference }, bootstrap: { resamples: 100, frechetResamples: 20 } })
    const file = join(dir, 'report.html')
    writeFileSync(file, renderReportHtml(report, { thumbnails: thumbnailsOf(input.records), exemplarsPerPrompt: 3 }))

    const context = await browser.newContext({ offline: true })
    const page = await context.newPage()
    const blocked: string[] = []
    const consoleErrors: string[] = []
    const dialogs: string[] = []
    await page.route('**/*', (route) => {
      const url = route.request().url()
      if (url.startsWith('data:') || url.startsWith('file:')) return route.continue()
      blocked.push(url)
      return route.abort()
    })
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text())
    })
    page.on('dialog', (d) => {
      dialogs.push(d.message())
      void d.dismiss()
    })
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' })

    const state = await page.evaluate(() => {
      const svgs = Array.from(document.querySelectorAll('svg'))
      const imgs = Array.from(document.querySelectorAll('img'))
      return {
        title: document.title,
        h1: document.querySelector('h1')?.textContent ?? '',
        scripts: document.querySelectorAll('script').length,
        svgCount: svgs.length,
        svgBoxes: svgs.map((s) => {
          const box = s.getBoundingClientRect()
          const bars = Array.from(s.querySelectorAll('rect, circle')).filter((r) => r.getBoundingClientRect().width > 0).length
          return { w: box.width, h: box.height, bars }
        }),
        whiskers: document.querySelectorAll('svg .whisker line').length,
        sheetRows: Array.from(document.querySelectorAll('table.sheet tr')).map((tr) => tr.querySelectorAll('img').length),
        imgs: imgs.map((i) => ({ complete: i.complete, w: i.naturalWidth, h: i.naturalHeight, src: i.src.slice(0, 22) })),
        shownWidths: imgs.map((i) => i.getBoundingClientRect().width)
      }
    })
    await context.close()

    expect(blocked).toEqual([])
    expect(dialogs).toEqual([])
    expect(consoleErrors).toEqual([])
    expect(state.scripts).toBe(0)
    expect(state.title).toBe(input.title)
    expect(state.h1).toBe(input.title)
    // Per axis: pooled CI chart, pooled share chart, frontier, per-prompt CI chart, one share chart per prompt (3).
    expect(state.svgCount).toBe(2 * 7)
    for (const box of state.svgBoxes) {
      expect(box.w).toBeGreaterThan(100)
      expect(box.h).toBeGreaterThan(30)
      expect(box.bars).toBeGreaterThan(0)
    }
    expect(state.whiskers).toBeGreaterThan(0)
    // 3 prompts x 3 exemplars x 2 axes, plus the contact sheet (per prompt, a row per model of the
    // images with thumbnails); each a decoded 16x16 PNG from a data: URI.
    expect(state.sheetRows.length).toBe(3)
    expect(state.sheetRows.every((n) => n > 0)).toBe(true)
    expect(state.imgs).toHaveLength(18 + state.sheetRows.reduce((a, b) => a + b, 0))
    for (const img of state.imgs) expect(img).toEqual({ complete: true, w: 16, h: 16, src: 'data:image/png;base64,' })
    for (const w of state.shownWidths) expect(w).toBeGreaterThan(0)
  })
})
