import { configure } from '@testing-library/react'
import type { Token } from '../../../../shared/model'
import { useTokensStore, NO_FILTERS } from '../../store/tokens-store'
import { useTokensUi } from './ui-store'

// Two cores shared by several engineers: give findBy* queries room under load.
configure({ asyncUtilTimeout: 4000 })

let n = 0

/** A token as the engine describes it (metadata only), live for 5 more minutes unless told. */
export function makeToken(over: Partial<Token> = {}, now = Date.now()): Token {
  n++
  return {
    id: `tok${n}`,
    accountId: 'acc-kc',
    appId: 'app-kc',
    providerId: 'keycloak-proxy',
    flow: 'password',
    kind: 'access',
    label: `Demo Keycloak · tokendesk-demo · access ${n}`,
    state: 'live',
    format: 'jwt',
    issuedAt: now - 5 * 60_000,
    expiresAt: now + 5 * 60_000,
    expirySource: 'jwt-exp',
    notBefore: null,
    skewMs: 0,
    refresh: null,
    renewal: { policy: { mode: 'fraction', fraction: 0.8 }, method: 'refresh-token', nextAt: now + 3 * 60_000, lastError: null, failures: 0 },
    renewals: [],
    header: { name: 'Authorization', prefix: 'Bearer ' },
    revocable: true,
    demo: true,
    updatedAt: now,
    ...over
  }
}

export function resetTokens(): void {
  useTokensStore.setState({ status: 'idle', error: null, byId: {}, selectedId: null, detailOpen: false, filters: NO_FILTERS })
  useTokensUi.setState({ confirm: null, revealRequest: null, panelHost: false, auditVersion: 0 })
}

/** What jsdom lacks and Radix menus need. */
export function polyfillDom(): void {
  const proto = window.HTMLElement.prototype as unknown as Record<string, unknown>
  proto.hasPointerCapture ??= () => false
  proto.setPointerCapture ??= () => {}
  proto.releasePointerCapture ??= () => {}
  proto.scrollIntoView ??= () => {}
  const g = globalThis as unknown as Record<string, unknown>
  g.ResizeObserver ??= class {
    observe(): void {}
    unobserve(): void {}
    disconnect(): void {}
  }
}

/** jsdom has no matchMedia; sonner's system theme and the detail's width query ask it. */
export function polyfillMatchMedia(wide = false): void {
  window.matchMedia = ((query: string) => ({
    matches: wide && query.includes('min-width'),
    media: query,
    onchange: null,
    addEventListener: () => {},
    removeEventListener: () => {},
    addListener: () => {},
    removeListener: () => {},
    dispatchEvent: () => false
  })) as unknown as typeof window.matchMedia
}
