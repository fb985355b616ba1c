import type { Api } from '../../shared/api'

declare global {
  interface Window {
    /** Present in Electron (exposed by the preload); absent in browser mode. */
    api?: Api
  }
}

export {}
