// Request handlers for the two custom schemes, written against the web Request/Response types so
// they run (and are tested) under plain Node; ./protocol.ts registers them with Electron.
//   app://renderer/<file>          the built renderer (out/renderer), with CSP + nosniff headers
//   app-img://img/<id>, app-img://thumb/<id>   image bytes by database id, never by path
import { readFile } from 'node:fs/promises'
import type { ImageVariant } from '@shared/contract'
import { resolveInside } from '../core/fs/safe-path'
import { RENDERER_CONTENT_TYPES, RENDERER_EXTENSIONS, contentTypeFor } from '../core/serve/content-types'
import { pageSecurityHeaders } from '../core/serve/csp'
import { locateImage, parseImageId, type ImageFileLookup } from '../core/serve/image-files'
import { APP_HOST, APP_SCHEME } from './security/urls'

export const IMAGE_SCHEME = 'app-img'

function parseUrl(raw: string): URL | null {
  try {
    return new URL(raw)
  } catch {
    return null
  }
}

/** The still-encoded path of a renderer file for an app:// URL (`index.html` for `/`), or null. */
export function rendererPathFromUrl(raw: string): string | null {
  const url = parseUrl(raw)
  if (!url || url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST || url.username || url.password) return null
  return url.pathname === '/' || url.pathname === '' ? 'index.html' : url.pathname.slice(1)
}

/** `{id, variant}` for `app-img://img/<id>` or `app-img://thumb/<id>`, or null for anything else. */
export function imageRequestFromUrl(raw: string): { id: number; variant: ImageVariant } | null {
  const url = parseUrl(raw)
  if (!url || url.protocol !== `${IMAGE_SCHEME}:` || url.username || url.password || url.port || url.search) return null
  const variant: ImageVariant | null = url.host === 'img' ? 'full' : url.host === 'thumb' ? 'thumb' : null
  if (!variant) return null
  const id = parseImageId(url.pathname.slice(1))
  return id === null ? null : { id, variant }
}

function notFound(): Response {
  return new Response('Not Found', { status: 404, headers: { ...pageSecurityHeaders(), 'Content-Type': 'text/plain; charset=utf-8' } })
}

function onlyGet(request: Request): Response | null {
  return request.method === 'GET' || request.method === 'HEAD' ? null : new Response(null, { status: 405, headers: pageSecurityHeaders() })
}

export function createRendererHandler(rendererDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    const refused = onlyGet(request)
    if (refused) return refused
    const relative = rendererPathFromUrl(request.url)
    if (relative === null) return notFound()
    let file: string
    try {
      file = resolveInside(rendererDir, relative, { extensions: RENDERER_EXTENSIONS })
    } catch {
      return notFound()
    }
    const type = contentTypeFor(file, RENDERER_CONTENT_TYPES)
    if (!type) return notFound()
    const body = request.method === 'HEAD' ? null : new Uint8Array(await readFile(file))
    return new Response(body, { status: 200, headers: { ...pageSecurityHeaders(), 'Content-Type': type, 'Cache-Control': 'no-cache' } })
  }
}

export function createImageHandler(lookup: ImageFileLookup, log: (line: string) => void = () => {}): (request: Request) => Promise<Response> {
  return async (request) => {
    const refused = onlyGet(request)
    if (refused) return refused
    const wanted = imageRequestFromUrl(request.url)
    if (!wanted) return notFound()
    const image = await locateImage(lookup, wanted.id, wanted.variant, log)
    if (!image) return notFound()
    const body = request.method === 'HEAD' ? null : new Uint8Array(await readFile(image.file))
    return new Response(body, {
      status: 200,
      headers: { 'Content-Type': image.contentType, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'private, max-age=3600' }
    })
  }
}
