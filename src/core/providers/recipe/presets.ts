import type { ProviderInfo } from '../../../shared/model'

/**
 * Ready-made recipes that reproduce two built-in APIs: proof that a recipe can describe
 * them, and examples to start from. Base URLs are left to the user (the sandbox's port
 * changes per run); secrets are entered in the form, never stored in a preset.
 */
export const RECIPE_PRESETS: ProviderInfo['presets'] = [
  {
    id: 'pocketpaw-session',
    label: 'PocketPaw session (as a recipe)',
    description:
      'Exchanges a PocketPaw master token for a session token; the expiry is the answer\'s expires_in_hours. Base URL: the server, e.g. http://localhost:8888. DEMO ONLY: the built-in sandbox\'s master token is de000000-0000-4000-8000-0000000000aa.',
    fields: {
      method: 'POST',
      url: '{{field:baseUrl}}/api/auth/session',
      headers: 'Authorization: Bearer {{secret:masterToken}}\nAccept: application/json',
      body: '',
      tokenFrom: 'json:/session_token',
      expiryFrom: 'json:/expires_in_hours',
      expiryFormat: 'hours',
      headerName: 'Authorization',
      headerPrefix: 'Bearer',
      variables: ''
    }
  },
  {
    id: 'play-oxygen-session',
    label: 'Play Oxygen client session (as a recipe)',
    description:
      'Logs a Play Oxygen client in with its api_key and secret; the JWT\'s exp claim is the expiry. Set clientId in Variables. DEMO ONLY: the built-in sandbox\'s client 1001 has api_key po2_demo_123456789 and secret sandbox_demo_123456789.',
    fields: {
      method: 'POST',
      url: '{{field:baseUrl}}/api/auth/session/{{field:clientId}}',
      headers: 'Content-Type: application/json\nAccept: application/json',
      body: '{"api_key": "{{secret:apiKey}}", "secret": "{{secret:secret}}"}',
      tokenFrom: 'json:/token',
      expiryFrom: '',
      expiryFormat: 'jwt-exp',
      headerName: 'Authorization',
      headerPrefix: 'Bearer',
      variables: 'clientId=1001'
    }
  }
]
