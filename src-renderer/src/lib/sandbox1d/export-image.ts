// Exports an on-screen SVG as a standalone .svg file or as a PNG, and hands either to the user as a
// download. The PNG is drawn from the same serialized SVG (through a blob: image, which the CSP
// allows) so both files show exactly what the screen shows.

const SVG_NS = 'http://www.w3.org/2000/svg'

/** A standalone SVG document: XML declaration, namespaces, and the element's current markup. */
export function serializeSvg(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement
  // Interaction-only parts (hover readouts) are marked so they never end up in a file.
  copy.querySelectorAll('[data-export="skip"]').forEach((el) => el.remove())
  copy.setAttribute('xmlns', SVG_NS)
  const markup = new XMLSerializer().serializeToString(copy)
  return `<?xml version="1.0" encoding="UTF-8"?>\n${markup}\n`
}

export function svgBlob(markup: string): Blob {
  return new Blob([markup], { type: 'image/svg+xml;charset=utf-8' })
}

/** Rasterises SVG markup of the given CSS size at `scale` device pixels per unit. */
export async function svgToPng(markup: string, width: number, height: number, scale = 2): Promise<Blob> {
  if (!(width > 0 && height > 0 && scale > 0)) throw new Error(`cannot draw a ${width}×${height} image at scale ${scale}`)
  const url = URL.createObjectURL(svgBlob(markup))
  try {
    const img = new Image(width, height)
    img.src = url
    try {
      await img.decode()
    } catch {
      throw new Error('the plot could not be drawn as an image (the SVG did not decode)')
    }
    const canvas = document.createElement('canvas')
    canvas.width = Math.round(width * scale)
    canvas.height = Math.round(height * scale)
    const ctx = canvas.getContext('2d')
    if (!ctx) throw new Error('this window cannot draw on a canvas, so no PNG can be made')
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height)
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the canvas produced no PNG data'))), 'image/png'))
  } finally {
    URL.revokeObjectURL(url)
  }
}

/** Offers a blob as a file download through an <a download> pointing at an object URL. */
export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  a.rel = 'noopener'
  a.style.display = 'none'
  document.body.append(a)
  a.click()
  a.remove()
  // The download has started from the click; the URL is released once the browser has read it.
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
