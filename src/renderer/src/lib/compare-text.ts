/**
 * Printable ASCII in the order of the Unicode collation that English uses (CLDR root), one entry
 * per primary weight: a letter's two cases share one, the lowercase sorting first on a tie.
 */
const ASCII_COLLATION_ORDER = [
  ' ', '_', '-', ',', ';', ':', '!', '?', '.', "'", '"', '(', ')', '[', ']', '{', '}', '@', '*', '/', '\\', '&', '#', '%', '`', '^',
  '+', '<', '=', '>', '|', '~', '$', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9',
  'aA', 'bB', 'cC', 'dD', 'eE', 'fF', 'gG', 'hH', 'iI', 'jJ', 'kK', 'lL', 'mM', 'nN', 'oO', 'pP', 'qQ', 'rR', 'sS', 'tT', 'uU', 'vV', 'wW', 'xX', 'yY', 'zZ'
]

const PRIMARY = new Uint8Array(128)
ASCII_COLLATION_ORDER.forEach((chars, index) => {
  for (const char of chars) PRIMARY[char.charCodeAt(0)] = index + 1
})

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/

let englishLocale: boolean | undefined

/**
 * `a.localeCompare(b)`, without building ICU's collator when both are printable ASCII and the
 * locale is English: the page's first localeCompare costs ~20-45 ms, and the token filters sort
 * account names at start-up (issue 10). Anything else goes to localeCompare.
 */
export function compareText(a: string, b: string): number {
  englishLocale ??= /^en(-|$)/i.test(navigator.language)
  if (!englishLocale || !PRINTABLE_ASCII.test(a) || !PRINTABLE_ASCII.test(b)) return a.localeCompare(b)
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i++) {
    const difference = PRIMARY[a.charCodeAt(i)]! - PRIMARY[b.charCodeAt(i)]!
    if (difference !== 0) return difference < 0 ? -1 : 1
  }
  if (a.length !== b.length) return a.length < b.length ? -1 : 1
  // Same letters, ignoring case: the first case difference decides, lowercase first.
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) return x > y ? -1 : 1
  }
  return 0
}
