// The app:// and app-img:// handlers under plain Node (web Request/Response are global in Node 20).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createImageHandler, createRendererHandler, imageRequestFromUrl, rendererPathFromUrl } from '../../src-main/main/protocol-handlers'
import type { ImageFileRef } from '../../src-main/core/serve/image-files'

describe('rendererPathFromUrl', () => {
  it.each([
    ['app://renderer/', 'index.html'],
    ['app://renderer/index.html', 'index.html'],
    ['app://renderer/assets/a.js?v=1', 'assets/a.js'],
    ['app://renderer/..%2f..%2fetc/passwd', '..%2f..%2fetc/passwd'], // still encoded: resolveInside decides
    ['app://other/index.html', null],
    ['app://x@renderer/index.html', null],
    ['app-img://renderer/index.html', null],
    ['file:///etc/passwd', null],
    ['not a url', null]
  ])('%s -> %s', (url, expected) => {
    expect(rendererPathFromUrl(url)).toBe(expected)
  })
})

describe('imageRequestFromUrl', () => {
  it.each([
    ['app-img://img/12', { id: 12, variant: 'full' }],
    ['app-img://thumb/12', { id: 12, variant: 'thumb' }],
    ['app-img://img/012', null],
    ['app-img://img/12/..', null],
    ['app-img://img/..%2f12', null],
    ['app-img://img/12?x=1', null],
    ['app-img://img:81/12', null],
    ['app-img://evil/12', null],
    ['app-img://u@img/12', null],
    ['app-img://img/99999999999999999', null],
    ['app-img://img/', null],
    ['app://img/12', null]
  ])('%s -> %j', (url, expected) => {
    expect(imageRequestFromUrl(url)).toEqual(expected)
  })
})

describe('protocol handlers', () => {
  let dir: string
  const images = new Map<string, ImageFileRef>()
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'protocol-test-'))
    mkdirSync(join(dir, 'renderer/assets'), { recursive: true })
    writeFileSync(join(dir, 'renderer/index.html'), '<!doctype html>hi')
    writeFileSync(join(dir, 'renderer/assets/a.js'), '1')
    writeFileSync(join(dir, 'secret.txt'), 'top secret')
    mkdirSync(join(dir, 'imgs'))
    writeFileSync(join(dir, 'imgs/a.jpg'), 'jpegbytes')
    writeFileSync(join(dir, 'out.png'), 'png')
    symlinkSync(join(dir, 'out.png'), join(dir, 'imgs/link.png'))
    images.set('1/full', { root: join(dir, 'imgs'), path: join(dir, 'imgs/a.jpg') })
    images.set('2/full', { root: join(dir, 'imgs'), path: 'link.png' })
    images.set('3/thumb', { root: join(dir, 'imgs'), path: '../secret.txt' })
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('serves renderer files with CSP and nosniff, and nothing outside', async () => {
    const handle = createRendererHandler(join(dir, 'renderer'))
    const page = await handle(new Request('app://renderer/'))
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('hi')
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/)
    expect(page.headers.get('x-content-type-options')).toBe('nosniff')
    expect((await handle(new Request('app://renderer/assets/a.js'))).headers.get('content-type')).toMatch(/javascript/)
    for (const url of ['app://renderer/..%2fsecret.txt', 'app://renderer/%2e%2e/secret.txt', 'app://renderer/assets/..%252fa.js', 'app://evil/index.html']) {
      const res = await handle(new Request(url))
      expect(res.status, url).toBe(404)
    }
    expect((await handle(new Request('app://renderer/index.html', { method: 'POST', body: 'x' }))).status).toBe(405)
  })

  it('serves images by id only, refusing stored paths that leave their root', async () => {
    const refusals: string[] = []
    const handle = createImageHandler(
      (id, variant) => images.get(`${id}/${variant}`) ?? null,
      (l) => refusals.push(l)
    )
    const ok = await handle(new Request('app-img://img/1'))
    expect(ok.status).toBe(200)
    expect(ok.headers.get('content-type')).toBe('image/jpeg')
    expect(ok.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await ok.text()).toBe('jpegbytes')
    expect((await handle(new Request('app-img://img/2'))).status).toBe(404)
    expect((await handle(new Request('app-img://thumb/3'))).status).toBe(404)
    expect((await handle(new Request('app-img://img/4'))).status).toBe(404)
    expect(refusals.length).toBe(2)
  })
})
