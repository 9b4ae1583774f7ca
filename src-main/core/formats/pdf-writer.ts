// A minimal PDF 1.4 writer: pages of Helvetica text (the standard Type1 fonts need no embedding),
// lines, filled rectangles and small RGB images. Content streams are uncompressed and all bytes are
// 8-bit, so object offsets in the xref table are exact string lengths; image samples are written as
// ASCII hex so the file stays plain text. Enough for report pages with tables, bar charts and thumbnails.

export type Rgb = readonly [number, number, number]

/** 8-bit RGB samples, row by row from the top. */
export interface RgbImage {
  width: number
  height: number
  rgb: Uint8Array
}

export const A4 = { width: 595.28, height: 841.89 } as const

/** Helvetica advance widths (1/1000 em) of the printable ASCII range, from the standard AFM metrics. */
const HELVETICA_WIDTHS = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611,
  778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833,
  556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584
]

/** Width of `text` in points at `size` (bold is ~5% wider; close enough for layout). */
export function textWidth(text: string, size: number, bold = false): number {
  let w = 0
  for (const ch of toWinAnsi(text)) {
    const code = ch.charCodeAt(0)
    w += code >= 32 && code <= 126 ? HELVETICA_WIDTHS[code - 32] : 556
  }
  return (w / 1000) * size * (bold ? 1.05 : 1)
}

/**
 * Maps text onto the WinAnsi (Latin-1 compatible) range the standard fonts use; characters outside it
 * become "?" so the PDF stays valid instead of showing garbage bytes.
 */
export function toWinAnsi(text: string): string {
  let out = ''
  for (const ch of text) {
    const code = ch.codePointAt(0) as number
    if (code === 0x2014 || code === 0x2013) out += '-'
    else if (code === 0x2026) out += '...'
    else if (code === 0x2192) out += '->'
    else if (code === 0x2018 || code === 0x2019) out += "'"
    else if (code === 0x201c || code === 0x201d) out += '"'
    else if ((code >= 32 && code <= 126) || (code >= 0xa0 && code <= 0xff)) out += ch
    else if (code === 9) out += ' '
    else out += '?'
  }
  return out
}

/** A PDF literal string: backslash, parentheses escaped; everything else is already 8-bit. */
function pdfString(text: string): string {
  return `(${toWinAnsi(text).replace(/[\\()]/g, (c) => `\\${c}`)})`
}

function n(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`PDF coordinate must be finite, got ${x}`)
  return String(Math.round(x * 100) / 100)
}

function colour(c: Rgb): string {
  return c.map((v) => n(Math.min(1, Math.max(0, v)))).join(' ')
}

export class PdfPage {
  private readonly ops: string[] = []
  /** Images drawn on this page, named /Im0, /Im1, ... in its resources. */
  readonly images: RgbImage[] = []
  constructor(
    readonly width: number,
    readonly height: number
  ) {}

  /** Text with its baseline at (x, y), y measured from the top of the page. */
  text(x: number, y: number, value: string, size = 10, options: { bold?: boolean; colour?: Rgb } = {}): void {
    const font = options.bold ? '/F2' : '/F1'
    this.ops.push(`BT ${font} ${n(size)} Tf ${colour(options.colour ?? [0, 0, 0])} rg ${n(x)} ${n(this.height - y)} Td ${pdfString(value)} Tj ET`)
  }

  line(x1: number, y1: number, x2: number, y2: number, options: { width?: number; colour?: Rgb } = {}): void {
    this.ops.push(`${n(options.width ?? 1)} w ${colour(options.colour ?? [0, 0, 0])} RG ${n(x1)} ${n(this.height - y1)} m ${n(x2)} ${n(this.height - y2)} l S`)
  }

  /** Rectangle with its top-left corner at (x, y). */
  rect(x: number, y: number, w: number, h: number, options: { fill?: Rgb; stroke?: Rgb } = {}): void {
    const box = `${n(x)} ${n(this.height - y - h)} ${n(w)} ${n(h)} re`
    if (options.fill && options.stroke) this.ops.push(`${colour(options.fill)} rg ${colour(options.stroke)} RG ${box} B`)
    else if (options.fill) this.ops.push(`${colour(options.fill)} rg ${box} f`)
    else this.ops.push(`${colour(options.stroke ?? [0, 0, 0])} RG ${box} S`)
  }

  /** An image scaled into the box with its top-left corner at (x, y). */
  image(x: number, y: number, w: number, h: number, img: RgbImage): void {
    if (!Number.isInteger(img.width) || !Number.isInteger(img.height) || img.width < 1 || img.height < 1 || img.rgb.length !== img.width * img.height * 3) {
      throw new Error(`PDF image must be width x height x 3 bytes, got ${img.rgb.length} for ${img.width}x${img.height}`)
    }
    const name = `/Im${this.images.length}`
    this.images.push(img)
    this.ops.push(`q ${n(w)} 0 0 ${n(h)} ${n(x)} ${n(this.height - y - h)} cm ${name} Do Q`)
  }

  content(): string {
    return this.ops.join('\n')
  }
}

export class PdfDocument {
  private readonly pages: PdfPage[] = []

  constructor(private readonly info: { title: string; producer?: string } = { title: '' }) {}

  addPage(width: number = A4.width, height: number = A4.height): PdfPage {
    const page = new PdfPage(width, height)
    this.pages.push(page)
    return page
  }

  get pageCount(): number {
    return this.pages.length
  }

  /** Pages in order, e.g. to add "page i of n" footers once the layout is done. */
  get allPages(): readonly PdfPage[] {
    return this.pages
  }

  /** The finished file. Object numbers: 1 catalog, 2 page tree, 3-4 fonts, 5 info, page + content pairs, then images. */
  toBytes(): Uint8Array {
    if (this.pages.length === 0) throw new Error('a PDF needs at least one page')
    const objects: string[] = []
    const pageIds = this.pages.map((_, i) => 6 + 2 * i)
    objects[1] = '<< /Type /Catalog /Pages 2 0 R >>'
    objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${this.pages.length} >>`
    objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>'
    objects[4] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>'
    objects[5] = `<< /Title ${pdfString(this.info.title)} /Producer ${pdfString(this.info.producer ?? 'PopAlign Studio')} >>`
    let nextId = 6 + 2 * this.pages.length
    this.pages.forEach((page, i) => {
      const id = pageIds[i]
      const stream = page.content()
      const xobjects = page.images.map((img, k) => {
        const imageId = nextId++
        const hex = `${hexOf(img.rgb)}>`
        objects[imageId] =
          `<< /Type /XObject /Subtype /Image /Width ${img.width} /Height ${img.height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /ASCIIHexDecode /Length ${hex.length} >>\nstream\n${hex}\nendstream`
        return `/Im${k} ${imageId} 0 R`
      })
      const resources = `/Font << /F1 3 0 R /F2 4 0 R >>${xobjects.length ? ` /XObject << ${xobjects.join(' ')} >>` : ''}`
      objects[id] = `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${n(page.width)} ${n(page.height)}] /Resources << ${resources} >> /Contents ${id + 1} 0 R >>`
      objects[id + 1] = `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`
    })
    // The binary comment line tells transfer tools the file is binary (PDF 32000 §7.5.2).
    let out = '%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n'
    const offsets: number[] = []
    for (let id = 1; id < objects.length; id++) {
      offsets[id] = out.length
      out += `${id} 0 obj\n${objects[id]}\nendobj\n`
    }
    const xref = out.length
    out += `xref\n0 ${objects.length}\n0000000000 65535 f \n`
    for (let id = 1; id < objects.length; id++) out += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`
    out += `trailer\n<< /Size ${objects.length} /Root 1 0 R /Info 5 0 R >>\nstartxref\n${xref}\n%%EOF\n`
    return latin1Bytes(out)
  }
}

function hexOf(bytes: Uint8Array): string {
  let out = ''
  for (const b of bytes) out += (b < 16 ? '0' : '') + b.toString(16)
  return out
}

/** One byte per character; every character here is < 256 by construction (toWinAnsi). */
function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c > 255) throw new Error(`internal: non-8-bit character U+${c.toString(16)} in PDF output`)
    out[i] = c
  }
  return out
}
