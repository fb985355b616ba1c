/** What the rest of the renderer uses from the tokens feature (App, sidebar, account pages, palette). */
export { AllTokensView } from './AllTokensView'
export { TimelineView } from './TimelineView'
export { TokenList } from './TokenList'
export { TokenToaster } from './TokenToaster'
export { wireTokens, loadTokens } from './wire'
export { copyToken, refreshToken, selectToken, COPY_FORMAT_LABELS } from './actions'
