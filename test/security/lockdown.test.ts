// lockDownSession against a fake of Electron's Session (the Electron boundary): what it installs
// must refuse what the checklist says.
import { describe, expect, it } from 'vitest'
import { BLOCKED_REQUEST_URLS, lockDownSession, type LockableSession } from '../../src-main/main/lockdown'

type Fn = (...args: never[]) => unknown

function fakeSession() {
  const installed: Record<string, Fn> = {}
  let filter: { urls: string[] } | null = null
  const ses = {
    setPermissionRequestHandler: (h: Fn) => (installed.request = h),
    setPermissionCheckHandler: (h: Fn) => (installed.check = h),
    setDevicePermissionHandler: (h: Fn) => (installed.device = h),
    webRequest: {
      onBeforeRequest: (f: { urls: string[] }, h: Fn) => {
        filter = f
        installed.beforeRequest = h
      }
    },
    protocol: { handle: (scheme: string, h: Fn) => (installed[`protocol:${scheme}`] = h) }
  }
  return { ses: ses as unknown as LockableSession, installed, filter: () => filter }
}

describe('lockDownSession', () => {
  it('asks decidePermission for requests and checks (default deny)', () => {
    const { ses, installed } = fakeSession()
    lockDownSession(ses)
    const ask = (permission: string, url: string): boolean => {
      let answer: boolean | null = null
      ;(installed.request as unknown as (wc: unknown, p: string, cb: (g: boolean) => void, d: { requestingUrl: string }) => void)(null, permission, (g) => (answer = g), { requestingUrl: url })
      return answer!
    }
    expect(ask('geolocation', 'app://renderer/index.html')).toBe(false)
    expect(ask('notifications', 'app://renderer/index.html')).toBe(false)
    expect(ask('clipboard-sanitized-write', 'app://renderer/index.html')).toBe(true)
    expect(ask('clipboard-sanitized-write', 'https://evil.example/')).toBe(false)
    const check = installed.check as unknown as (wc: unknown, p: string, origin: string) => boolean
    expect(check(null, 'media', 'app://renderer')).toBe(false)
    expect(check(null, 'clipboard-sanitized-write', 'app://renderer')).toBe(true)
    expect((installed.device as unknown as () => boolean)()).toBe(false)
  })

  it('cancels every network request and refuses file://', async () => {
    const { ses, installed, filter } = fakeSession()
    lockDownSession(ses)
    expect(filter()?.urls).toEqual(BLOCKED_REQUEST_URLS)
    let response: unknown = null
    ;(installed.beforeRequest as unknown as (d: { url: string }, cb: (r: unknown) => void) => void)({ url: 'https://cdn.example/x.js' }, (r) => (response = r))
    expect(response).toEqual({ cancel: true })
    const file = (installed['protocol:file'] as unknown as (r: Request) => Response)(new Request('file:///etc/passwd'))
    expect(file.status).toBe(403)
    expect(await file.text()).not.toMatch(/root:/)
  })
})
