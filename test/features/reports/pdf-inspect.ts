// A small independent PDF reader for tests (no pdfinfo/pdftotext on this machine): checks the xref
// table against the real object offsets and pulls out the page tree and the text shown on each page.

export interface InspectedPdf {
  objects: Map<number, string>
  pageCount: number
  /** Text of the Tj operators of each page, in page-tree order. */
  pageTexts: string[]
}

function latin1(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return s
}

function unescapePdfString(s: string): string {
  return s.replace(/\\([\\()])/g, '$1')
}

export function inspectPdf(bytes: Uint8Array): InspectedPdf {
  const text = latin1(bytes)
  if (!text.startsWith('%PDF-1.')) throw new Error('no %PDF header')
  if (!text.trimEnd().endsWith('%%EOF')) throw new Error('no %%EOF trailer')
  const sx = /startxref\n(\d+)\n%%EOF\s*$/.exec(text)
  if (!sx) throw new Error('no startxref')
  const xrefAt = Number(sx[1])
  if (!text.startsWith('xref\n', xrefAt)) throw new Error(`startxref ${xrefAt} does not point at "xref"`)
  const head = /^xref\n0 (\d+)\n/.exec(text.slice(xrefAt))
  if (!head) throw new Error('bad xref subsection header')
  const size = Number(head[1])
  const entriesAt = xrefAt + head[0].length
  const objects = new Map<number, string>()
  for (let id = 0; id < size; id++) {
    const entry = text.slice(entriesAt + id * 20, entriesAt + (id + 1) * 20)
    if (!/^\d{10} \d{5} [nf] \n$/.test(entry)) throw new Error(`xref entry ${id} is malformed: ${JSON.stringify(entry)}`)
    if (entry[17] === 'f') continue
    const offset = Number(entry.slice(0, 10))
    const prefix = `${id} 0 obj\n`
    if (!text.startsWith(prefix, offset)) throw new Error(`xref offset ${offset} of object ${id} points at ${JSON.stringify(text.slice(offset, offset + 12))}`)
    const end = text.indexOf('\nendobj\n', offset)
    objects.set(id, text.slice(offset + prefix.length, end))
  }
  const trailer = /trailer\n<< \/Size (\d+) \/Root (\d+) 0 R/.exec(text)
  if (!trailer || Number(trailer[1]) !== size) throw new Error('trailer /Size does not match the xref')
  const catalog = objects.get(Number(trailer[2])) ?? ''
  const pagesRef = /\/Pages (\d+) 0 R/.exec(catalog)
  if (!pagesRef) throw new Error('catalog has no /Pages')
  const pages = objects.get(Number(pagesRef[1])) ?? ''
  const count = Number(/\/Count (\d+)/.exec(pages)?.[1])
  const kids = [...(/\/Kids \[([^\]]*)\]/.exec(pages)?.[1] ?? '').matchAll(/(\d+) 0 R/g)].map((m) => Number(m[1]))
  if (kids.length !== count) throw new Error(`/Count ${count} but ${kids.length} kids`)
  const pageTexts = kids.map((kid) => {
    const page = objects.get(kid) ?? ''
    if (!page.includes('/Type /Page ')) throw new Error(`object ${kid} is not a page`)
    const contents = Number(/\/Contents (\d+) 0 R/.exec(page)?.[1])
    const stream = objects.get(contents) ?? ''
    const m = /^<< \/Length (\d+) >>\nstream\n([\s\S]*)\nendstream$/.exec(stream)
    if (!m) throw new Error(`content stream of page ${kid} is malformed`)
    if (m[2].length !== Number(m[1])) throw new Error(`content stream of page ${kid}: /Length ${m[1]} but ${m[2].length} bytes`)
    return [...m[2].matchAll(/\(((?:\\.|[^\\)])*)\) Tj/g)].map((t) => unescapePdfString(t[1])).join('\n')
  })
  return { objects, pageCount: count, pageTexts }
}
