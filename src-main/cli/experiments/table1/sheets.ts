// Contact sheets of the evaluated models: the same held-out prompts and the same noise seeds for base,
// SFT and PopAlign, one PNG per model (a row per prompt), to look at before believing a number.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { encodeContactSheet } from '../../../core/world/png'
import { blockPixels, type ModelEvaluation } from './evaluate'

/** Prompts (rows) and images per prompt (columns) on a sheet. */
export const SHEET_PROMPTS = 5
export const SHEET_COLUMNS = 10

/** `sheet-<model>.png` in `dir` for every evaluation kept with its pixels; returns the files written. */
export async function writeContactSheets(dir: string, evals: readonly ModelEvaluation[], size = 16): Promise<string[]> {
  const files: string[] = []
  for (const e of evals) {
    const block = e.neutral
    const pixels = blockPixels(block)
    if (!pixels) continue
    const per = pixels.length / block.images.length
    const rows = Math.min(SHEET_PROMPTS, block.prompts.length)
    const columns = Math.min(SHEET_COLUMNS, block.perPrompt)
    const sheet = new Float32Array(rows * columns * per)
    for (let p = 0; p < rows; p++) {
      for (let c = 0; c < columns; c++) sheet.set(pixels.subarray((p * block.perPrompt + c) * per, (p * block.perPrompt + c + 1) * per), (p * columns + c) * per)
    }
    const file = join(dir, `sheet-${e.model}.png`)
    writeFileSync(file, await encodeContactSheet(sheet, rows * columns, size, columns, 3))
    files.push(file)
  }
  return files
}
