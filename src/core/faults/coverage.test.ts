/**
 * The faults and bad-input suite (issue 9): docs/security.md §7's 47 scenarios, one test each,
 * named "§7.<n> …", in this folder:
 *
 *   token-responses.test.ts     1–15  bad token-endpoint answers (sandbox fault injection)
 *   transport.test.ts          16–23  resets, stalls, 429/503, redirects, TLS, http://, dead proxy
 *   concurrency-time.test.ts   24–28  single flight, two instances, crash mid-rotation, skew and sleep
 *   keychain.test.ts           29–34  the whole core on a broken keychain (private D-Bus sessions;
 *                                     run with `bash scripts/with-keyring.sh npx vitest run src/core/faults`)
 *   ipc-clipboard-leaks.test.ts 38, 42–46  dispatch payloads, clipboard, error-path and crash leaks
 *   soak.test.ts, token-cache-flush.test.ts  the soak's loop, and the bug it found
 *
 * Not automated here (7 of 47), and why:
 *   §7.35 keytar items read by @napi-rs/keyring: that backend is not a dependency (this work may not
 *         npm install) and the migration path does not exist yet; nothing to run it against.
 *   §7.36 desktop-environment switch / safeStorage `basic_text`: Electron's safeStorage needs an
 *         Electron binary, which cannot be downloaded on our build machines; TokenDesk stores
 *         secrets through keytar or its own vault, not safeStorage.
 *   §7.37 IPC from a null/sub/foreign senderFrame, unknown channels: Electron main (src/main), which
 *         src/core may not import (lint boundary); covered by src/main/sender.test.ts and ipc.test.ts.
 *   §7.39 labels rendered as <img onerror> / javascript: links: React rendering and CSP, i.e. the
 *         renderer tests and the Playwright suite, not the plain-Node core.
 *   §7.40 window.open, location changes, file drag-and-drop, auxclick: the window factory's guards
 *         in src/main (window.test.ts) and Chromium end to end.
 *   §7.41 shell.openExternal with javascript:, file:, smb:, spaces, CRLF: src/main
 *         (external-links.test.ts).
 *   §7.47 renderer localStorage/IndexedDB after a session: the end-to-end leak hunt (Playwright).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { expect, it } from 'vitest'

const NOT_HERE = [35, 36, 37, 39, 40, 41, 47]

it('every §7 scenario is either a test in src/core/faults or listed above with its reason; at least 40 are automated', () => {
  const named = new Set<number>()
  for (const file of readdirSync(__dirname).filter((name) => name.endsWith('.test.ts') && name !== 'coverage.test.ts')) {
    for (const match of readFileSync(`${__dirname}/${file}`, 'utf8').matchAll(/\bit\('§7\.(\d+) /g)) named.add(Number(match[1]))
  }
  const automated = [...named].sort((a, b) => a - b)
  expect(automated.filter((n) => NOT_HERE.includes(n))).toEqual([])
  expect([...automated, ...NOT_HERE].sort((a, b) => a - b)).toEqual(Array.from({ length: 47 }, (_, i) => i + 1))
  expect(automated.length).toBeGreaterThanOrEqual(40)
})
