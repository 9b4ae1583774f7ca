// Public surface of the "Table 1 in miniature" experiment.
export { runTable1, RESULT_JSON, RESULT_MD, type Table1Request, type Table1Outcome } from './run'
export { fullSettings, quickSettings, applyOverrides, validateSettings, type Table1Settings, type SettingOverrides } from './options'
export { buildPrompts, type Table1Prompts } from './prompts'
export type { Table1Result } from './result'
export type { Table1Row, TargetCheck } from './table'
