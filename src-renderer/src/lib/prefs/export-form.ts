// Export formats as the screen describes them, and the file name suggested for each. The server
// checks the path (absolute, folder exists, not overwritten unless asked) and names what is wrong.
import type { ExportFormat } from '@shared/contract'

export const EXPORT_FORMATS: ReadonlyArray<{ value: ExportFormat; label: string; extension: string; note: string }> = [
  { value: 'jsonl', label: 'Native JSONL (full provenance)', extension: '.jsonl', note: 'one line per judged set pair, with images, judgements and classifier verdicts' },
  {
    value: 'popalign_csv',
    label: 'PopAlignSDXL CSV',
    extension: '.csv',
    note: 'jpg_0, jpg_1, caption, label (0: jpg_0 wins); k rows per decided set pair. Values are written exactly as they are, for trainers: a caption starting with = + - or @ would run as a formula if the file is opened in a spreadsheet; to open it there, choose the spreadsheet-safe variant'
  },
  {
    value: 'popalign_csv_safe',
    label: 'PopAlignSDXL CSV, spreadsheet-safe',
    extension: '.csv',
    note: 'the same rows, with text that a spreadsheet would run as a formula prefixed by an apostrophe; for reading in Excel or LibreOffice, not for training'
  },
  { value: 'pickapic_parquet', label: 'Diffusion-DPO / Pick-a-Pic parquet', extension: '.parquet', note: 'image bytes in jpg_0/jpg_1, label_0 (ties as 0.5, which the trainer drops)' }
]

export function extensionOf(format: ExportFormat): string {
  return EXPORT_FORMATS.find((f) => f.value === format)?.extension ?? ''
}

/** Swaps a known export extension at the end of `path` for the one of `format`; other paths are left alone. */
export function withFormatExtension(path: string, format: ExportFormat): string {
  const known = EXPORT_FORMATS.map((f) => f.extension)
  const current = known.find((ext) => path.toLowerCase().endsWith(ext))
  return current ? path.slice(0, path.length - current.length) + extensionOf(format) : path
}

/** A file name for the export of a snapshot (or of the live judgements). */
export function suggestedName(source: { snapshotVersion: number; criterion: string } | null, format: ExportFormat): string {
  const stem = source ? `popalign-snapshot-v${source.snapshotVersion}-${source.criterion}` : 'popalign-live-judgements'
  return stem + extensionOf(format)
}
