/**
 * A drop-in for react-style-singleton (aliased in electron.vite.config.ts), the helper that
 * react-remove-scroll uses to lock page scroll while a Radix dialog or menu is open. The original
 * adds a <style> element, which the page's CSP (style-src 'self', no 'unsafe-inline') refuses: the
 * lock never applied and Chromium logged an error each time. A constructed stylesheet, adopted by
 * the document, is CSSOM and allowed by that CSP. Same API and counting: the sheet is added when
 * the first user mounts and removed when the last one unmounts.
 */
import { useEffect, type FC } from 'react'

interface Singleton {
  add(css: string): void
  remove(): void
}

export function stylesheetSingleton(): Singleton {
  let users = 0
  let sheet: CSSStyleSheet | null = null
  return {
    add(css) {
      if (users === 0 && typeof document !== 'undefined') {
        sheet = new CSSStyleSheet()
        sheet.replaceSync(css)
        document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet]
      }
      users++
    },
    remove() {
      users--
      if (users === 0 && sheet) {
        const gone = sheet
        document.adoptedStyleSheets = document.adoptedStyleSheets.filter((adopted) => adopted !== gone)
        sheet = null
      }
    }
  }
}

export function styleHookSingleton(): (styles: string, isDynamic?: boolean) => void {
  const sheet = stylesheetSingleton()
  return (styles, isDynamic) => {
    useEffect(
      () => {
        sheet.add(styles)
        return () => sheet.remove()
      },
      // As the original: fixed styles are read once; dynamic ones re-apply when they change.
      // eslint-disable-next-line react-hooks/exhaustive-deps
      [styles && isDynamic]
    )
  }
}

export function styleSingleton(): FC<{ styles: string; dynamic?: boolean }> {
  const useStyle = styleHookSingleton()
  return function Sheet({ styles, dynamic }) {
    useStyle(styles, dynamic)
    return null
  }
}
