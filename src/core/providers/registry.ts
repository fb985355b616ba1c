import type { ProviderId } from '../../shared/model'
import { keycloakProxyProvider } from './keycloak-proxy'
import { playOxygenProvider } from './play-oxygen'
import { pocketpawProvider } from './pocketpaw'
import type { Provider } from './provider'
import { recipeProvider } from './recipe'
import { respokeProvider } from './respoke'

/** Every provider TokenDesk speaks. A new one is one module and one line here. */
export const PROVIDERS: Readonly<Record<ProviderId, Provider>> = {
  respoke: respokeProvider,
  pocketpaw: pocketpawProvider,
  'play-oxygen': playOxygenProvider,
  'keycloak-proxy': keycloakProxyProvider,
  recipe: recipeProvider
}
