// Time from asking for a pair (label.next) to both sets' thumbnails painted, measured in the bundled
// Chromium against the real serve mode with a few hundred imported images. Prints one table row.
// Run: npx electron-vite build && npx tsx bench/paint.bench.ts [--pairs 40]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readFlags } from '../src-main/core/cli-flags'
import { launchBrowser } from '../test/e2e/browser'
import { writeFixtureFolder } from '../test/e2e/fixture-folder'
import { startServe, type ServeProcess } from '../test/e2e/serve-process'

const PROMPTS = { 'a photo of a doctor': 100, 'a photo of a nurse': 100, 'a photo of a pilot': 100 }
const SETS_PER_PROMPT = 8 // 28 pairs per prompt

async function api<T>(server: ServeProcess, method: string, input: unknown): Promise<T> {
  const res = await fetch(`${server.origin}/api/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(input)
  })
  const body = (await res.json()) as { ok: boolean; value?: T; error?: { message: string } }
  if (!body.ok) throw new Error(`${method}: ${body.error?.message}`)
  return body.value as T
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

const USAGE = 'usage: npx tsx bench/paint.bench.ts [--pairs N]   (pairs asked for and timed; default 40)'

async function main(): Promise<void> {
  const flags = readFlags(process.argv.slice(2), { values: ['pairs'] })
  if (flags.help) return console.log(USAGE)
  const wanted = Number(flags.values.pairs ?? 40)
  if (!Number.isInteger(wanted) || wanted < 1) throw new Error(`--pairs must be a whole number of at least 1, got ${flags.values.pairs}`)
  const root = mkdtempSync(join(tmpdir(), 'popalign-paint-bench-'))
  let server: ServeProcess | null = null
  const browser = await launchBrowser()
  try {
    const folder = await writeFixtureFolder(join(root, 'images'), PROMPTS)
    server = await startServe(join(root, 'workspace'))
    const project = await api<{ id: number }>(server, 'projects.create', { name: 'paint bench' })
    const job = await api<{ id: number }>(server, 'import.start', { projectId: project.id, folder: folder.dir })
    for (;;) {
      const state = await api<{ state: string; error: string | null }>(server, 'jobs.get', { jobId: job.id })
      if (state.state === 'done') break
      if (state.state === 'failed' || state.state === 'cancelled') throw new Error(`import ${state.state}: ${state.error}`)
      await new Promise((r) => setTimeout(r, 200))
    }
    const prompts = await api<Array<{ id: number; imageCount: number }>>(server, 'prompts.list', { projectId: project.id })
    for (const p of prompts) await api(server, 'sets.createRandom', { projectId: project.id, promptId: p.id, k: 5, count: SETS_PER_PROMPT, seed: p.id })
    const { created } = await api<{ created: number }>(server, 'pairs.createAll', { projectId: project.id })
    const images = prompts.reduce((n, p) => n + p.imageCount, 0)

    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } })
    await page.goto(server.link)
    await page.goto(`${server.origin}/#/p/${project.id}/label`)
    const painted = () => page.evaluate(() => performance.getEntriesByName('label:pair-painted').length)
    const samples: number[] = []
    const count = Math.min(wanted, created - 1)
    for (let i = 0; i < count; i++) {
      await page.waitForFunction((n) => performance.getEntriesByName('label:pair-painted').length > n, i, { timeout: 30_000 })
      if (i > 0) {
        // Skip the first pair: it includes page start-up, not the steady labelling loop.
        samples.push(
          await page.evaluate(() => {
            const paint = performance.getEntriesByName('label:pair-painted').at(-1)!
            const asked = performance
              .getEntriesByName('label:pair-requested')
              .filter((m) => m.startTime <= paint.startTime)
              .at(-1)!
            return paint.startTime - asked.startTime
          })
        )
      }
      if ((await painted()) !== i + 1) throw new Error('a pair was painted twice or not at all')
      await page.keyboard.press(i % 2 === 0 ? 'ArrowLeft' : 'ArrowRight')
    }
    samples.sort((a, b) => a - b)
    const median = percentile(samples, 50)
    console.log('| metric | images | pairs timed | median ms | p95 ms | max ms |')
    console.log('|---|---|---|---|---|---|')
    console.log(
      `| pair requested -> both sets' thumbnails painted (serve mode, Chromium) | ${images} | ${samples.length} | ${median.toFixed(1)} | ${percentile(samples, 95).toFixed(1)} | ${samples[samples.length - 1].toFixed(1)} |`
    )
  } finally {
    await browser.close()
    await server?.kill('SIGTERM')
    rmSync(root, { recursive: true, force: true })
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err))
  process.exit(1)
})
