import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { APP_ENTRY_URL, APP_ORIGIN, devServerOrigin, isTrustedUrl, originOf, rendererEntryUrl, trustedOrigins } from './origins'

describe('originOf', () => {
  it.each([
    ['app://tokendesk/index.html', 'app://tokendesk'],
    ['app://tokendesk', 'app://tokendesk'],
    ['app://tokendesk.evil/x', 'app://tokendesk.evil'],
    ['app://tokendesk:1234/x', 'app://tokendesk:1234'],
    ['http://localhost:5173/', 'http://localhost:5173'],
    ['https://example.com/a?b#c', 'https://example.com'],
    ['app://user@tokendesk/', null],
    ['https://user:pw@example.com/', null],
    ['app:tokendesk/index.html', null],
    ['app:///index.html', null],
    ['file:///etc/passwd', null],
    ['javascript:alert(1)', null],
    ['data:text/html,x', null],
    ['about:blank', null],
    ['blob:app://tokendesk/1234', null],
    ['not a url', null],
    ['', null],
    [`https://example.com/${'a'.repeat(9000)}`, null]
  ])('%j → %j', (url, origin) => {
    expect(originOf(url)).toBe(origin)
  })

  it.each([[null], [undefined], [42], [{}], [['app://tokendesk/']]])('never throws on %j', (value) => {
    expect(originOf(value)).toBeNull()
  })

  it('never throws on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => {
      originOf(text)
    }))
  })
})

describe('trusted origins', () => {
  it('is only the app origin when packaged, whatever the environment says', () => {
    expect([...trustedOrigins({ isPackaged: true, devServerUrl: 'http://localhost:5173/' })]).toEqual([APP_ORIGIN])
  })

  it('adds the exact dev-server origin when not packaged', () => {
    expect([...trustedOrigins({ isPackaged: false, devServerUrl: 'http://localhost:5173/' })]).toEqual([
      APP_ORIGIN,
      'http://localhost:5173'
    ])
  })

  it.each([['file:///tmp/index.html'], ['javascript:1'], ['garbage'], ['']])('ignores an unusable dev URL %j', (devServerUrl) => {
    expect(devServerOrigin({ isPackaged: false, devServerUrl })).toBeNull()
    expect([...trustedOrigins({ isPackaged: false, devServerUrl })]).toEqual([APP_ORIGIN])
  })

  it('trusts no URL whose origin differs from the app origin (property)', () => {
    const origins = trustedOrigins({ isPackaged: true })
    fc.assert(
      fc.property(fc.webUrl({ validSchemes: ['http', 'https'], withQueryParameters: true, withFragments: true }), (url) => {
        expect(isTrustedUrl(url, origins)).toBe(false)
      })
    )
    fc.assert(
      fc.property(fc.domain(), fc.webPath(), (host, path) => {
        fc.pre(host !== 'tokendesk')
        expect(isTrustedUrl(`app://${host}${path}`, origins)).toBe(false)
      })
    )
  })
})

describe('rendererEntryUrl', () => {
  it('loads the bundled renderer when packaged, even if a dev URL is set', () => {
    expect(rendererEntryUrl({ isPackaged: true, devServerUrl: 'http://localhost:5173/' })).toBe(APP_ENTRY_URL)
  })
  it('loads the dev server in dev', () => {
    expect(rendererEntryUrl({ isPackaged: false, devServerUrl: 'http://localhost:5173/' })).toBe('http://localhost:5173/')
  })
  it('loads the bundled renderer in an unpackaged run without a dev server', () => {
    expect(rendererEntryUrl({ isPackaged: false })).toBe(APP_ENTRY_URL)
  })
})
