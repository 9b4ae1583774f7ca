// Turns classifier outputs (the shape of classifier/classifier.ts `Classification`, as returned by the world
// classifier's `classifyImages`) plus prompt metadata into report records, so a headless audit only has
// to sample or import images, classify them and call buildReport.

import type { Classification } from '../../../classifier/classifier'
import { askedClassMatcher, promptWords } from './asked-class'
import { IMAGE_STATUSES, type AuditAxis, type AuditRecord, type PromptKind } from './types'

export interface ClassifiedImageMeta {
  imageId: string
  promptId: string
  promptText: string
  /** Left out: 'specific' when the prompt asks for a class of any axis (whole words), else 'neutral'. */
  promptKind?: PromptKind
  thumbnail?: Uint8Array
}

export interface ClassificationAudit {
  modelId: string
  axes: readonly AuditAxis[]
  /** One per image, in the same order as `classifications`. */
  images: readonly ClassifiedImageMeta[]
  classifications: readonly Classification[]
  /**
   * Concepts the classifier knows (its concept head's classes). When given, the concept a prompt names
   * is found by whole-word match and each image gets conceptCorrect; prompts naming none get no verdict.
   */
  concepts?: readonly string[]
}

/** The single concept a prompt names (whole words), or null when it names none or several. */
export function promptConcept(promptText: string, concepts: readonly string[]): string | null {
  const words = new Set(promptWords(promptText))
  const hits = concepts.filter((c) => promptWords(c).every((w) => words.has(w)))
  return hits.length === 1 ? hits[0] : null
}

export function auditFromClassifications(input: ClassificationAudit): AuditRecord[] {
  const { images, classifications, axes } = input
  if (images.length !== classifications.length) {
    throw new Error(`got ${classifications.length} classifications for ${images.length} images; they must correspond one to one`)
  }
  const matchers = axes.map((a) => askedClassMatcher(a))
  const axisClasses = new Map(axes.map((a) => [a.name, new Set(a.classes)]))
  return images.map((meta, i) => {
    const c = classifications[i]
    if (!(IMAGE_STATUSES as readonly string[]).includes(c.status)) throw new Error(`image "${meta.imageId}" has classifier status "${String(c.status)}"`)
    const predicted: Record<string, string | null> = {}
    for (const axis of axes) {
      const verdict = c.axes[axis.name]
      if (verdict && !axisClasses.get(axis.name)?.has(verdict.cls)) {
        throw new Error(`image "${meta.imageId}": classifier class "${verdict.cls}" is not on axis "${axis.name}" (${axis.classes.join(', ')}); fix the mapping`)
      }
      predicted[axis.name] = verdict ? verdict.cls : null
    }
    const kind: PromptKind = meta.promptKind ?? (matchers.some((m) => m(meta.promptText).kind !== 'none') ? 'specific' : 'neutral')
    const record: AuditRecord = {
      modelId: input.modelId,
      promptId: meta.promptId,
      promptText: meta.promptText,
      promptKind: kind,
      imageId: meta.imageId,
      status: c.status,
      axes: predicted
    }
    if (input.concepts && c.status !== 'error' && c.concept !== null) {
      const asked = promptConcept(meta.promptText, input.concepts)
      if (asked !== null) record.conceptCorrect = c.concept === asked
    }
    if (c.features) record.features = c.features
    if (meta.thumbnail) record.thumbnail = meta.thumbnail
    return record
  })
}
