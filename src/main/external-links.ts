/** Longer than any link the app shows; anything bigger is not a link we put there. */
const MAX_EXTERNAL_URL_LENGTH = 2048

/**
 * Checklist item 15: the only URLs handed to the OS are well-formed `https:` links. Returns the
 * normalised URL to open, or null. Whitespace, control characters (CRLF, NUL, tabs) and
 * backslashes anywhere in the raw text are refused rather than trimmed, because the OS handler
 * may parse them differently than we do. Credentials in the URL are refused too.
 */
export function externalLinkTarget(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_EXTERNAL_URL_LENGTH) return null
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff\\]/.test(raw)) return null
  // The raw text itself must read as an https URL with a host; no parser leniency.
  if (!/^https:\/\/[^/]/i.test(raw)) return null
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return null
  }
  if (url.protocol !== 'https:') return null
  if (url.username !== '' || url.password !== '') return null
  if (url.hostname === '') return null
  return url.href
}
