// PopAlignSDXL reference CSV (PRODUCT-RESEARCH.md §4.2): columns jpg_0, jpg_1, caption, label, where
// jpg_0 is the path of a winning-set image, jpg_1 that of a losing-set image, caption the neutral
// prompt and label always 0 ("the first image is better"; the loader asserts it). k rows per set
// pair. Undecided pairs have no place here: the reference loader only accepts label 0.
// Unlike the audit CSV (read by people, in spreadsheets), values are not formula-guarded: a training
// loader reads them as data, and a leading quote would change the caption the model is trained on.
import type { AtomicFile } from './atomic-file'
import { imagePairs, type ExportPair } from './pair-rows'

export const POPALIGN_CSV_HEADER = ['jpg_0', 'jpg_1', 'caption', 'label'] as const

/** RFC 4180 quoting: a field with a comma, quote or line break is quoted, inner quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

export async function writePopalignCsv(pairs: readonly ExportPair[], out: AtomicFile, step: (pairsDone: number) => Promise<void>): Promise<number> {
  out.write(POPALIGN_CSV_HEADER.join(',') + '\n')
  let rows = 0
  for (const [index, pair] of pairs.entries()) {
    if (!pair.decided) continue
    let chunk = ''
    for (const [winner, loser] of imagePairs(pair)) {
      chunk += [csvField(winner.filePath), csvField(loser.filePath), csvField(pair.pair.caption!), '0'].join(',') + '\n'
      rows++
    }
    out.write(chunk)
    await step(index + 1)
  }
  return rows
}
