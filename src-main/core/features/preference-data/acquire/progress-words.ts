// What a running acquisition says it is doing (issue 10): images sampled and classified, prompts
// paired, counted in the things a person asked for. The job's done/total count network passes so the
// bar moves evenly; those are no unit anyone thinks in ("2830 of 2830 units of work"), so the screen
// shows the bar's percentage beside these words. The screen reads the step from the first words
// (src-renderer/src/lib/prefs/acquire-form.ts, stepOf), so each message starts with its step's verb.

/** The acquisition's steps in order; the job's payload records the one it is in. */
export type AcquireStepName = 'plan' | 'sample' | 'classify' | 'gate' | 'pairs'

export interface AcquireCounts {
  /** Images the plan asks for, over all prompts. */
  planned: number
  sampled: number
  /** Images the sampling kept (a byte-identical duplicate is dropped, not classified). */
  toClassify: number
  classified: number
  /** Neutral prompts whose pairs are built, of all neutral prompts. */
  promptsPaired: number
  prompts: number
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`

/** Sampling one more prompt's images ended: "sampled 24 of 56 images (last: “a photo of a doctor”)". */
export const sampledWords = (c: AcquireCounts, prompt: string): string => `sampled ${c.sampled} of ${plural(c.planned, 'image', 'images')} (last: “${prompt}”)`

/** The message at a step's start or as it moves on. */
export function stepWords(step: AcquireStepName, c: AcquireCounts): string {
  switch (step) {
    case 'plan':
      return 'planning the identity-specific prompts'
    case 'sample':
      return `sampling images: ${c.sampled} of ${c.planned} made`
    case 'classify':
      return `classifying images: ${c.classified} of ${c.toClassify} read by the classifier`
    case 'gate':
      return 'gate: checking what the classifier read in each image against its prompt'
    case 'pairs':
      return `building pairs: ${c.promptsPaired} of ${plural(c.prompts, 'prompt', 'prompts')} done`
  }
}
