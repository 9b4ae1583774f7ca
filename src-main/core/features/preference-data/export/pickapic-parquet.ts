// Pick-a-Pic v2 / Diffusion-DPO parquet (docs/formats.md §Pick-a-Pic parquet), with the dataset's column types:
// jpg_0/jpg_1 binary image bytes (the trainer decodes bytes, not paths), label_0/label_1 float64,
// ranking_id/user_id/num_example_per_prompt int64, created_at timestamp[ns], booleans, strings.
// A decided pair gives k rows (winner, loser) with label_0 = 1; an undecided one (tie, can't judge,
// vote tie) gives k rows (A, B) with label_0 = label_1 = 0.5, which the trainer drops, faithfully.
// Rows are written in small row groups, so memory holds one group of images at a time.
import { pathToFileURL } from 'node:url'
import type { AtomicFile } from './atomic-file'
import { readImageBytes, type ExportFacts } from './facts'
import { imagePairs, type ExportPair } from './pair-rows'

const ROWS_PER_GROUP = 32

type Element = { name: string; type?: string; repetition_type?: string; converted_type?: string; logical_type?: object; num_children?: number }
const str = (name: string): Element => ({ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' })
const of = (name: string, type: string): Element => ({ name, type, repetition_type: 'REQUIRED' })

export const PICKAPIC_SCHEMA: Element[] = [
  of('are_different', 'BOOLEAN'),
  str('best_image_uid'),
  str('caption'),
  { name: 'created_at', type: 'INT64', repetition_type: 'REQUIRED', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'NANOS' } },
  of('has_label', 'BOOLEAN'),
  str('image_0_uid'),
  str('image_0_url'),
  str('image_1_uid'),
  str('image_1_url'),
  of('jpg_0', 'BYTE_ARRAY'),
  of('jpg_1', 'BYTE_ARRAY'),
  of('label_0', 'DOUBLE'),
  of('label_1', 'DOUBLE'),
  str('model_0'),
  str('model_1'),
  of('ranking_id', 'INT64'),
  of('user_id', 'INT64'),
  of('num_example_per_prompt', 'INT64')
]

type Columns = Record<string, unknown[]>
const emptyColumns = (): Columns => Object.fromEntries(PICKAPIC_SCHEMA.map((e) => [e.name, []]))

export async function writePickapicParquet(
  pairs: readonly ExportPair[],
  facts: ExportFacts,
  classifierAnnotatorId: number | null,
  out: AtomicFile,
  step: (pairsDone: number) => Promise<void>
): Promise<number> {
  // hyparquet-writer is an ES module: loaded on demand so the CommonJS main bundle can still use it.
  const { ByteWriter, ParquetWriter } = await import('hyparquet-writer')
  const writer = new ByteWriter()
  // Drain the buffer to the file after every row group (ParquetWriter calls flush), keeping memory flat.
  const drain = (): void => {
    out.write(new Uint8Array(writer.buffer, 0, writer.index).slice())
    writer.index = 0
  }
  Object.assign(writer, { flush: drain, finish: drain })
  const parquet = new ParquetWriter({ writer, schema: [{ name: 'schema', num_children: PICKAPIC_SCHEMA.length }, ...PICKAPIC_SCHEMA] as never, createdBy: 'PopAlign Studio' })

  let columns = emptyColumns()
  let pending = 0
  let rows = 0
  const flushGroup = async (): Promise<void> => {
    if (pending === 0) return
    await parquet.write({ columnData: PICKAPIC_SCHEMA.map((e) => ({ name: e.name, data: columns[e.name] })), rowGroupSize: pending })
    columns = emptyColumns()
    pending = 0
  }
  const modelOf = (imageId: number): string => {
    const f = facts.image(imageId)
    return `${f.generator ?? 'unknown'}|${f.promptKind}`
  }

  for (const [index, p] of pairs.entries()) {
    const k = Math.max(p.first.length, p.second.length)
    const createdAt = new Date(p.pair.decidedAt)
    if (Number.isNaN(createdAt.getTime())) throw new Error(`set pair ${p.pair.pairId} has an unreadable decision time "${p.pair.decidedAt}"`)
    const user = BigInt(userOf(p, classifierAnnotatorId))
    for (const [img0, img1] of imagePairs(p)) {
      const push = (name: string, value: unknown): void => void columns[name].push(value)
      push('are_different', img0.sha256 !== img1.sha256)
      push('best_image_uid', p.decided ? img0.sha256 : '')
      push('caption', p.pair.caption!)
      push('created_at', createdAt)
      push('has_label', true)
      push('image_0_uid', img0.sha256)
      push('image_0_url', pathToFileURL(img0.filePath).href)
      push('image_1_uid', img1.sha256)
      push('image_1_url', pathToFileURL(img1.filePath).href)
      push('jpg_0', new Uint8Array(readImageBytes(img0)))
      push('jpg_1', new Uint8Array(readImageBytes(img1)))
      push('label_0', p.decided ? 1 : 0.5)
      push('label_1', p.decided ? 0 : 0.5)
      push('model_0', modelOf(img0.imageId))
      push('model_1', modelOf(img1.imageId))
      push('ranking_id', BigInt(p.pair.pairId))
      push('user_id', user)
      push('num_example_per_prompt', BigInt(k))
      pending++
      rows++
      if (pending >= ROWS_PER_GROUP) await flushGroup()
    }
    await step(index + 1)
  }
  await flushGroup()
  await parquet.finish()
  return rows
}

/**
 * user_id as docs/formats.md §Pick-a-Pic parquet asks: the annotator id, or 0 when the label came from the classifier. With several
 * annotators, the lowest human id among those who agree with the outcome (all voters when undecided).
 */
function userOf(p: ExportPair, classifierAnnotatorId: number | null): number {
  const outcome = p.pair.outcome
  const agreeing = p.decided ? p.pair.votes.filter((v) => v.choice === outcome) : p.pair.votes
  const humans = agreeing.map((v) => v.annotatorId).filter((id) => id !== classifierAnnotatorId)
  return humans.length > 0 ? Math.min(...humans) : 0
}
