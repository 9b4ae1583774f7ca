// PopAlignSDXL reference CSV (docs/formats.md §PopAlignSDXL CSV): columns jpg_0, jpg_1, caption, label, where
// jpg_0 is the path of a winning-set image, jpg_1 that of a losing-set image, caption the neutral
// prompt and label always 0 ("the first image is better"; the loader asserts it). k rows per set
// pair. Undecided pairs have no place here: the reference loader only accepts label 0.
// For trainers (popalign_csv), values are not formula-guarded: a training loader reads them as data,
// and a leading quote would change the caption the model is trained on. A caption such as
// `=HYPERLINK(...)` would then run as a formula if the file is opened in a spreadsheet, so the
// spreadsheet-safe variant (popalign_csv_safe) guards text cells as the audit CSV does (a leading
// apostrophe), for people who want to read the pairs rather than train on them.
import type { ExportFormat } from '@shared/contract'
import { csvField, csvText } from '../../../formats/csv'
import type { AtomicFile } from './atomic-file'
import { imagePairs, type ExportPair } from './pair-rows'

export const POPALIGN_CSV_HEADER = ['jpg_0', 'jpg_1', 'caption', 'label'] as const

/** Both PopAlignSDXL CSV variants: decided pairs only, one row per image pair. */
export function isPopalignCsv(format: ExportFormat): boolean {
  return format === 'popalign_csv' || format === 'popalign_csv_safe'
}

export async function writePopalignCsv(pairs: readonly ExportPair[], out: AtomicFile, step: (pairsDone: number) => Promise<void>, opts: { spreadsheetSafe?: boolean } = {}): Promise<number> {
  const cell = opts.spreadsheetSafe ? csvText : csvField
  out.write(POPALIGN_CSV_HEADER.join(',') + '\n')
  let rows = 0
  for (const [index, pair] of pairs.entries()) {
    if (!pair.decided) continue
    let chunk = ''
    for (const [winner, loser] of imagePairs(pair)) {
      chunk += [cell(winner.filePath), cell(loser.filePath), cell(pair.pair.caption!), '0'].join(',') + '\n'
      rows++
    }
    out.write(chunk)
    await step(index + 1)
  }
  return rows
}
