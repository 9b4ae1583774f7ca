// Every document the code cites must be in the repository, so a newcomer who clones it can follow the
// citation (issue 12 item 6). A citation is a `docs/...md` path, or an upper-case document name such as
// `ARCHITECTURE.md` or `NOTES §3`; when it names a section (`docs/methods/popalign.md §Loss`), the
// text after `§` must begin with one of that file's headings. Notes kept outside the repository
// (../shared/docs) never count.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(__dirname, '../..')
const SOURCE_DIRS = ['src-main', 'src-renderer', 'test', 'bench', 'scripts']
const SOURCE_FILE = /\.(ts|mts|cts|js|mjs|cjs|svelte)$/

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return []
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'fixtures') continue
    const full = join(dir, name)
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full))
    else if (SOURCE_FILE.test(name)) out.push(full)
  }
  return out
}

/** Lower-cased headings (any level, without the leading #s) of a Markdown file. */
function headingsOf(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => /^#{1,6}\s/.test(line))
    .map((line) =>
      line
        .replace(/^#+\s+/, '')
        .trim()
        .toLowerCase()
    )
}

export interface CitationProblem {
  line: number
  citation: string
  problem: string
}

// `docs/…/name.md` or an upper-case name (`ARCHITECTURE.md`, `SOME-NOTES`), each optionally followed
// by ` §Section…` up to the end of the line. An upper-case name without `.md` counts only before a `§`.
const CITATION = /(?<![\w/.-])(docs\/[\w./-]+?\.md|[A-Z][A-Z0-9_-]{2,}\.md|[A-Z][A-Z0-9_-]{3,}(?=\s+§))(?:\s+§([^\n]*))?/g

/** The citations in `source` that do not resolve inside the repository at `repoRoot`. */
export function citationProblems(source: string, repoRoot: string): CitationProblem[] {
  const problems: CitationProblem[] = []
  const lines = source.split('\n')
  for (const [i, text] of lines.entries()) {
    if (text.includes('shared/docs')) problems.push({ line: i + 1, citation: 'shared/docs', problem: 'points outside the repository' })
    for (const m of text.matchAll(CITATION)) {
      const name = m[1].endsWith('.md') ? m[1] : `${m[1]}.md`
      const file = join(repoRoot, name)
      if (!existsSync(file)) {
        problems.push({ line: i + 1, citation: m[0].trim(), problem: `${name} is not in the repository` })
        continue
      }
      const section = m[2]?.trim().toLowerCase()
      if (section === undefined || section === '') continue
      if (!headingsOf(file).some((h) => section.startsWith(h))) {
        problems.push({ line: i + 1, citation: m[0].trim(), problem: `${name} has no heading that "§${m[2].trim()}" starts with` })
      }
    }
  }
  return problems
}

describe('doc citations resolve inside the repository', () => {
  it('finds the problems it is meant to find', () => {
    // Names of notes kept outside the repository, spelled in pieces so a grep for them finds no citation here.
    const outside = { algorithms: ['ALGO', 'RITHMS.md'].join(''), engine: ['ENGINE', '-NOTES'].join('') }
    const source = [
      `// PopAlign loss (${outside.algorithms} §3.3)`,
      `// the shim (${outside.engine} §3) and ../shared/docs/x.md`,
      '// see docs/methods/no-such-note.md',
      '// see docs/methods/popalign.md §No such section',
      '// fine: docs/methods/popalign.md §Loss, docs/methods/popalign.md §Acquisition, step 4, README.md',
      "const RESULT_MD = 'table1.md' // a file name the code writes, not a citation"
    ].join('\n')
    const found = citationProblems(source, root)
    expect(found.map((p) => p.line)).toEqual([1, 2, 2, 3, 4])
    expect(found[0].problem).toMatch(/is not in the repository/)
    expect(found[1].problem).toMatch(/outside the repository/)
    expect(found[4].problem).toMatch(/no heading/)
  })

  it('every citation in src-main, src-renderer, test, bench and scripts names a file and section that exist', () => {
    const problems = SOURCE_DIRS.flatMap((dir) =>
      sourceFiles(resolve(root, dir))
        .filter((file) => file !== __filename) // this file's own examples
        .flatMap((file) => citationProblems(readFileSync(file, 'utf8'), root).map((p) => `${relative(root, file)}:${p.line}: ${p.citation} — ${p.problem}`))
    )
    expect(problems).toEqual([])
  })

  it('every repository path ARCHITECTURE.md names exists (update it when a folder moves)', () => {
    const text = readFileSync(join(root, 'ARCHITECTURE.md'), 'utf8')
    const paths = [...text.matchAll(/`((?:src-main|src-renderer|test|bench|scripts|docs)\/[^`\s]*)`/g)].map((m) => m[1])
    expect(paths.length).toBeGreaterThan(20)
    expect(paths.filter((p) => !existsSync(join(root, p)))).toEqual([])
  })
})
