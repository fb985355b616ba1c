/**
 * Secret scrubbing for the HTTP client's error messages, details and log lines.
 *
 * Every secret is removed in the forms it can take on the wire: as is, URL-encoded (path,
 * query-component and form encodings) and base64 / base64url. Longer forms are replaced
 * first, and replacement runs to a fixed point, so a secret cannot reappear across the
 * boundary of an inserted marker.
 */

export const REDACTED = '[redacted]'

/** Shorter values are too common to redact without mangling ordinary words and port numbers. */
export const MIN_SECRET_LENGTH = 4

/** Shorter than MIN_SECRET_LENGTH, so no secret can ever hide inside it. */
const FALLBACK_MARKER = '***'

function formEncode(value: string): string {
  return new URLSearchParams([['v', value]]).toString().slice(2)
}

function pathEncode(value: string): string | null {
  try {
    return new URL(`http://h/${value}`).pathname.slice(1)
  } catch {
    return null
  }
}

/**
 * Characters every URL encoding here leaves as they are (form encoding escapes `~`, so it is not
 * one): a value made only of them is its own URL-encoded form. Most tokens are (JWTs, base64url,
 * hex), and skipping the encoders for them keeps scrubbing an error cheap when an account holds
 * hundreds of tokens (`npm run soak`: it was the engine's largest cost).
 */
const URL_SAFE = /^[A-Za-z0-9._-]*$/

/** The forms in which `secret` can appear in text we produce, longest first. */
export function secretForms(secret: string): string[] {
  if (secret.length < MIN_SECRET_LENGTH) return []
  const forms = new Set<string>()
  const add = (form: string | null): void => {
    if (form !== null && form.length >= MIN_SECRET_LENGTH) forms.add(form)
  }
  add(secret)
  const safely = (encode: (value: string) => string): void => {
    try {
      add(encode(secret))
    } catch {
      // encodeURI throws on lone surrogates; such a value cannot be in a URL either.
    }
  }
  if (!URL_SAFE.test(secret)) {
    safely(encodeURIComponent)
    safely(encodeURI)
    safely(formEncode)
    add(pathEncode(secret))
  }
  const b64 = Buffer.from(secret, 'utf8').toString('base64')
  add(b64)
  add(b64.replace(/=+$/, ''))
  add(Buffer.from(secret, 'utf8').toString('base64url'))
  return [...forms].sort((a, b) => b.length - a.length)
}

export type Scrub = (text: string) => string

/** A function that removes every form of every secret from a text. */
export function createScrubber(secrets: readonly string[]): Scrub {
  return scrubberOfForms(secrets.filter((s) => typeof s === 'string').flatMap(secretForms))
}

/** createScrubber for forms already computed with secretForms (callers that need them too). */
export function scrubberOfForms(allForms: readonly string[]): Scrub {
  const forms = [...new Set(allForms)].sort((a, b) => b.length - a.length)
  if (forms.length === 0) return (text) => text
  // A secret that is part of the marker would survive its own replacement: use a marker
  // shorter than any secret instead.
  const marker = forms.some((form) => REDACTED.includes(form)) ? FALLBACK_MARKER : REDACTED
  const present = (text: string): boolean => forms.some((form) => text.includes(form))
  return (text) => {
    let out = text
    for (let round = 0; round < 5 && present(out); round++) {
      for (const form of forms) out = out.split(form).join(marker)
    }
    // A secret rebuilt across a marker's edges: drop the whole text rather than leak.
    return present(out) ? FALLBACK_MARKER : out
  }
}

/** Scrubs every string inside plain data (objects, arrays), keys included. */
export function scrubDeep(value: unknown, scrub: Scrub): unknown {
  if (typeof value === 'string') return scrub(value)
  if (Array.isArray(value)) return value.map((item) => scrubDeep(item, scrub))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [scrub(key), scrubDeep(item, scrub)]))
  }
  return value
}
