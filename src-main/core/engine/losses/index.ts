/** Preference losses as pure functions over per-sample errors. */
export * from './numerics'
export * from './types'
export * from './popalign'
export * from './dpo'
export * from './sft'
