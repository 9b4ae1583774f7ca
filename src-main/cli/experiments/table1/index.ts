// Public surface of the "Table 1 in miniature" experiment.
export { runTable1, prepareTable1, RESULT_JSON, RESULT_MD, type Table1Request, type Table1Outcome } from './run'
export { fullSettings, quickSettings, applyOverrides, validateSettings, seedRole, DEV_SEEDS, EVAL_SEEDS, type Table1Settings, type SettingOverrides } from './options'
export { buildPrompts, type Table1Prompts } from './prompts'
export type { Table1Result } from './result'
export type { Table1Row, Value } from './table'
export { checkTargets, poolTargets, formatTargetValue, type TargetCheck, type PooledTarget } from './targets'
export { runTable1Seeds, renderSeedsMarkdown, type SeedsResult, type SeedRun } from './seeds'
