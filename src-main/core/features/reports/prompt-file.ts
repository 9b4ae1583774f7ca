// The prompt file of a headless audit: UTF-8 text, one prompt per line; blank lines and lines starting
// with '#' are ignored. A repeated prompt is an error (it would count its images twice).
import { readFileSync } from 'node:fs'

export const MAX_PROMPTS = 10_000
const MAX_PROMPT_LENGTH = 2000

export function parsePromptText(text: string, name = 'prompt file'): string[] {
  const prompts: string[] = []
  const firstLine = new Map<string, number>()
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) return
    if (line.length > MAX_PROMPT_LENGTH) throw new Error(`${name} line ${i + 1}: prompt is ${line.length} characters long; at most ${MAX_PROMPT_LENGTH} are allowed`)
    const before = firstLine.get(line)
    if (before !== undefined) throw new Error(`${name} line ${i + 1}: "${line}" repeats line ${before}`)
    firstLine.set(line, i + 1)
    prompts.push(line)
  })
  if (prompts.length === 0) throw new Error(`${name} has no prompts (one per line; blank lines and # comments are ignored)`)
  if (prompts.length > MAX_PROMPTS) throw new Error(`${name} has ${prompts.length} prompts; at most ${MAX_PROMPTS} are allowed`)
  return prompts
}

export function readPromptFile(path: string): string[] {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new Error(`cannot read prompt file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)
  }
  return parsePromptText(text, `prompt file ${path}`)
}

/** Stable prompt ids in prompt-file order: p001, p002, ... */
export function promptIds(prompts: readonly string[]): string[] {
  const width = Math.max(3, String(prompts.length).length)
  return prompts.map((_, i) => `p${String(i + 1).padStart(width, '0')}`)
}
