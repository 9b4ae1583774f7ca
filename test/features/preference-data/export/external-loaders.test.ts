// The trainer exports read the way the external trainers read them (issue 13, item 4): PopAlignSDXL's
// main.py reads the CSV (jpg_0/jpg_1 paths it opens from its own working directory, caption, label
// asserted 0) and Diffusion-DPO's train.py reads the Pick-a-Pic parquet (jpg_0/jpg_1 image bytes,
// label_0 with the 0.5 ties dropped and label_0 == 0 flipped, caption). external_loaders.py follows
// those loaders' steps in the managed trainer environment's Python (Pillow, pyarrow); this test checks
// that every row opens and that the pairs they would train on are exactly the judged ones.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createExportService, type ExportService } from '../../../../src-main/core/features/preference-data/export/export-service'
import { createJobRunner, type JobRunner } from '../../../../src-main/core/jobs/runner'
import { envPython } from '../../../../src-main/core/python-env'
import { createSnapshot } from '../../../../src-main/core/features/preference-data/snapshots/service'
import { requireTestEnv, SKIP_PYTHON } from '../../../helpers/python-env'
import { judgedProject, NEUTRAL_TEXT, type JudgedProject } from '../snapshots/fixture'
import { testConfig } from '../../../helpers/config'

interface LoaderRow {
  winner: string
  loser: string
  caption: string
}
interface LoaderView {
  csv: { columns: string[]; rows: LoaderRow[]; problems: string[] }
  parquet: { columns: string[]; types: Record<string, string>; rows: LoaderRow[]; dropped: number; problems: string[] }
}

describe.skipIf(SKIP_PYTHON)('exports as the external trainers read them', () => {
  let f: JudgedProject
  let runner: JobRunner
  let exports: ExportService
  let out: string
  beforeEach(async () => {
    f = judgedProject()
    runner = createJobRunner({ db: f.ws.db, throttleMs: 0 })
    exports = createExportService({ ws: f.ws, runner, exportRoots: testConfig().exportRoots })
    out = join(f.dir, 'out')
    mkdirSync(out)
    // The fixture's images are placeholder bytes; the trainers decode them, so each becomes a real,
    // distinct PNG (and the workspace learns its new hash and size).
    const images = f.ws.db.prepare('SELECT id, file_path FROM images').all() as { id: number; file_path: string }[]
    for (const { id, file_path } of images) {
      const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: id % 256, g: (id * 37) % 256, b: (id * 91) % 256 } } })
        .png()
        .toBuffer()
      writeFileSync(file_path, png)
      f.ws.db.prepare('UPDATE images SET sha256 = ?, bytes = ? WHERE id = ?').run(createHash('sha256').update(png).digest('hex'), png.length, id)
    }
  })
  afterEach(async () => {
    await runner.shutdown()
    f.dispose()
  })

  const hashOf = (imageId: number): string => f.ws.images.get(imageId)!.sha256
  const decided = () => [
    { winner: f.pairs.win.setA, loser: f.pairs.win.setB },
    { winner: f.pairs.specific.setB, loser: f.pairs.specific.setA },
    { winner: f.pairs.majority.setA, loser: f.pairs.majority.setB },
    { winner: f.pairs.undone.setB, loser: f.pairs.undone.setA },
    { winner: f.pairs.auto.setB, loser: f.pairs.auto.setA }
  ]

  it('PopAlignSDXL main.py and Diffusion-DPO train.py open every row and train on exactly the judged winners', async () => {
    const snapshot = createSnapshot(f.ws, f.projectId, 'fairness')
    const csv = join(out, 'annotation_train.csv')
    const parquet = join(out, 'pickapic', 'train.parquet')
    mkdirSync(join(out, 'pickapic'))
    for (const [format, outPath] of [
      ['popalign_csv', csv],
      ['pickapic_parquet', parquet]
    ] as const) {
      exports.start({ source: { snapshotId: snapshot.id }, format, outPath, overwrite: false })
      await runner.idle()
    }
    const r = spawnSync(envPython(requireTestEnv()), [join(__dirname, 'external_loaders.py')], { input: JSON.stringify({ csv, parquet }), encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`external_loaders.py failed: ${r.stderr}`)
    const view = JSON.parse(r.stdout) as LoaderView
    const expected = decided().flatMap(({ winner, loser }) => f.members.get(winner)!.map((w, i) => ({ winner: hashOf(w), loser: hashOf(f.members.get(loser)![i]), caption: NEUTRAL_TEXT })))

    expect(view.csv.problems).toEqual([])
    expect(view.csv.columns).toEqual(expect.arrayContaining(['jpg_0', 'jpg_1', 'caption', 'label']))
    expect(view.csv.rows).toEqual(expected)

    expect(view.parquet.problems).toEqual([])
    expect(view.parquet.types).toEqual({ jpg_0: 'binary', jpg_1: 'binary', label_0: 'double', caption: 'string' })
    // Tie, can't judge and a tied vote: 3 pairs of 3 images at 0.5, dropped by the loader's filter.
    expect(view.parquet.dropped).toBe(9)
    expect(view.parquet.rows).toEqual(expected)
  })
})
