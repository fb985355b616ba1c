import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { externalLinkTarget } from './external-links'

describe('externalLinkTarget', () => {
  it.each([
    ['https://example.com', 'https://example.com/'],
    ['https://docs.example/help?q=1#top', 'https://docs.example/help?q=1#top'],
    ['HTTPS://EXAMPLE.COM/Path', 'https://example.com/Path'],
    ['http://example.com/', null],
    ['javascript:alert(1)', null],
    ['JavaScript:alert(1)', null],
    ['file:///etc/passwd', null],
    ['file://server/share', null],
    ['smb://attacker.example/share', null],
    ['ms-settings:', null],
    ['ms-msdt:/id PCWDiagnostic', null],
    ['vscode://extension/x', null],
    ['data:text/html,<script>1</script>', null],
    ['app://tokendesk/index.html', null],
    [' https://example.com/', null],
    ['https://example.com/ ', null],
    ['\u00a0https://example.com/', null],
    ['https://example.com/\r\nX: 1', null],
    ['https://example.com/%0d%0a', 'https://example.com/%0d%0a'],
    ['https://exa\tmple.com/', null],
    ['https://example.com/\u0000', null],
    ['https://example.com/\u2028', null],
    ['https:\\\\example.com', null],
    ['https://user:pass@example.com/', null],
    ['https://user@example.com/', null],
    ['https:///path', null],
    ['https://', null],
    ['//example.com', null],
    ['example.com', null],
    ['', null],
    [`https://example.com/${'a'.repeat(3000)}`, null]
  ])('%j → %j', (raw, expected) => {
    expect(externalLinkTarget(raw)).toBe(expected)
  })

  it.each([[null], [undefined], [1], [{ href: 'https://example.com' }]])('refuses non-strings: %j', (value) => {
    expect(externalLinkTarget(value)).toBeNull()
  })

  it('only ever returns https URLs, and never throws (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.webUrl()), (raw) => {
        const target = externalLinkTarget(raw)
        if (target !== null) expect(new URL(target).protocol).toBe('https:')
      })
    )
  })
})
