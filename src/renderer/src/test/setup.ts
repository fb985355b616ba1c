import '@testing-library/jest-dom/vitest'
import { cleanup } from '@testing-library/react'
import { afterEach } from 'vitest'
import { useAccountsStore } from '../store/accounts-store'
import { useAppStore } from '../store/app-store'

// jsdom has no matchMedia; sonner's Toaster (theme "system") asks it for the colour scheme.
if (!window.matchMedia) {
  window.matchMedia = (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => {},
      removeListener: () => {},
      addEventListener: () => {},
      removeEventListener: () => {},
      dispatchEvent: () => false
    }) as MediaQueryList
}

const initial = useAppStore.getState()
const initialAccounts = useAccountsStore.getState()

afterEach(() => {
  cleanup()
  useAppStore.setState(initial, true)
  useAccountsStore.setState(initialAccounts, true)
})
