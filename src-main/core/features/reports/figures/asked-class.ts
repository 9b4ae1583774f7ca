// Which class of an axis an identity-specific prompt asks for, by whole-word matching. The reference
// recall code used a substring test, so "male" matched inside "female" (docs/methods/evaluation.md §Recall); here a
// class (or one of its prompt words, possibly several words long like "middle eastern") must occur as a
// contiguous run of whole words.

import type { AuditAxis } from './types'

/** Lower-case words; anything that is not a letter or digit separates words ("latino_hispanic" -> 2). */
export function promptWords(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
}

function containsPhrase(words: readonly string[], phrase: readonly string[]): boolean {
  if (phrase.length === 0) return false
  outer: for (let i = 0; i + phrase.length <= words.length; i++) {
    for (let j = 0; j < phrase.length; j++) if (words[i + j] !== phrase[j]) continue outer
    return true
  }
  return false
}

export type AskedClass =
  | { kind: 'none' }
  | { kind: 'one'; cls: string }
  /** The prompt names several classes of the axis, so no single answer is right. */
  | { kind: 'ambiguous'; classes: string[] }

/** Compiled matcher for one axis: each class with the word sequences that ask for it. */
export function askedClassMatcher(axis: AuditAxis): (promptText: string) => AskedClass {
  const phrases = axis.classes.map((cls) => {
    const extra = axis.promptWords?.[cls] ?? []
    return { cls, phrases: [cls, ...extra].map(promptWords).filter((p) => p.length > 0) }
  })
  for (const key of Object.keys(axis.promptWords ?? {})) {
    if (!axis.classes.includes(key)) throw new Error(`axis "${axis.name}" has prompt words for unknown class "${key}"`)
  }
  return (promptText) => {
    const words = promptWords(promptText)
    const hits = phrases.filter((c) => c.phrases.some((p) => containsPhrase(words, p))).map((c) => c.cls)
    if (hits.length === 0) return { kind: 'none' }
    if (hits.length === 1) return { kind: 'one', cls: hits[0] }
    return { kind: 'ambiguous', classes: hits }
  }
}
