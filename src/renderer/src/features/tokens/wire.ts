import type { Bridge } from '../../bridge'
import { useTokensStore } from '../../store/tokens-store'
import { clipboardCleared, run, setTokensBridge } from './actions'
import { showNotice } from './notices'

export async function loadTokens(): Promise<void> {
  const store = useTokensStore.getState()
  store.loading()
  const result = await run('tokens.list', {})
  if (result.ok) useTokensStore.getState().loaded(result.value.tokens)
  else useTokensStore.getState().loadFailed(result.error)
}

/**
 * Feeds the tokens store from the bridge, outside React: the list on every (re)connect, then
 * `tokens.changed` deltas; `tokens.notice` and `clipboard.cleared` become toasts; `tokens.focus`
 * (a clicked OS notification) selects the token and opens its detail.
 * Returns the combined unsubscribe.
 */
export function wireTokens(bridge: Bridge): () => void {
  setTokensBridge(bridge)
  const unsubscribers = [
    bridge.onState((state) => {
      if (state === 'connected') void loadTokens()
    }),
    bridge.api.events['tokens.changed']((delta) => useTokensStore.getState().changed(delta)),
    bridge.api.events['tokens.notice']((notice) => {
      // Electron shows an OS notification for each notice; the toast is for the window in use.
      if (bridge.host === 'electron' && !document.hasFocus()) return
      showNotice(notice)
    }),
    bridge.api.events['clipboard.cleared'](({ reason }) => clipboardCleared(reason)),
    // A notification was clicked: show that token.
    bridge.api.events['tokens.focus'](({ tokenId }) => useTokensStore.getState().selected(tokenId, true))
  ]
  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe()
    setTokensBridge(null)
  }
}
