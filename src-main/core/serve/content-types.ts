// Content types the studio will ever send for a file. Anything not listed here is not served, so a
// dataset cannot make us hand out an `.html` or `.svg` file that the browser would run as a page.

/** Image files served by id (desktop `app-img://` and serve-mode `/img/<id>`). SVG is deliberately absent. */
export const IMAGE_CONTENT_TYPES: Readonly<Record<string, string>> = Object.freeze({
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp'
})

/** Files of the built renderer (out/renderer). */
export const RENDERER_CONTENT_TYPES: Readonly<Record<string, string>> = Object.freeze({
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wasm': 'application/wasm'
})

export const IMAGE_EXTENSIONS: readonly string[] = Object.freeze(Object.keys(IMAGE_CONTENT_TYPES))
export const RENDERER_EXTENSIONS: readonly string[] = Object.freeze(Object.keys(RENDERER_CONTENT_TYPES))

/** Lower-cased extension of a path including the dot, or '' when there is none. */
export function extensionOf(file: string): string {
  const base = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1)
  const dot = base.lastIndexOf('.')
  return dot <= 0 ? '' : base.slice(dot).toLowerCase()
}

/** The content type for `file` from `table`, or null when the extension is not allowed. */
export function contentTypeFor(file: string, table: Readonly<Record<string, string>>): string | null {
  const ext = extensionOf(file)
  return Object.prototype.hasOwnProperty.call(table, ext) ? table[ext] : null
}
