import type { CommandName, EventName } from './api'

/**
 * One sentence per command and event, for the generated reference (docs/contract.md). Typed
 * by the contract's keys, so adding a command without saying what it does does not compile.
 */
export const COMMAND_DOCS: Record<CommandName, string> = {
  'app.info': 'Name, version, host (electron or browser), platform and data directory.',
  'app.diagnostics': 'Health of the secret store, the settings file, the log file and the built-in sandbox.',
  'secrets.status': 'The secret backend in use and its health; with probeAlternatives, the others too.',
  'secrets.chooseBackend': 'Switches between keychain, vault and memory; with moveSecrets every secret is copied, verified, then deleted from the old store.',
  'vault.create': 'Creates the encrypted vault file with a passphrase (at least 8 characters).',
  'vault.unlock': 'Unlocks the vault with its passphrase.',
  'vault.lock': 'Locks the vault now.',
  'vault.changePassphrase': 'Re-encrypts the vault under a new passphrase.',
  'vault.setAutoLock': 'Minutes of inactivity before the vault locks itself (0 = never).',
  'providers.list': 'Every provider with the field schema of its accounts and apps, its flows and presets: forms are generated from this.',
  'preferences.get': 'Clipboard auto-clear seconds, the "expiring" threshold and whether notifications are on.',
  'preferences.update': 'Changes some preferences; answers all of them.',
  'accounts.list': 'Every account and app (metadata only: secrets are listed by name in secretsSet, never by value).',
  'accounts.create': 'Creates an account; secrets go to the secret store, the rest to settings.',
  'accounts.update': 'Changes an account; a stored secret is kept unless a new value is given ("" clears an optional one).',
  'accounts.remove': 'Removes an account with its apps, tokens and secrets.',
  'accounts.testLogin': 'Logs in once without keeping a token, for a saved account or an unsaved draft; answers a sentence and facts.',
  'accounts.runAction': 'Runs a flow that issues nothing, e.g. PocketPaw "regenerate-master" (every session token dies).',
  'apps.list': 'The apps (clients) of one account or of all.',
  'apps.create': 'Adds an app (Respoke app, Play Oxygen client, OAuth2 client) to an account.',
  'apps.update': 'Changes an app; stored secrets are kept unless new values are given.',
  'apps.remove': 'Removes an app with its tokens and secrets.',
  'apps.import': 'Respoke: imports the apps the server lists (GET /apps with the Admin-Token); their secrets are added by hand.',
  'tokens.list': 'Metadata of every token: times, expiry source, state, renewal; never a value.',
  'tokens.issue': "Runs a flow for an account or app (the provider's primary flow when flow is omitted) and answers the new token's metadata.",
  'tokens.refresh': 'Renews a token now: with its refresh token where there is one, else by issuing again. Concurrent calls share one request.',
  'tokens.revoke': 'Logs the token out at the server where the API allows it (Respoke App-Token) and marks it revoked.',
  'tokens.forget': 'Forgets a token here; the server is not told.',
  'tokens.clearExpired': 'Removes every expired or revoked token (of one account, or all).',
  'tokens.inspect': 'What a token is without its value: JWT header and claims, PocketPaw expiry, or "opaque".',
  'tokens.audit': "The token's audit timeline: issued, refreshed, copied, revealed, expiring, expired, revoked, failed. Never a value.",
  'tokens.reveal': 'The value itself (audited); the UI hides it again after hideAfterMs.',
  'tokens.copy': 'Copies the value as raw, header, curl or an export line. Electron writes and later clears the clipboard; browser mode answers the text for the page.',
  'renewal.setPolicy': 'Auto-renew at a fraction of the lifetime, N seconds before expiry, or off, for an account or app and its tokens; optionally notifications on/off.',
  'recipes.test': 'Runs a recipe (saved or draft) once and shows what it extracted, masked.',
  'recipes.fromCurl': 'Turns a pasted curl command line into recipe fields; credentials in it become {{secret:…}} placeholders.'
}

export const EVENT_DOCS: Record<EventName, string> = {
  'app.diagnosticsChanged': 'Diagnostics changed (a health probe finished, the backend changed).',
  'secrets.statusChanged': 'The secret backend changed, or the vault locked or unlocked.',
  'accounts.changed': 'Accounts or apps were created, changed or removed: the whole (small) list.',
  'tokens.changed': 'A delta: tokens created or changed (upserted) and ids removed. Bursts are coalesced into one event.',
  'tokens.notice': 'A token expires soon, expired, or failed to renew: the host shows a notification or toast.',
  'clipboard.cleared': 'TokenDesk cleared the clipboard it had written (Electron only).',
  'preferences.changed': 'Preferences changed.',
  'tokens.focus': 'The host asks the window to show this token (a notification was clicked).'
}
