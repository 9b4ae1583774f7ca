// `npm run bench`: the foundation figures asked for in issue 2, printed as one table.
//   - import throughput: 2,000 small PNGs with PopAlignSDXL sidecars, through the real import job
//     (manifest, read, sha256, header check, full decode + thumbnail, ledger and image rows) into a
//     temporary workspace; plus a smaller SDXL-sized JPEG run, closer to real generator output;
//   - pair paint time: bench/paint.bench.ts (the renderer's bench), run as a child if present.
// Not part of the tests. Tunables: BENCH_IMPORT_COUNT, BENCH_IMPORT_CONCURRENCY, BENCH_SDXL_COUNT.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

const REPO = path.resolve(__dirname, '..')
const TSCONFIG = path.join(REPO, 'src-main', 'tsconfig.json')

interface Row {
  bench: string
  value: string
  unit: string
  notes: string
}

// The app's modules import `@shared/...`, which tsx resolves only with src-main's tsconfig. The
// npm script starts us with the root one, so re-run under the right one (and keep imports of app
// code dynamic, below, so nothing resolves before that).
if (process.env.TSX_TSCONFIG_PATH !== TSCONFIG) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', __filename, ...process.argv.slice(2)], {
    cwd: REPO,
    stdio: 'inherit',
    env: { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG }
  })
  process.exit(run.status ?? 1)
}

async function makeFolder(dir: string, count: number, make: (i: number) => Promise<{ ext: string; bytes: Buffer }>): Promise<void> {
  mkdirSync(dir, { recursive: true })
  for (let i = 0; i < count; i++) {
    const { ext, bytes } = await make(i)
    const stem = `img_00000000-0000-5000-8000-${String(i % 20).padStart(12, '0')}_seed_${i}_${i % 50}`
    writeFileSync(path.join(dir, `${stem}.${ext}`), bytes)
    writeFileSync(path.join(dir, `${stem}.json`), JSON.stringify({ file_path: `outputs/${stem}.${ext}`, prompt: `a photo of a person, prompt ${i % 20}` }))
  }
}

/** Noise-like pixels so files are realistic to compress and every image has its own hash. */
function pixels(width: number, height: number, seed: number): Buffer {
  const buf = Buffer.alloc(width * height * 3)
  let s = (seed * 2654435761) >>> 0 || 1
  for (let i = 0; i < buf.length; i++) {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    s >>>= 0
    // Mostly smooth gradient with a little noise, like a photo rather than static.
    const x = (i / 3) % width
    buf[i] = (((x * 255) / width + (s & 31) + seed * 17) | 0) & 255
  }
  return buf
}

async function importBench(label: string, count: number, make: (i: number) => Promise<{ ext: string; bytes: Buffer }>): Promise<Row> {
  const [{ openWorkspace }, { projectsRepo }, { createJobRunner }, { createImportService }] = await Promise.all([
    import('../src-main/core/store/open'),
    import('../src-main/core/store/repos/projects'),
    import('../src-main/core/jobs/runner'),
    import('../src-main/core/features/import/import-service')
  ])
  const tmp = mkdtempSync(path.join(tmpdir(), 'popalign-bench-'))
  try {
    const folder = path.join(tmp, 'images')
    const workspaceDir = path.join(tmp, 'workspace')
    mkdirSync(workspaceDir)
    process.stderr.write(`generating ${count} images for "${label}"...\n`)
    await makeFolder(folder, count, make)

    const ws = openWorkspace(path.join(workspaceDir, 'workspace.sqlite'))
    const runner = createJobRunner({ db: ws.db })
    const concurrency = Number(process.env.BENCH_IMPORT_CONCURRENCY ?? 4)
    const imports = createImportService({ ws, runner, workspaceDir, concurrency })
    const projectId = projectsRepo(ws.db).create('bench').id

    const t0 = performance.now()
    const job = imports.start(projectId, folder)
    await runner.idle()
    const seconds = (performance.now() - t0) / 1000
    const final = runner.get(job.id)
    const report = imports.report(job.id)
    ws.close()
    if (final.state !== 'done' || report.imported !== count) {
      throw new Error(`import bench "${label}" did not import everything: ${final.state}, ${JSON.stringify({ ...report, failures: report.failures.slice(0, 3) })}`)
    }
    return {
      bench: `import throughput: ${label}`,
      value: (count / seconds).toFixed(0),
      unit: 'images/s',
      notes: `${count} images in ${seconds.toFixed(2)} s, concurrency ${concurrency}`
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}

/**
 * Runs the renderer's paint bench (bench/paint.bench.ts) if present and returns the table it
 * printed (its own columns), or a row of ours saying why there is none.
 */
function paintBench(): { table: string[] } | { row: Row } {
  const file = path.join(REPO, 'bench', 'paint.bench.ts')
  if (!existsSync(file)) return { row: { bench: 'pair paint time', value: 'n/a', unit: '', notes: 'bench/paint.bench.ts not present' } }
  // It drives the built renderer in Chromium against serve mode, so it needs a build.
  if (!existsSync(path.join(REPO, 'out', 'renderer', 'index.html'))) {
    process.stderr.write('building the app for the paint bench (electron-vite build)...\n')
    const build = spawnSync('npx', ['electron-vite', 'build'], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] })
    if (build.status !== 0) return { row: { bench: 'pair paint time', value: 'failed', unit: '', notes: 'electron-vite build failed' } }
  }
  process.stderr.write('running bench/paint.bench.ts...\n')
  const run = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: REPO, env: process.env, encoding: 'utf8', timeout: 300_000 })
  const table = (run.stdout ?? '').split('\n').filter((l) => l.startsWith('|'))
  if (run.status !== 0 || table.length === 0) {
    const last = `${run.stderr ?? ''}\n${run.stdout ?? ''}`.trim().split('\n').at(-1) ?? ''
    return { row: { bench: 'pair paint time', value: 'failed', unit: '', notes: last.slice(0, 160) } }
  }
  return { table }
}

async function main(): Promise<void> {
  const sharp = (await import('sharp')).default
  const count = Number(process.env.BENCH_IMPORT_COUNT ?? 2000)
  const sdxlCount = Number(process.env.BENCH_SDXL_COUNT ?? 100)
  const rows: Row[] = []

  rows.push(
    await importBench(`${count} x 64x64 PNG + sidecar JSON`, count, async (i) => ({
      ext: 'png',
      bytes: await sharp(pixels(64, 64, i), { raw: { width: 64, height: 64, channels: 3 } })
        .png()
        .toBuffer()
    }))
  )
  if (sdxlCount > 0) {
    rows.push(
      await importBench(`${sdxlCount} x 1024x1024 JPEG (SDXL size)`, sdxlCount, async (i) => ({
        ext: 'jpg',
        bytes: await sharp(pixels(1024, 1024, i), { raw: { width: 1024, height: 1024, channels: 3 } })
          .jpeg({ quality: 90 })
          .toBuffer()
      }))
    )
  }
  const paint = paintBench()
  if ('row' in paint) rows.push(paint.row)

  console.log('| bench | value | unit | notes |')
  console.log('|---|---:|---|---|')
  for (const r of rows) console.log(`| ${r.bench} | ${r.value} | ${r.unit} | ${r.notes} |`)
  if ('table' in paint) {
    console.log('')
    for (const line of paint.table) console.log(line)
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err)
  process.exit(1)
})
