import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createScrubber, REDACTED, scrubberOfForms, secretForms } from './redact'

/** 1,000 per property; `npm run mutation` lowers it (TD_PROPERTY_RUNS) so each mutant runs in seconds. */
const NUM_RUNS = Number(process.env.TD_PROPERTY_RUNS) || 1000

/** Every encoding a secret can take in a URL, a form body or base64 (what secretForms promises to cover). */
function everyEncoding(secret: string): string[] {
  const out = [secret, encodeURIComponent(secret), encodeURI(secret), new URLSearchParams([['v', secret]]).toString().slice(2)]
  out.push(new URL(`http://h/${secret}`).pathname.slice(1))
  const b64 = Buffer.from(secret, 'utf8').toString('base64')
  out.push(b64, b64.replace(/=+$/, ''), Buffer.from(secret, 'utf8').toString('base64url'))
  return out.filter((form) => form.length >= 4)
}

const tokenChars = fc.stringMatching(/^[A-Za-z0-9._~+/=-]{4,80}$/)

describe('secretForms: every wire form of a secret, computed cheaply', () => {
  it('covers each URL, form and base64 encoding of any token-like value (the fast path for URL-safe values loses none)', () => {
    fc.assert(
      fc.property(tokenChars, (secret) => {
        const forms = new Set(secretForms(secret))
        for (const encoded of everyEncoding(secret)) expect(forms.has(encoded), `${secret} → ${encoded}`).toBe(true)
      }),
      { numRuns: NUM_RUNS }
    )
  })

  it('a value with characters URL encoders change gets its encoded forms (space, ~ in a form body, non-ASCII)', () => {
    expect(secretForms('pass word~é')).toEqual(expect.arrayContaining(['pass%20word~%C3%A9', 'pass+word%7E%C3%A9']))
    expect(secretForms('a~b~c')).toContain('a%7Eb%7Ec')
  })

  it('scrubberOfForms(forms of the secrets) scrubs exactly like createScrubber(secrets)', () => {
    fc.assert(
      fc.property(fc.array(tokenChars, { minLength: 1, maxLength: 4 }), fc.string({ maxLength: 40 }), (secrets, noise) => {
        const text = `${noise} ${secrets.map((s, i) => everyEncoding(s)[i % 8] ?? s).join(' ')} ${noise}`
        const scrubbed = scrubberOfForms(secrets.flatMap(secretForms))(text)
        expect(scrubbed).toBe(createScrubber(secrets)(text))
        for (const secret of secrets) expect(scrubbed.includes(secret) && !REDACTED.includes(secret)).toBe(false)
      }),
      { numRuns: NUM_RUNS }
    )
  })
})
