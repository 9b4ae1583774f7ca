// Each export read back with an independent reader (a strict CSV parser written here, hyparquet's
// reader, JSON.parse per line), plus path checks, cancellation and a changed image file.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Job } from '@shared/contract'
import { createExportService, type ExportService } from '../../../../src-main/core/features/preference-data/export/export-service'
import { createJobRunner, type JobRunner } from '../../../../src-main/core/jobs/runner'
import { createSnapshot } from '../../../../src-main/core/features/preference-data/snapshots/service'
import { judgedProject, NEUTRAL_TEXT, type JudgedProject } from '../snapshots/fixture'
import { testConfig } from '../../../helpers/config'

/** RFC 4180, strictly: quoted fields with doubled quotes, CRLF or LF records, nothing after a closing quote. */
function parseCsv(text: string): string[][] {
  const records: string[][] = []
  let field = ''
  let record: string[] = []
  let i = 0
  let quoted = false
  while (i < text.length) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i += 2
      } else if (c === '"') {
        quoted = false
        i++
        if (i < text.length && !',\r\n'.includes(text[i])) throw new Error(`text after a closing quote at ${i}`)
      } else {
        field += c
        i++
      }
    } else if (c === '"') {
      if (field !== '') throw new Error(`quote inside an unquoted field at ${i}`)
      quoted = true
      i++
    } else if (c === ',') {
      record.push(field)
      field = ''
      i++
    } else if (c === '\n' || c === '\r') {
      record.push(field)
      records.push(record)
      field = ''
      record = []
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1
    } else {
      field += c
      i++
    }
  }
  if (quoted) throw new Error('unterminated quoted field')
  if (field !== '' || record.length > 0) throw new Error('the last record has no line end')
  return records
}

describe('exports for external trainers', () => {
  let f: JudgedProject
  let runner: JobRunner
  let exports: ExportService
  let out: string
  beforeEach(() => {
    f = judgedProject()
    runner = createJobRunner({ db: f.ws.db, throttleMs: 0 })
    exports = createExportService({ ws: f.ws, runner, exportRoots: testConfig().exportRoots })
    out = join(f.dir, 'out')
    mkdirSync(out)
  })
  afterEach(async () => {
    await runner.shutdown()
    f.dispose()
  })

  const finish = async (job: Job): Promise<Job> => {
    await runner.idle()
    return runner.get(job.id)
  }
  const bytesOf = (imageId: number): Buffer => readFileSync(f.ws.images.get(imageId)!.filePath)
  const pathOf = (imageId: number): string => f.ws.images.get(imageId)!.filePath
  const decided = () => [
    { pair: f.pairs.win, winner: f.pairs.win.setA, loser: f.pairs.win.setB },
    { pair: f.pairs.specific, winner: f.pairs.specific.setB, loser: f.pairs.specific.setA },
    { pair: f.pairs.majority, winner: f.pairs.majority.setA, loser: f.pairs.majority.setB },
    { pair: f.pairs.undone, winner: f.pairs.undone.setB, loser: f.pairs.undone.setA },
    { pair: f.pairs.auto, winner: f.pairs.auto.setB, loser: f.pairs.auto.setA }
  ]

  it('PopAlignSDXL CSV: jpg_0 winner path, jpg_1 loser path, neutral caption, label 0; k rows per decided pair', async () => {
    const snapshot = createSnapshot(f.ws, f.projectId, 'fairness')
    const file = join(out, 'annotation_train.csv')
    const job = await finish(exports.start({ source: { snapshotId: snapshot.id }, format: 'popalign_csv', outPath: file, overwrite: false }))
    expect(job).toMatchObject({ state: 'done', done: 5, total: 5, message: `wrote 15 row(s) to ${file}` })
    const [header, ...rows] = parseCsv(readFileSync(file, 'utf8'))
    expect(header).toEqual(['jpg_0', 'jpg_1', 'caption', 'label'])
    const expected = decided().flatMap(({ winner, loser }) => f.members.get(winner)!.map((w, i) => [pathOf(w), pathOf(f.members.get(loser)![i]), NEUTRAL_TEXT, '0']))
    expect(rows).toEqual(expected)
  })

  it('PopAlignSDXL CSV keeps a formula-like caption as data for trainers; the spreadsheet-safe variant guards it (issue 11, finding 11)', async () => {
    const formula = '=HYPERLINK("http://x.example","click") doctor'
    f.ws.db.prepare('UPDATE prompts SET text = ? WHERE text = ?').run(formula, NEUTRAL_TEXT)
    const captions = async (format: 'popalign_csv' | 'popalign_csv_safe'): Promise<string[]> => {
      const file = join(out, `${format}.csv`)
      expect((await finish(exports.start({ source: { projectId: f.projectId, criterion: 'fairness' }, format, outPath: file, overwrite: false }))).state).toBe('done')
      return [
        ...new Set(
          parseCsv(readFileSync(file, 'utf8'))
            .slice(1)
            .map((r) => r[2])
        )
      ]
    }
    expect(await captions('popalign_csv')).toEqual([formula])
    expect(await captions('popalign_csv_safe')).toEqual([`'${formula}`])
  })

  it('Pick-a-Pic parquet: the dataset columns and types, image bytes, label_0 1 for the winner and 0.5 for undecided pairs', async () => {
    const snapshot = createSnapshot(f.ws, f.projectId, 'fairness')
    const file = join(out, 'train.parquet')
    const job = await finish(exports.start({ source: { snapshotId: snapshot.id }, format: 'pickapic_parquet', outPath: file, overwrite: false }))
    expect(job.state).toBe('done')

    const buffer = await asyncBufferFromFile(file)
    const metadata = await parquetMetadataAsync(buffer)
    const types = Object.fromEntries(metadata.schema.slice(1).map((e) => [e.name, [e.type, e.converted_type ?? e.logical_type?.type ?? null]]))
    expect(types).toEqual({
      are_different: ['BOOLEAN', null],
      best_image_uid: ['BYTE_ARRAY', 'UTF8'],
      caption: ['BYTE_ARRAY', 'UTF8'],
      created_at: ['INT64', 'TIMESTAMP'],
      has_label: ['BOOLEAN', null],
      image_0_uid: ['BYTE_ARRAY', 'UTF8'],
      image_0_url: ['BYTE_ARRAY', 'UTF8'],
      image_1_uid: ['BYTE_ARRAY', 'UTF8'],
      image_1_url: ['BYTE_ARRAY', 'UTF8'],
      jpg_0: ['BYTE_ARRAY', null],
      jpg_1: ['BYTE_ARRAY', null],
      label_0: ['DOUBLE', null],
      label_1: ['DOUBLE', null],
      model_0: ['BYTE_ARRAY', 'UTF8'],
      model_1: ['BYTE_ARRAY', 'UTF8'],
      ranking_id: ['INT64', null],
      user_id: ['INT64', null],
      num_example_per_prompt: ['INT64', null]
    })
    expect(metadata.schema.find((e) => e.name === 'created_at')!.logical_type).toMatchObject({ type: 'TIMESTAMP', unit: 'NANOS' })

    const rows = (await parquetReadObjects({ file: buffer, utf8: true })) as Array<Record<string, unknown>>
    // 5 decided pairs + tie, can't-judge and vote tie (0.5) = 8 pairs of 3; the orphan pair has no caption.
    expect(rows).toHaveLength(24)
    const byRanking = (pairId: number) => rows.filter((r) => r.ranking_id === BigInt(pairId))

    for (const { pair, winner, loser } of decided()) {
      const group = byRanking(pair.id)
      expect(group).toHaveLength(3)
      group.forEach((r, i) => {
        const w = f.members.get(winner)![i]
        const l = f.members.get(loser)![i]
        expect(r.label_0).toBe(1)
        expect(r.label_1).toBe(0)
        expect(Buffer.from(r.jpg_0 as Uint8Array).equals(bytesOf(w))).toBe(true)
        expect(Buffer.from(r.jpg_1 as Uint8Array).equals(bytesOf(l))).toBe(true)
        expect(r.image_0_uid).toBe(f.ws.images.get(w)!.sha256)
        expect(r.best_image_uid).toBe(r.image_0_uid)
        expect(r).toMatchObject({ caption: NEUTRAL_TEXT, has_label: true, are_different: true, num_example_per_prompt: 3n })
        expect(r.created_at).toBeInstanceOf(Date)
      })
    }
    expect(byRanking(f.pairs.auto.id)[0].user_id).toBe(0n)
    expect(byRanking(f.pairs.win.id)[0].user_id).toBe(BigInt(f.annotators.owner))
    expect(byRanking(f.pairs.undone.id)[0].user_id).toBe(BigInt(f.annotators.h2))
    expect(byRanking(f.pairs.specific.id)[0]).toMatchObject({ model_0: 'tiny-dit@1|specific', model_1: 'tiny-dit@1|specific' })
    for (const undecided of [f.pairs.tie, f.pairs.cant, f.pairs.voteTie]) {
      const group = byRanking(undecided.id)
      expect(group.map((r) => [r.label_0, r.label_1, r.best_image_uid])).toEqual(Array(3).fill([0.5, 0.5, '']))
      expect(Buffer.from(group[0].jpg_0 as Uint8Array).equals(bytesOf(f.members.get(undecided.setA)![0]))).toBe(true)
    }
    expect(byRanking(f.pairs.orphan.id)).toEqual([])
  })

  it('native JSONL: one line per judged pair with images, judgements, aggregate and provenance', async () => {
    const snapshot = createSnapshot(f.ws, f.projectId, 'fairness')
    const file = join(out, 'popalign-set-prefs.jsonl')
    expect((await finish(exports.start({ source: { snapshotId: snapshot.id }, format: 'jsonl', outPath: file, overwrite: false }))).state).toBe('done')
    const lines = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, any>)
    expect(lines).toHaveLength(9)
    const majority = lines.find((l) => l.pair_id === f.pairs.majority.id)!
    expect(majority.prompt_neutral).toBe(NEUTRAL_TEXT)
    expect(majority.aggregate.fairness).toMatchObject({ winner: 'a', outcome: 'a', votes: 3 })
    expect(majority.aggregate.fairness.agreement).toBeCloseTo(2 / 3, 12)
    expect(majority.judgements.map((j: any) => [j.annotator, j.choice, j.side_a, j.rt_ms])).toEqual([
      ['owner', 'a', 'left', 1200],
      ['h1', 'a', 'left', 1200],
      ['h2', 'b', 'left', 1200]
    ])
    expect(majority.set_a.set_id).toBe(f.pairs.majority.setA)
    expect(majority.set_a.source).toBe('manual')
    expect(majority.set_a.images.map((i: any) => i.image_id)).toEqual(f.members.get(f.pairs.majority.setA))
    expect(majority.set_a.images[0]).toMatchObject({ uid: `sha256:${f.ws.images.get(f.members.get(f.pairs.majority.setA)![0])!.sha256}`, prompt_used: NEUTRAL_TEXT, seed: 0, model: 'tiny-dit@1' })
    expect(majority.provenance).toEqual({ dataset_snapshot: 'v1', snapshot_id: snapshot.id, content_sha256: snapshot.contentSha256 })
    expect(lines.find((l) => l.pair_id === f.pairs.orphan.id)!.aggregate.fairness).toMatchObject({ winner: null, outcome: 'no_neutral_prompt' })
  })

  it("exports the project's current judgements when no snapshot is named", async () => {
    f.judge(f.pairs.unjudged.id, f.annotators.owner, 'a')
    const file = join(out, 'live.csv')
    const job = await finish(exports.start({ source: { projectId: f.projectId, criterion: 'fairness' }, format: 'popalign_csv', outPath: file, overwrite: false }))
    expect(job.state).toBe('done')
    expect(parseCsv(readFileSync(file, 'utf8'))).toHaveLength(1 + 18)
  })

  it('a cancelled export leaves no file under the final name, nor its temporary file', async () => {
    const snapshot = createSnapshot(f.ws, f.projectId, 'fairness')
    const file = join(out, 'cancelled.parquet')
    let cancelledAt: number | null = null
    const cancelling = createJobRunner({
      db: f.ws.db,
      throttleMs: 0,
      onEvent: (_e, job) => {
        if (job.kind === 'export' && job.state === 'running' && job.done >= 2 && cancelledAt === null) {
          cancelledAt = job.done
          cancelling.cancel(job.id)
        }
      }
    })
    const job = createExportService({ ws: f.ws, runner: cancelling, exportRoots: testConfig().exportRoots }).start({
      source: { snapshotId: snapshot.id },
      format: 'pickapic_parquet',
      outPath: file,
      overwrite: false
    })
    await cancelling.idle()
    expect(cancelledAt).toBe(2)
    expect(cancelling.get(job.id).state).toBe('cancelled')
    expect(existsSync(file)).toBe(false)
    expect(readdirSync(out)).toEqual([])
  })

  it('fails, leaving no file, when an image changed on disk since it was imported', async () => {
    writeFileSync(pathOf(f.members.get(f.pairs.win.setB)![0]), 'tampered')
    const file = join(out, 'x.parquet')
    const job = await finish(exports.start({ source: { projectId: f.projectId, criterion: 'fairness' }, format: 'pickapic_parquet', outPath: file, overwrite: false }))
    expect(job.state).toBe('failed')
    expect(job.error).toMatch(/changed on disk since it was imported/)
    expect(readdirSync(out)).toEqual([])
  })

  it('checks the output path before starting, with clear errors', () => {
    const start =
      (outPath: string, overwrite = false) =>
      () =>
        exports.start({ source: { projectId: f.projectId, criterion: 'fairness' }, format: 'jsonl', outPath, overwrite })
    expect(start('relative/out.jsonl')).toThrow(/must be absolute/)
    expect(start(join(out, 'missing', 'x.jsonl'))).toThrow(/does not exist/)
    expect(start(out)).toThrow(/is a folder/)
    expect(start(f.ws.file)).toThrow(/workspace's database files/)
    expect(start(`${f.ws.file}-wal`, true)).toThrow(/workspace's database files/)
    // Overwrite never replaces the live database (issue 11, finding 3).
    expect(start(f.ws.file, true)).toThrow(/workspace's database files/)
    expect(start(join(out, 'a\0b'))).toThrow(/NUL/)
    const existing = join(out, 'existing.jsonl')
    writeFileSync(existing, 'keep me')
    expect(start(existing)).toThrow(/already exists/)
    expect(readFileSync(existing, 'utf8')).toBe('keep me')
    expect(() => exports.start({ source: { snapshotId: 999 }, format: 'jsonl', outPath: join(out, 'y.jsonl'), overwrite: false })).toThrow(/snapshot 999 does not exist/)
    const empty = f.ws.projects.create('Empty', '').id
    expect(() => exports.start({ source: { projectId: empty, criterion: 'fairness' }, format: 'jsonl', outPath: join(out, 'z.jsonl'), overwrite: false })).toThrow(/nothing to export/)
  })
})
