// What a fine-tuning run optimises, as it travels from the service to the engine worker: the method
// and its hyperparameters, and the preference images already decoded at the model's size. Validated
// field by field so a bad spec (from the UI, the CLI or a damaged job payload) fails naming the field.

export const FINETUNE_METHODS = ['popalign', 'dpo', 'sft'] as const
export type FinetuneMethod = (typeof FINETUNE_METHODS)[number]

/** The method's knobs; β and α are unused by SFT (it has no reference and no normaliser). */
export interface FinetuneObjective {
  method: FinetuneMethod
  /** Divergence penalty β (PopAlign and DPO). */
  beta: number
  /** PopAlign normaliser mixture weight α. */
  alpha: number
}

/** One training image of a snapshot: pixels [S, S, C] HWC in [-1, 1], its caption and population label. */
export interface PreferenceImage {
  pixels: Float32Array
  caption: string
  label: 1 | -1
  pairId: number
}

export interface FinetuneSpec extends FinetuneObjective {
  images: PreferenceImage[]
}

export function isFinetuneMethod(v: unknown): v is FinetuneMethod {
  return typeof v === 'string' && (FINETUNE_METHODS as readonly string[]).includes(v)
}

/** Checks the objective's fields; throws an Error naming the first bad one. */
export function parseObjective(input: unknown): FinetuneObjective {
  const o = (input ?? {}) as Record<string, unknown>
  if (!isFinetuneMethod(o.method)) throw new Error(`fine-tune: method must be one of ${FINETUNE_METHODS.join(', ')}, got ${JSON.stringify(o.method)}`)
  const beta = o.beta
  if (typeof beta !== 'number' || !Number.isFinite(beta) || beta <= 0) throw new Error(`fine-tune: beta must be a positive number, got ${JSON.stringify(beta)}`)
  const alpha = o.alpha
  if (typeof alpha !== 'number' || !(alpha >= 0 && alpha <= 1)) throw new Error(`fine-tune: alpha must be a number in [0, 1], got ${JSON.stringify(alpha)}`)
  return { method: o.method, beta, alpha }
}
