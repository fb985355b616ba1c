import type { CryptoKey } from 'jose'
import { FaultRegistry } from './faults.js'
import { KeycloakStore } from './keycloak-proxy.js'
import { PlayOxygenStore } from './play-oxygen.js'
import { PocketpawStore } from './pocketpaw.js'
import { RespokeStore } from './respoke.js'
import type { SandboxSettings } from './settings.js'

/** Keys live for the whole process: a reset forgets tokens, not how to sign them. */
export interface SigningKeys {
  playOxygenSecret: Uint8Array
  /** RSA key generation takes a few hundred ms: started at boot, awaited on first use. */
  keycloakAccess: Promise<{ privateKey: CryptoKey; kid: string }>
  keycloakRefreshSecret: Uint8Array
}

/** The mutable state behind one sandbox: settings, clock, per-API stores, faults, counters. */
export class SandboxContext {
  settings: SandboxSettings
  readonly faults = new FaultRegistry()
  readonly counters = new Map<string, number>()
  respoke = new RespokeStore()
  pocketpaw = new PocketpawStore()
  playOxygen = new PlayOxygenStore()
  keycloak = new KeycloakStore()
  origin = ''

  constructor(
    private readonly initialSettings: SandboxSettings,
    readonly keys: SigningKeys
  ) {
    this.settings = structuredClone(initialSettings)
  }

  /** Server time, shifted by the configured clock offset (also used for the Date header). */
  nowMs(): number {
    return Date.now() + this.settings.clockOffsetSeconds * 1000
  }

  nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000)
  }

  countRequest(key: string): void {
    this.counters.set(key, (this.counters.get(key) ?? 0) + 1)
  }

  reset(): void {
    this.settings = structuredClone(this.initialSettings)
    this.faults.clear()
    this.counters.clear()
    this.respoke = new RespokeStore()
    this.pocketpaw = new PocketpawStore()
    this.playOxygen = new PlayOxygenStore()
    this.keycloak = new KeycloakStore()
  }
}
