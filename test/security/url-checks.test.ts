import { describe, expect, it } from 'vitest'
import { APP_ORIGIN, isInternalUrl, vetExternalUrl } from '../../src-main/main/security/urls'
import { validateSender } from '../../src-main/main/security/sender'
import { decidePermission } from '../../src-main/main/security/permissions'

describe('isInternalUrl', () => {
  const table: Array<[unknown, boolean]> = [
    ['app://renderer/index.html', true],
    ['app://renderer/', true],
    ['APP://RENDERER/index.html', true],
    ['app://renderer/assets/index-abc.js?x=1#h', true],
    ['app://renderer.evil.com/index.html', false], // lookalike host
    ['app://rendererx/index.html', false],
    ['app://evil/renderer', false],
    ['app://user@renderer/index.html', false], // userinfo
    ['app://renderer:pw@renderer/index.html', false],
    ['app://renderer@evil/index.html', false],
    ['app://renderer:8080/index.html', false], // port differs
    ['https://renderer/index.html', false], // scheme differs
    ['http://localhost:5173/', false],
    ['javascript:alert(1)', false],
    ['file:///etc/passwd', false],
    ['file://renderer/index.html', false],
    ['data:text/html,<script>1</script>', false],
    ['about:blank', false],
    ['//renderer/index.html', false], // protocol-relative, no base
    ['/index.html', false],
    ['', false],
    [null, false],
    [undefined, false],
    [42, false],
    ['app://' + 'a'.repeat(9000), false]
  ]
  it.each(table)('%s -> %s', (url, expected) => {
    expect(isInternalUrl(url)).toBe(expected)
  })

  it('accepts an extra trusted origin (dev server) by exact scheme, host and port', () => {
    const trusted = [APP_ORIGIN, 'http://localhost:5173']
    expect(isInternalUrl('http://localhost:5173/src/main.ts', trusted)).toBe(true)
    expect(isInternalUrl('http://localhost:5174/', trusted)).toBe(false)
    expect(isInternalUrl('https://localhost:5173/', trusted)).toBe(false)
    expect(isInternalUrl('http://localhost:5173.evil.com/', trusted)).toBe(false)
    expect(isInternalUrl('http://localhost.evil.com:5173/', trusted)).toBe(false)
  })
})

describe('vetExternalUrl (shell.openExternal)', () => {
  const table: Array<[unknown, string | null]> = [
    ['https://arxiv.org/abs/2406.19668', 'https://arxiv.org/abs/2406.19668'],
    ['HTTPS://Example.COM/a b', 'https://example.com/a%20b'],
    ['http://example.com/', null], // https only
    ['file:///etc/passwd', null],
    ['smb://host/share', null],
    ['ms-msdt:/id PCWDiagnostic', null],
    ['javascript:alert(1)', null],
    ['mailto:someone@example.com', null],
    ['//evil.example/path', null], // protocol-relative
    ['https://user:pw@example.com/', null],
    ['https://user@example.com/', null],
    ['https:///no-host', 'https://no-host/'], // WHATWG fixes up the slashes; still a plain host
    ['https://', null],
    ['app://renderer/index.html', null],
    ['vscode://file/etc/passwd', null],
    ['  https://example.com  ', 'https://example.com/'],
    ['', null],
    [null, null],
    [{ href: 'https://example.com' }, null]
  ]
  it.each(table)('%s -> %s', (url, expected) => {
    expect(vetExternalUrl(url)).toBe(expected)
  })
})

describe('validateSender (IPC)', () => {
  const table: Array<[string, { url: string | null | undefined; isMainFrame: boolean } | null, boolean]> = [
    ['our main frame', { url: 'app://renderer/index.html', isMainFrame: true }, true],
    ['our origin but a subframe', { url: 'app://renderer/index.html', isMainFrame: false }, false],
    ['foreign main frame', { url: 'https://evil.example/', isMainFrame: true }, false],
    ['lookalike host', { url: 'app://renderer.evil/index.html', isMainFrame: true }, false],
    ['userinfo', { url: 'app://x@renderer/index.html', isMainFrame: true }, false],
    ['file page', { url: 'file:///tmp/x.html', isMainFrame: true }, false],
    ['about:blank', { url: 'about:blank', isMainFrame: true }, false],
    ['no url (frame destroyed)', { url: undefined, isMainFrame: true }, false],
    ['null url', { url: null, isMainFrame: true }, false],
    ['no sender', null, false]
  ]
  it.each(table)('%s', (_name, sender, expected) => {
    expect(validateSender(sender)).toBe(expected)
  })
})

describe('decidePermission (default deny)', () => {
  const ours = 'app://renderer/index.html'
  const table: Array<[string, string | null, boolean]> = [
    ['clipboard-sanitized-write', ours, true],
    ['clipboard-sanitized-write', 'https://evil.example/', false],
    ['clipboard-sanitized-write', null, false],
    ['clipboard-read', ours, false],
    ['geolocation', ours, false],
    ['media', ours, false],
    ['notifications', ours, false],
    ['openExternal', ours, false],
    ['fullscreen', ours, false],
    ['hid', ours, false],
    ['usb', ours, false],
    ['serial', ours, false],
    ['midiSysex', ours, false],
    ['display-capture', ours, false],
    ['unknown', ours, false],
    ['', ours, false]
  ]
  it.each(table)('%s from %s -> %s', (permission, url, expected) => {
    expect(decidePermission(permission, url)).toBe(expected)
  })
})
