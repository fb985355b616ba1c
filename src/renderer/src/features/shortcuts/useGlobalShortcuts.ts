import { useEffect } from 'react'
import { useAppStore, type View } from '../../store/app-store'
import { isTypingTarget } from './keys'

const ALT_VIEWS: Record<string, View> = { '1': 'all-tokens', '2': 'diagnostics', '3': 'settings' }

/** Ctrl/Cmd+K, `?`, Alt+1/2/3: the shortcuts that work on every page (the sheet lists them). */
export function useGlobalShortcuts(): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      const store = useAppStore.getState()
      // Alt+digit: event.code survives layouts where Alt changes the character (macOS: Alt+1 = ¡).
      const digit = /^Digit([1-3])$/.exec(event.code)?.[1] ?? (ALT_VIEWS[event.key] ? event.key : undefined)
      if (event.altKey && !event.ctrlKey && !event.metaKey && digit && ALT_VIEWS[digit]) {
        event.preventDefault()
        store.overlayOpened(null)
        store.viewChosen(ALT_VIEWS[digit])
        return
      }
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'k') {
        event.preventDefault()
        store.overlayOpened(store.overlay === 'palette' ? null : 'palette')
        return
      }
      if (event.key === '?' && !event.ctrlKey && !event.metaKey && !event.altKey && !isTypingTarget(event.target) && store.overlay === null) {
        event.preventDefault()
        store.overlayOpened('shortcuts')
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])
}
