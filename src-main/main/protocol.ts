// Registers the custom schemes with Electron. The page lives at app://renderer (never file://, see
// docs/methods/security.md §Electron checklist, item 18) and images come from app-img:// by id, checked by resolveInside().
import { protocol } from 'electron'
import type { ImageFileLookup } from '../core/serve/image-files'
import { IMAGE_SCHEME, createImageHandler, createRendererHandler } from './protocol-handlers'
import { APP_SCHEME } from './security/urls'

/** Must run before `app` is ready. */
export function registerPrivilegedSchemes(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
    { scheme: IMAGE_SCHEME, privileges: { standard: true, secure: true } }
  ])
}

/** Runs once `app` is ready. */
export function handleSchemes(opts: { rendererDir: string; imageFile: ImageFileLookup; log: (line: string) => void }): void {
  protocol.handle(APP_SCHEME, createRendererHandler(opts.rendererDir))
  protocol.handle(IMAGE_SCHEME, createImageHandler(opts.imageFile, opts.log))
}
