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
 * `tokens.changed` deltas; `tokens.notice` and `clipboard.cleared` become toasts.
 * Returns the combined unsubscribe.
 */
export function wireTokens(bridge: Bridge): () => void {
  setTokensBridge(bridge)
  const unsubscribers = [
    bridge.onState((state) => {
      if (state === 'connected') void loadTokens()
    }),
    bridge.api.events['tokens.changed']((delta) => useTokensStore.getState().changed(delta)),
    bridge.api.events['tokens.notice']((notice) => showNotice(notice)),
    bridge.api.events['clipboard.cleared'](({ reason }) => clipboardCleared(reason))
  ]
  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe()
    setTokensBridge(null)
  }
}
