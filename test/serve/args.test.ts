import { describe, expect, it } from 'vitest'
import { defaultWorkspaceDir, parseServeArgs } from '../../src-main/core/serve/args'

describe('parseServeArgs', () => {
  const env = {}
  it('defaults to loopback, the remembered port (null: none given), and ~/.popalign-studio', () => {
    expect(parseServeArgs([], env, '/home/u')).toEqual({ workspaceDir: '/home/u/.popalign-studio', host: '127.0.0.1', port: null })
  })

  it('takes POPALIGN_WORKSPACE, then --workspace over it', () => {
    expect(defaultWorkspaceDir({ POPALIGN_WORKSPACE: '/data/ws' }, '/home/u')).toBe('/data/ws')
    expect(defaultWorkspaceDir({ POPALIGN_WORKSPACE: '  ' }, '/home/u')).toBe('/home/u/.popalign-studio')
    expect(parseServeArgs(['--workspace', '/x'], { POPALIGN_WORKSPACE: '/data/ws' }, '/h').workspaceDir).toBe('/x')
  })

  it('reads every option in both spellings', () => {
    expect(parseServeArgs(['--port', '8080', '--host=0.0.0.0', '--public-origin', 'https://s.example.org', '--workspace=/w'], env, '/h')).toEqual({
      workspaceDir: '/w',
      host: '0.0.0.0',
      port: 8080,
      publicOrigin: 'https://s.example.org'
    })
  })

  it.each([
    [['--port'], /--port needs a value/],
    [['--port', '--host'], /--port needs a value/],
    [['--port', 'http'], /not a port number/],
    [['--port', '70000'], /not a port number/],
    [['--port', '-1'], /needs a value|not a port/],
    [['--host', 'a b'], /not a host name/],
    [['--host', 'evil/x'], /not a host name/],
    [['--verbose'], /unknown option "--verbose"/],
    [['serve'], /unexpected argument "serve"/],
    [['--help'], /usage:/]
  ])('refuses %j', (argv, message) => {
    expect(() => parseServeArgs(argv, env, '/h')).toThrow(message)
  })
})
