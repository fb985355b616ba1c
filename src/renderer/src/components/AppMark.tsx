import type { JSX } from 'react'

/**
 * The app icon (resources/icon.svg), drawn inline: an <img> of an SVG costs Chromium a separate SVG
 * document (~10 ms of main thread at start-up) and a request. Keep the two drawings in step.
 */
export function AppMark({ size }: { size: number }): JSX.Element {
  return (
    <svg viewBox="0 0 512 512" width={size} height={size} aria-hidden="true" focusable="false">
      <defs>
        <linearGradient id="app-mark-bg" x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor="#4c6ef5" />
          <stop offset="1" stopColor="#364fc7" />
        </linearGradient>
      </defs>
      <rect x="16" y="16" width="480" height="480" rx="112" fill="url(#app-mark-bg)" />
      <circle cx="256" cy="256" r="150" fill="none" stroke="#ffffff" strokeOpacity="0.25" strokeWidth="30" />
      <path d="M256 106 A150 150 0 1 1 120 320" fill="none" stroke="#ffffff" strokeWidth="30" strokeLinecap="round" />
      <circle cx="214" cy="256" r="46" fill="none" stroke="#ffffff" strokeWidth="26" />
      <path d="M258 256 H338 M312 256 V292 M338 256 V284" fill="none" stroke="#ffffff" strokeWidth="26" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  )
}
