// The stored result (table1.json): the rows, the target check, timings, and what produced them.
import type { AcquireOutput, FinetuneOutput, SnapshotOutput } from './preference-stages'
import type { Table1Settings } from './options'
import type { Table1Prompts } from './prompts'
import type { Table1Row } from './table'
import type { TargetCheck } from './targets'

export interface Table1Result {
  format: 'popalign.table1'
  version: 1
  settings: Table1Settings
  base: { path: string; sha256: string }
  prompts: Table1Prompts
  acquisition: AcquireOutput
  snapshot: SnapshotOutput
  runs: { popalign: FinetuneOutput; sft: FinetuneOutput }
  rows: Table1Row[]
  targets: TargetCheck[]
  timings: { stage: string; seconds: number }[]
  /** Contact sheets written next to the result (sheet-<model>.png), same prompts and seeds per model. */
  sheets: string[]
}
