import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { RENDERER_CSP, cspProblems, parseCsp } from '../../src-main/core/serve/csp'

const builtIndex = resolve(__dirname, '../../out/renderer/index.html')

/** The content of the CSP <meta> in an HTML document (attribute order and quoting tolerated). */
function metaCsp(html: string): string | null {
  for (const tag of html.match(/<meta\b[^>]*>/gi) ?? []) {
    if (!/http-equiv\s*=\s*["']?content-security-policy/i.test(tag)) continue
    const m = /content\s*=\s*"([^"]*)"|content\s*=\s*'([^']*)'/i.exec(tag)
    if (m) return m[1] ?? m[2]
  }
  return null
}

describe('parseCsp', () => {
  it('splits directives and sources, lower-cases names, keeps the first duplicate', () => {
    const d = parseCsp("Default-Src 'none';  script-src 'self'  ;; script-src *; img-src 'self' data:")
    expect(d.get('default-src')).toEqual(["'none'"])
    expect(d.get('script-src')).toEqual(["'self'"])
    expect(d.get('img-src')).toEqual(["'self'", 'data:'])
    expect(d.size).toBe(3)
  })
})

describe('cspProblems', () => {
  const table: Array<[string, string, RegExp | null]> = [
    ['the shipped policy', RENDERER_CSP, null],
    ['unsafe-eval', RENDERER_CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-eval'"), /unsafe-eval/],
    ['inline script', RENDERER_CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'"), /script-src/],
    ['wildcard images', RENDERER_CSP.replace('img-src', 'img-src *'), /remote/],
    ['remote connect', RENDERER_CSP.replace("connect-src 'self'", "connect-src 'self' https://cdn.example"), /remote/],
    ['no default-src', RENDERER_CSP.replace("default-src 'none'; ", ''), /default-src/],
    ['no object-src', RENDERER_CSP.replace("object-src 'none'; ", ''), /object-src/],
    ['open base-uri', RENDERER_CSP.replace("base-uri 'none'", "base-uri 'self'"), /base-uri/]
  ]
  it.each(table)('%s', (_name, policy, problem) => {
    const problems = cspProblems(policy)
    if (problem === null) expect(problems).toEqual([])
    else expect(problems.join('; ')).toMatch(problem)
  })

  it('the header policy denies framing, forms, and every fetch it does not name', () => {
    const d = parseCsp(RENDERER_CSP)
    expect(d.get('frame-ancestors')).toEqual(["'none'"])
    expect(d.get('form-action')).toEqual(["'none'"])
    expect(d.get('connect-src')).toEqual(["'self'"])
  })
})

describe('the built renderer (out/renderer/index.html)', () => {
  it.skipIf(!existsSync(builtIndex))('ships a meta CSP as strict as the header, without unsafe-eval', () => {
    const html = readFileSync(builtIndex, 'utf8')
    const policy = metaCsp(html)
    expect(policy, 'index.html has no CSP <meta>').not.toBeNull()
    expect(cspProblems(policy!)).toEqual([])
    const meta = parseCsp(policy!)
    const header = parseCsp(RENDERER_CSP)
    // Every directive in the meta must be at least as strict as the header's (same sources or fewer).
    for (const [name, sources] of meta) {
      const allowed = header.get(name)
      if (allowed) expect(allowed, name).toEqual(expect.arrayContaining([...sources]))
    }
    // And the meta carries every directive of the header (a page opened without the header, e.g. from
    // disk, keeps them), but frame-ancestors, which browsers ignore in a <meta>.
    for (const name of header.keys()) if (name !== 'frame-ancestors') expect(meta.has(name), `meta CSP lacks ${name}`).toBe(true)
    // Scripts come only from the app itself: no inline <script> bodies, no remote src.
    for (const tag of html.match(/<script\b[^>]*>[\s\S]*?<\/script>/gi) ?? []) {
      expect(tag).toMatch(/\bsrc\s*=\s*"\.?\/?[^":]*"/i)
      expect(tag).not.toMatch(/src\s*=\s*"(https?:)?\/\//i)
    }
  })
})
