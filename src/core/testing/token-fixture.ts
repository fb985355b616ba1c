import type { Token } from '../../shared/model'

/** A live Play Oxygen JWT record (no value) issued at 1,000 ms, expiring at 2,000: for record-store tests. */
export function token(id: string, overrides: Partial<Token> = {}): Token {
  return {
    id,
    accountId: 'a1',
    appId: null,
    providerId: 'play-oxygen',
    flow: 'client-jwt',
    kind: 'JWT',
    label: `Demo · ${id}`,
    state: 'live',
    format: 'jwt',
    issuedAt: 1_000,
    expiresAt: 2_000,
    expirySource: 'jwt-exp',
    notBefore: null,
    skewMs: 0,
    refresh: null,
    renewal: { policy: { mode: 'fraction', fraction: 0.8 }, method: 'reissue', nextAt: 1_800, lastError: null, failures: 0 },
    renewals: [],
    header: { name: 'Authorization', prefix: 'Bearer ' },
    revocable: false,
    demo: false,
    updatedAt: 1_000,
    ...overrides
  }
}
