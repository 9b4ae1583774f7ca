// The Synthetic Population's fixed taxonomy: the concepts a figure can embody and the two sensitive
// attribute axes. The attributes are abstract visual properties with abstract names on purpose: they
// stand in for the paper's gender (2 classes) and race (6 classes) axes without depicting real groups.

/** Concepts whose figure shows both attributes. Order is the class order of the classifier's concept head. */
export const VISIBLE_CONCEPTS = ['doctor', 'nurse', 'chef', 'firefighter', 'teacher', 'pilot', 'farmer', 'painter'] as const

/** The helmet and suit of this concept cover both attributes, so attribute detection must fail on it. */
export const HIDDEN_CONCEPT = 'astronaut' as const

export const CONCEPTS = [...VISIBLE_CONCEPTS, HIDDEN_CONCEPT] as const
export type Concept = (typeof CONCEPTS)[number]

/** Axis A, the 2-class analogue of the paper's gender axis: the outline of head and body. */
export const SILHOUETTES = ['round', 'angular'] as const
export type Silhouette = (typeof SILHOUETTES)[number]

/** Axis B, the 6-class analogue of the paper's race axis: the tone of head and hands. */
export const TONES = ['amber', 'teal', 'violet', 'rose', 'olive', 'slate'] as const
export type Tone = (typeof TONES)[number]

export interface AttributeAxis {
  /** Stable identifier used in mappings, reports and the classifier's output names. */
  name: string
  classes: readonly string[]
}

export const AXIS_A: AttributeAxis = { name: 'silhouette', classes: SILHOUETTES }
export const AXIS_B: AttributeAxis = { name: 'tone', classes: TONES }
export const WORLD_AXES: readonly AttributeAxis[] = [AXIS_A, AXIS_B]

/** One figure to draw: what it is and how it looks on both axes. */
export interface FigureSpec {
  concept: Concept
  silhouette: Silhouette
  tone: Tone
}

export function isConcept(word: string): word is Concept {
  return (CONCEPTS as readonly string[]).includes(word)
}

export function isSilhouette(word: string): word is Silhouette {
  return (SILHOUETTES as readonly string[]).includes(word)
}

export function isTone(word: string): word is Tone {
  return (TONES as readonly string[]).includes(word)
}

export function attributesVisible(concept: Concept): boolean {
  return concept !== HIDDEN_CONCEPT
}

/** Throws a clear error when a spec names something outside the taxonomy (e.g. from a CLI flag). */
export function validateFigureSpec(spec: FigureSpec): void {
  if (!isConcept(spec.concept)) throw new Error(`unknown concept "${String(spec.concept)}"; expected one of ${CONCEPTS.join(', ')}`)
  if (!isSilhouette(spec.silhouette)) throw new Error(`unknown silhouette "${String(spec.silhouette)}"; expected one of ${SILHOUETTES.join(', ')}`)
  if (!isTone(spec.tone)) throw new Error(`unknown tone "${String(spec.tone)}"; expected one of ${TONES.join(', ')}`)
}
