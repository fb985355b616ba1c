import { decodeJwt, decodeProtectedHeader } from 'jose'
import type { TokenInspection } from '../../shared/contract'
import { AppError, isAppError, type AppErrorData } from '../../shared/errors'
import type { Account, App, AuditEvent, CopyFormat, Preferences, RenewalPolicy, Token } from '../../shared/model'
import type { AccountsService } from '../accounts/service'
import { newId } from '../accounts/service'
import { describeFormat, formatCopy } from '../clipboard/formats'
import type { ClipboardGuard } from '../clipboard/port'
import type { EventBus } from '../events'
import { scrubberOfForms, scrubDeep, secretForms } from '../http/redact'
import type { Logger } from '../log'
import type { FlowInput, IssuedToken, Provider, ProviderContext } from '../providers/provider'
import type { TokenCache } from '../secrets/token-cache'
import { localExpiry, expiringWindowMs, renewalTime, retryDelayMs, stateAt } from './expiry'
import type { TokenRecordStore } from './record-store'
import { Scheduler, type TimerPort } from './scheduler'
import { formatClockTime } from '../../shared/clock-time'

export interface TokensServiceOptions {
  accounts: AccountsService
  records: TokenRecordStore
  cache: () => Promise<TokenCache>
  events: EventBus
  log: Logger
  timers: TimerPort
  context: ProviderContext
  preferences: () => Preferences
  /** Electron: the real clipboard behind a clear-only-if-unchanged guard. Browser mode: null (the page writes it). */
  clipboard: ClipboardGuard | null
  redact: (value: string) => void
}

const RENEWALS_KEPT = 50
/** The shortest wait before retrying a failed renewal (bounds the retries in a token's last second). */
const MIN_RETRY_MS = 100
/**
 * Failed automatic renewals are retried after the token expired, for this long (or two
 * lifetimes, if longer): the session behind it (a refresh token, stored credentials) usually
 * outlives the access token, so an overloaded moment does not end it; a dead one stops.
 */
const LATE_RETRY_WINDOW_MS = 60_000
/** How long a revealed value stays visible in the UI. */
export const REVEAL_MS = 8000

const refreshKey = (id: string): string => `${id}/refresh`

/**
 * The token lifecycle (DESIGN.md): issue through a provider, keep the value in the encrypted
 * token cache and the metadata in the record store, follow the clock with ONE scheduler timer
 * (expiring → expired, renewals, retries), renew single-flight, and tell the renderer about every
 * change as a `tokens.changed` delta. No token value ever leaves except through reveal and copy.
 */
export class TokensService {
  private readonly scheduler: Scheduler
  private readonly inFlight = new Map<string, Promise<Token>>()
  private pendingUpserts = new Map<string, Token>()
  private pendingRemovals = new Set<string>()
  private flushQueued = false
  private disposed = false

  constructor(private readonly options: TokensServiceOptions) {
    this.scheduler = new Scheduler(options.timers, (id) => this.onDue(id))
  }

  /** After boot: bring every stored token up to date with the clock and schedule it. */
  start(): void {
    const now = this.now()
    for (const token of this.options.records.all()) {
      const state = stateAt(token, now, this.prefs().expiringSeconds)
      const current = state === token.state ? token : this.save({ ...token, state, updatedAt: now }, false)
      this.reschedule(current)
    }
  }

  list(): Token[] {
    return this.options.records.all()
  }

  get timersInUse(): number {
    return this.scheduler.timersInUse
  }

  get scheduledCount(): number {
    return this.scheduler.size
  }

  async issue(accountId: string, appId: string | null, flowId?: string): Promise<Token> {
    const account = this.options.accounts.account(accountId)
    const provider = this.options.accounts.provider(account.providerId)
    const app = appId === null ? null : this.options.accounts.app(appId, accountId)
    const flow = this.resolveFlow(provider, app ? 'app' : 'account', flowId)
    const input = await this.options.accounts.flowInput(accountId, appId)
    let issued: IssuedToken
    try {
      issued = await provider.issue(flow, input, this.options.context)
    } catch (error) {
      throw await this.withoutKnownSecrets(this.publicError(error, `${provider.info.label} ${flow}`), accountId, input)
    }
    const cache = await this.options.cache()
    const id = newId()
    this.registerSecrets(issued)
    if (issued.refresh) cache.set(refreshKey(id), issued.refresh.value)
    cache.set(id, issued.value)
    const owner = app ?? account
    const token = this.save(this.recordFor(id, account, app, flow, issued, owner.renewal, null), true)
    this.audit(id, 'issued', `issued by ${this.flowLabel(provider, flow)}${expiryPhrase(token)}`)
    this.reschedule(token)
    return token
  }

  /** Renews now (the user asked, or the scheduler found it due). Fifty callers share one request. */
  refresh(id: string): Promise<Token> {
    const running = this.inFlight.get(id)
    if (running) return running
    const promise = this.renew(id, 'manual').finally(() => this.inFlight.delete(id))
    this.inFlight.set(id, promise)
    return promise
  }

  async revoke(id: string): Promise<Token> {
    const token = this.token(id)
    if (token.state === 'revoked') return token
    const { provider, input } = await this.ownerInput(token)
    if (!token.revocable || !provider.revoke) {
      throw new AppError(
        'NOT_SUPPORTED',
        `${provider.info.label} cannot revoke a ${token.kind} at the server. Forget removes it from TokenDesk; it stays valid until it expires.`
      )
    }
    const cache = await this.options.cache()
    const value = cache.get(id)
    if (value !== undefined) {
      try {
        await provider.revoke({ flow: token.flow, kind: token.kind, value, refreshValue: cache.get(refreshKey(id)) ?? null }, input, this.options.context)
      } catch (error) {
        throw await this.withoutKnownSecrets(this.publicError(error, `${provider.info.label} logout`), token.accountId, input)
      }
    }
    cache.delete(id)
    cache.delete(refreshKey(id))
    const revoked = this.save({ ...token, state: 'revoked', renewal: { ...token.renewal, nextAt: null }, updatedAt: this.now() }, true)
    this.audit(id, 'revoked', 'logged out at the server')
    this.scheduler.set(id, null)
    return revoked
  }

  /** Marks tokens dead after something killed them at the server (a regenerated master token). */
  markRevoked(accountId: string, reason: string): number {
    let count = 0
    for (const token of this.list()) {
      if (token.accountId !== accountId || token.state === 'revoked') continue
      this.save({ ...token, state: 'revoked', renewal: { ...token.renewal, nextAt: null }, updatedAt: this.now() }, true)
      this.audit(token.id, 'revoked', reason)
      this.scheduler.set(token.id, null)
      count++
    }
    return count
  }

  async forget(id: string): Promise<boolean> {
    if (!this.options.records.get(id)) return false
    await this.drop([id])
    return true
  }

  async clearExpired(accountId?: string): Promise<number> {
    const now = this.now()
    const ids = this.list()
      .filter((t) => (accountId === undefined || t.accountId === accountId) && ['expired', 'revoked'].includes(stateAt(t, now, this.prefs().expiringSeconds)))
      .map((t) => t.id)
    await this.drop(ids)
    return ids.length
  }

  /** Account or app removed: its tokens go with it. */
  async dropOwned(filter: { accountId?: string; appId?: string }): Promise<number> {
    const ids = this.list()
      .filter((t) => (filter.accountId !== undefined && t.accountId === filter.accountId) || (filter.appId !== undefined && t.appId === filter.appId))
      .map((t) => t.id)
    await this.drop(ids)
    return ids.length
  }

  async inspect(id: string, part: 'token' | 'refresh'): Promise<TokenInspection> {
    const token = this.token(id)
    const value = await this.value(token, part)
    return inspectValue(value)
  }

  auditOf(id: string): AuditEvent[] {
    this.token(id)
    return this.options.records.auditOf(id)
  }

  async reveal(id: string, part: 'token' | 'refresh'): Promise<{ value: string; hideAfterMs: number }> {
    const token = this.token(id)
    const value = await this.value(token, part)
    this.audit(id, 'revealed', part === 'refresh' ? 'refresh token revealed' : 'value revealed')
    return { value, hideAfterMs: REVEAL_MS }
  }

  async copy(id: string, format: CopyFormat, part: 'token' | 'refresh'): Promise<{ description: string; target: 'clipboard' | 'page'; text?: string; clearsAt: number | null }> {
    const token = this.token(id)
    const value = await this.value(token, part)
    const account = this.options.accounts.account(token.accountId)
    const baseUrl = typeof account.fields.baseUrl === 'string' ? account.fields.baseUrl : null
    const text = formatCopy(format, { value, kind: part === 'refresh' ? 'refresh' : token.kind, header: token.header, baseUrl })
    const what = `${token.label}${part === 'refresh' ? ' refresh token' : ''} ${describeFormat(format, token.header)}`
    this.audit(id, 'copied', `copied ${describeFormat(format, token.header)}`)
    const guard = this.options.clipboard
    if (!guard) return { description: what, target: 'page', text, clearsAt: null }
    const seconds = this.prefs().clipboardClearSeconds
    const timerAt = seconds > 0 ? this.now() + seconds * 1000 : null
    const expiryFirst = token.expiresAt !== null && (timerAt === null || token.expiresAt < timerAt)
    const clearsAt = expiryFirst ? token.expiresAt : timerAt
    try {
      await guard.write(text, id, clearsAt ?? Number.MAX_SAFE_INTEGER, expiryFirst ? 'expiry' : 'timer')
    } catch {
      throw new AppError('CLIPBOARD_UNAVAILABLE', 'The clipboard could not be written. Try again, or use Reveal and copy by hand.')
    }
    return { description: what, target: 'clipboard', clearsAt }
  }

  /** A new renewal policy (and notification switch) for an account or app, applied to its tokens at once. */
  setPolicy(accountId: string, appId: string | null, policy: RenewalPolicy, notify: boolean | undefined): { notify: boolean; tokensUpdated: number } {
    const owner: Account | App =
      appId === null ? this.options.accounts.setAccountPolicy(accountId, policy, notify) : this.options.accounts.setAppPolicy(appId, policy, notify)
    let updated = 0
    for (const token of this.list()) {
      if (token.accountId !== accountId || token.appId !== appId) continue
      const nextAt = token.renewal.method === 'none' ? null : renewalTime(policy, token.issuedAt, token.expiresAt)
      const changed = this.save({ ...token, renewal: { ...token.renewal, policy, nextAt }, updatedAt: this.now() }, true)
      this.reschedule(changed)
      updated++
    }
    return { notify: owner.notify, tokensUpdated: updated }
  }

  /** Resolves when no renewal is running (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight.values()])
  }

  async flush(): Promise<void> {
    this.flushEvents()
    await this.options.records.flush()
  }

  async dispose(): Promise<void> {
    this.disposed = true
    this.scheduler.dispose()
    await this.settled()
    await this.options.clipboard?.clearNow('quit').catch(() => undefined)
    this.options.clipboard?.dispose()
    this.flushEvents()
    await this.options.records.flush().catch(() => undefined)
  }

  // ── internals ────────────────────────────────────────────────────────────

  private async renew(id: string, reason: 'manual' | 'scheduled'): Promise<Token> {
    const token = this.token(id)
    if (token.state === 'revoked') throw new AppError('TOKEN_REVOKED', `${token.label} was revoked. Issue a new one.`)
    const { provider, input } = await this.ownerInput(token)
    if (token.renewal.method === 'none') {
      throw new AppError('NOT_SUPPORTED', `${token.label} cannot be renewed: ${provider.info.label} has no way to extend a ${token.kind}. Issue a new one.`)
    }
    const cache = await this.options.cache()
    try {
      let issued: IssuedToken
      let how: string
      const refreshValue = cache.get(refreshKey(id)) ?? null
      if (token.renewal.method === 'refresh-token' && provider.refresh && refreshValue !== null && this.refreshUsable(token)) {
        try {
          issued = await provider.refresh({ flow: token.flow, kind: token.kind, value: cache.get(id) ?? '', refreshValue }, input, this.options.context)
          how = 'with the refresh token'
        } catch (error) {
          if (!(isAppError(error) && error.code === 'REFRESH_EXPIRED')) throw error
          // The refresh token is dead; log in again with the stored credentials where the grant allows.
          issued = await provider.issue(token.flow, input, this.options.context)
          how = 'by logging in again (the refresh token had expired)'
        }
      } else {
        issued = await provider.issue(token.flow, input, this.options.context)
        how = token.renewal.method === 'refresh-token' ? 'by logging in again (the refresh token had expired)' : 'by issuing again'
      }
      this.registerSecrets(issued)
      // Forgotten (or cleared) while the request ran: nothing is stored, nothing comes back.
      if (!this.options.records.get(id)) throw new AppError('TOKEN_NOT_FOUND', `${token.label} was forgotten while it was being renewed.`, { tokenId: id })
      // A rotated refresh token reaches the disk before the new access token is handed out:
      // losing it would lose the session.
      if (issued.refresh) {
        cache.set(refreshKey(id), issued.refresh.value)
        await cache.flush()
      } else cache.delete(refreshKey(id))
      cache.set(id, issued.value)
      const account = this.options.accounts.account(token.accountId)
      const app = token.appId === null ? null : this.options.accounts.app(token.appId)
      const next = this.recordFor(id, account, app, token.flow, issued, token.renewal.policy, token)
      const saved = this.save(next, true)
      this.audit(id, 'refreshed', `${reason === 'manual' ? 'renewed on request' : 'renewed automatically'} ${how}${expiryPhrase(saved)}`)
      this.reschedule(saved)
      return saved
    } catch (error) {
      const publicError = await this.withoutKnownSecrets(this.publicError(error, `${provider.info.label} renewal`), token.accountId, input)
      const current = this.options.records.get(id)
      if (current) {
        const failures = current.renewal.failures + 1
        const now = this.now()
        const left = current.expiresAt === null ? 0 : current.expiresAt - now
        const auto = current.renewal.policy.mode !== 'off' && current.expiresAt !== null
        // Before expiry: the backoff, clamped to half the time left so a short token still gets a
        // retry. After it (or in its last 200 ms): a few more tries, then it is left expired.
        const lifetime = current.expiresAt === null ? 0 : Math.max(1000, current.expiresAt - current.issuedAt)
        const lateWindow = Math.max(LATE_RETRY_WINDOW_MS, 2 * lifetime)
        const retryAt = !auto
          ? null
          : left >= 2 * MIN_RETRY_MS
            ? now + Math.min(retryDelayMs(failures), Math.floor(left / 2))
            : -left < lateWindow
              ? now + Math.min(retryDelayMs(failures), lifetime)
              : null
        const failed = this.save(
          {
            ...current,
            state: stateAt(current, now, this.prefs().expiringSeconds) === 'expired' ? 'expired' : 'refresh-failed',
            renewal: { ...current.renewal, lastError: publicError.toData(), failures, nextAt: retryAt },
            updatedAt: now
          },
          true
        )
        this.audit(id, 'failed', `renewal failed: ${publicError.message}`)
        if (reason === 'scheduled') this.notice(failed, 'renewal-failed', `${failed.label}: renewal failed`, publicError.message)
        this.reschedule(failed)
      }
      throw publicError
    }
  }

  private refreshUsable(token: Token): boolean {
    return token.refresh === null || token.refresh.expiresAt === null || token.refresh.expiresAt > this.now()
  }

  private recordFor(id: string, account: Account, app: App | null, flow: string, issued: IssuedToken, policy: RenewalPolicy, previous: Token | null): Token {
    const now = this.now()
    const expiry = localExpiry(issued.expiry, issued.sentAt, issued.skewMs)
    const refreshExpiry = issued.refresh ? localExpiry(issued.refresh.expiry, issued.sentAt, issued.skewMs) : null
    const issuedAt = Math.round(issued.sentAt)
    const renewable = issued.renewal !== 'none'
    const label = [account.name, app?.name, issued.kind].filter(Boolean).join(' · ')
    const renewals = previous ? [...previous.renewals, { at: issuedAt, expiresAt: expiry.expiresAt }].slice(-RENEWALS_KEPT) : []
    const token: Token = {
      id,
      accountId: account.id,
      appId: app?.id ?? null,
      providerId: account.providerId,
      flow,
      kind: issued.kind,
      label,
      state: 'live',
      format: issued.format,
      issuedAt,
      expiresAt: expiry.expiresAt,
      expirySource: expiry.source,
      notBefore: issued.notBeforeMs === null || issued.notBeforeMs === undefined ? null : Math.max(0, Math.round(issued.notBeforeMs - (issued.skewMs ?? 0))),
      skewMs: Math.round(issued.skewMs ?? 0),
      refresh: issued.refresh && refreshExpiry ? { expiresAt: refreshExpiry.expiresAt, expirySource: refreshExpiry.source, rotates: issued.refresh.rotates } : null,
      renewal: {
        policy,
        method: issued.renewal,
        nextAt: renewable ? renewalTime(policy, issuedAt, expiry.expiresAt) : null,
        lastError: null,
        failures: 0
      },
      renewals,
      header: issued.header,
      revocable: issued.revocable,
      demo: account.demo,
      updatedAt: now
    }
    token.state = stateAt(token, now, this.prefs().expiringSeconds)
    return token
  }

  private resolveFlow(provider: Provider, target: 'account' | 'app', flowId: string | undefined): string {
    const flows = provider.info.flows.filter((f) => f.target === target && f.produces === 'token')
    const flow = flowId === undefined ? flows.find((f) => f.primary) : flows.find((f) => f.id === flowId)
    if (!flow) {
      const known = flows.map((f) => f.id).join(', ') || 'none'
      throw new AppError(
        'FLOW_NOT_SUPPORTED',
        flowId === undefined
          ? `${provider.info.label} issues tokens from ${target === 'account' ? 'an app' : 'the account'}, not from ${target === 'account' ? 'the account' : 'an app'}.`
          : `${provider.info.label} has no flow "${flowId}" for ${target === 'account' ? 'accounts' : 'apps'} (flows: ${known}).`,
        { flows: flows.map((f) => f.id) }
      )
    }
    return flow.id
  }

  private flowLabel(provider: Provider, flowId: string): string {
    return provider.info.flows.find((f) => f.id === flowId)?.label ?? flowId
  }

  private async ownerInput(token: Token): Promise<{ provider: Provider; input: FlowInput }> {
    const account = this.options.accounts.account(token.accountId)
    return { provider: this.options.accounts.provider(account.providerId), input: await this.options.accounts.flowInput(token.accountId, token.appId) }
  }

  private token(id: string): Token {
    const token = this.options.records.get(id)
    if (!token) throw new AppError('TOKEN_NOT_FOUND', 'That token is no longer here. It may have been forgotten or cleared.', { tokenId: id })
    return token
  }

  private async value(token: Token, part: 'token' | 'refresh'): Promise<string> {
    if (token.state === 'revoked') throw new AppError('TOKEN_REVOKED', `${token.label} was revoked; its value is gone.`)
    const cache = await this.options.cache()
    const value = cache.get(part === 'refresh' ? refreshKey(token.id) : token.id)
    if (value === undefined) {
      throw new AppError(
        'TOKEN_NOT_FOUND',
        part === 'refresh' ? `${token.label} has no refresh token.` : `The value of ${token.label} is no longer in the token cache. Issue a new one.`,
        { tokenId: token.id }
      )
    }
    return value
  }

  private registerSecrets(issued: IssuedToken): void {
    this.options.redact(issued.value)
    if (issued.refresh) this.options.redact(issued.refresh.value)
  }

  private prefs(): Preferences {
    return this.options.preferences()
  }

  private now(): number {
    return this.options.timers.now()
  }

  private save(token: Token, emit: boolean): Token {
    this.options.records.put(token)
    if (emit) this.queueUpsert(token)
    return token
  }

  private async drop(ids: string[]): Promise<void> {
    if (ids.length === 0) return
    const cache = await this.options.cache()
    for (const id of ids) {
      this.scheduler.set(id, null)
      this.options.records.delete(id)
      const dropValues = (): void => {
        cache.delete(id)
        cache.delete(refreshKey(id))
      }
      // A renewal still in flight may yet quote these values in an error: they stay in the cache
      // (so redacted and scrubbed) until it settles, and it then finds the token gone.
      const flight = this.inFlight.get(id)
      if (flight) void flight.then(dropValues, dropValues)
      else dropValues()
      this.pendingUpserts.delete(id)
      this.pendingRemovals.add(id)
    }
    this.queueFlush()
  }

  private audit(id: string, kind: AuditEvent['kind'], detail: string): void {
    this.options.records.addAudit(id, { at: this.now(), kind, detail })
  }

  /** The next moment this token needs attention: renewal, the expiring threshold, or expiry. */
  private reschedule(token: Token): void {
    if (this.disposed) return
    const now = this.now()
    const candidates: number[] = []
    // An expired token is renewed only on request: a stale renewal time must not re-arm the timer at once, forever.
    // An expired token is renewed only while failed automatic renewals are being retried (bounded
    // by LATE_RETRY_WINDOW_MS): a stale renewal time must never re-arm the timer at once, forever.
    if (token.renewal.nextAt !== null && token.state !== 'revoked' && (token.state !== 'expired' || token.renewal.failures > 0)) candidates.push(token.renewal.nextAt)
    if (token.expiresAt !== null && token.state !== 'revoked' && token.state !== 'expired') {
      const expiringAt = token.expiresAt - expiringWindowMs(token.issuedAt, token.expiresAt, this.prefs().expiringSeconds)
      if (expiringAt > now && token.state === 'live') candidates.push(expiringAt)
      candidates.push(token.expiresAt)
    }
    this.scheduler.set(token.id, candidates.length > 0 ? Math.min(...candidates) : null)
  }

  private onDue(id: string): void {
    const token = this.options.records.get(id)
    if (!token) return
    const now = this.now()
    const state = stateAt(token, now, this.prefs().expiringSeconds)
    let current = token
    if (state !== token.state) {
      current = this.save({ ...token, state, updatedAt: now }, true)
      // A token about to be renewed is not news: only one that will really expire gets a notice.
      const renewalPending = current.renewal.nextAt !== null && current.renewal.failures === 0
      if (state === 'expiring' && !renewalPending) {
        this.audit(id, 'expiring', 'expiring soon')
        this.notice(current, 'expiring', `${current.label} expires soon`, `Expires at ${formatClockTime(current.expiresAt ?? now)}.`)
      } else if (state === 'expired') {
        this.audit(id, 'expired', 'expired')
        this.notice(current, 'expired', `${current.label} expired`, 'Issue a new one, or turn on auto-renew for it.')
      }
    }
    // A renewal due before the expiry still runs when its timer fires late (sleep/resume, a busy
    // event loop): judged by the state before this wake-up, not the 'expired' it just turned into.
    const renewalDue =
      current.renewal.nextAt !== null && current.renewal.nextAt <= now && current.state !== 'revoked' && (token.state !== 'expired' || current.renewal.failures > 0)
    if (renewalDue && !this.inFlight.has(id)) {
      const promise = this.renew(id, 'scheduled').finally(() => this.inFlight.delete(id))
      this.inFlight.set(id, promise)
      promise.catch(() => undefined)
      return
    }
    this.reschedule(current)
  }

  private notice(token: Token, kind: 'expiring' | 'expired' | 'renewal-failed', title: string, body: string): void {
    if (!this.prefs().notifications) return
    const owner = token.appId === null ? this.findAccount(token.accountId) : this.findApp(token.appId)
    if (owner && !owner.notify) return
    this.options.events.emit('tokens.notice', { tokenId: token.id, kind, title, body, at: this.now() })
  }

  private findAccount(id: string): Account | undefined {
    return this.options.accounts.list().accounts.find((a) => a.id === id)
  }

  private findApp(id: string): App | undefined {
    return this.options.accounts.list().apps.find((a) => a.id === id)
  }

  /** Events are coalesced per turn of the event loop: a burst of 10,000 renewals is one delta. */
  private queueUpsert(token: Token): void {
    this.pendingRemovals.delete(token.id)
    this.pendingUpserts.set(token.id, token)
    this.queueFlush()
  }

  private queueFlush(): void {
    if (this.flushQueued) return
    this.flushQueued = true
    setImmediate(() => this.flushEvents())
  }

  private flushEvents(): void {
    this.flushQueued = false
    if (this.pendingUpserts.size === 0 && this.pendingRemovals.size === 0) return
    const upserted = [...this.pendingUpserts.values()]
    const removed = [...this.pendingRemovals]
    this.pendingUpserts = new Map()
    this.pendingRemovals = new Set()
    this.options.events.emit('tokens.changed', { upserted, removed })
  }

  /**
   * A provider redacts the secrets of its own request from what a server says back, but a server
   * may echo others it knows (found by the fault suite, §7.45: a password login whose error quoted
   * the token's refresh token). Before an error is shown, stored (lastError, audit) or returned, every
   * credential of the account and app and every token value of the account is removed, including a
   * prefix cut off by a quote's "…".
   */
  private async withoutKnownSecrets(error: AppError, accountId: string, input: FlowInput): Promise<AppError> {
    const cache = await this.options.cache()
    const secrets = [...Object.values(input.account.secrets), ...Object.values(input.app?.secrets ?? {})]
    for (const token of this.list()) {
      if (token.accountId !== accountId) continue
      for (const key of [token.id, refreshKey(token.id)]) {
        const value = cache.get(key)
        if (value !== undefined) secrets.push(value)
      }
    }
    // Each value's forms are computed once, for both passes.
    const formsOf = secrets.filter((s) => typeof s === 'string').map((s) => ({ long: s.length >= 8, forms: secretForms(s) }))
    const forms = formsOf.filter((f) => f.long).flatMap((f) => f.forms)
    if (forms.length === 0) return error
    const full = scrubberOfForms(formsOf.flatMap((f) => f.forms))
    const scrub = (text: string): string =>
      full(text).replace(/([^\s"'=&]{12,})…/g, (match, cut: string) => {
        for (let start = 0; start <= cut.length - 12; start++) if (forms.some((form) => form.startsWith(cut.slice(start)))) return `${cut.slice(0, start)}[redacted]…`
        return match
      })
    const message = scrub(error.message)
    const details = error.details === undefined ? undefined : (scrubDeep(error.details, scrub) as Record<string, unknown>)
    if (message === error.message && JSON.stringify(details) === JSON.stringify(error.details)) return error
    return new AppError(error.code, message, details)
  }

  /** Unknown errors never cross the bridge as they are: they could carry a secret. */
  private publicError(error: unknown, what: string): AppError {
    if (isAppError(error)) return error
    this.options.log.error('tokens', `${what} failed unexpectedly`, error instanceof Error ? error.name : undefined)
    return new AppError('INTERNAL', `${what} failed unexpectedly. Details are in the log.`)
  }
}

function expiryPhrase(token: Token): string {
  if (token.expirySource === 'none') return '; no expiry'
  if (token.expiresAt === null) return '; expiry unknown'
  return `; expires ${new Date(token.expiresAt).toISOString()}`
}

/** What a token is, without its secret parts: JWT header and claims, PocketPaw expiry, or opaque. */
export function inspectValue(value: string): TokenInspection {
  const notes: string[] = []
  const jwtLike = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(value)
  if (jwtLike) {
    try {
      const header = decodeProtectedHeader(value) as Record<string, unknown>
      const claims = decodeJwt(value) as Record<string, unknown>
      for (const claim of ['iat', 'nbf', 'exp'] as const) {
        const seconds = claims[claim]
        if (typeof seconds === 'number') notes.push(`${claim} ${new Date(seconds * 1000).toISOString()}`)
      }
      notes.push(`signed with ${String(header.alg ?? 'an unknown algorithm')}; TokenDesk does not verify the signature`)
      return { format: 'jwt', length: value.length, jwtHeader: header, jwtClaims: claims, notes }
    } catch {
      notes.push('looks like a JWT but does not decode; treated as opaque')
    }
  }
  const pocketpaw = /^(?:session:)?(\d{1,12}):([0-9a-fA-F]{16,128})$/.exec(value)
  if (pocketpaw) {
    const expiresAt = Number(pocketpaw[1]) * 1000
    notes.push(`expires ${new Date(expiresAt).toISOString()} (from the token's own prefix)`, 'HMAC-SHA256 signature, verified only by the server')
    return { format: 'pocketpaw', length: value.length, pocketpaw: { expiresAt, signatureHexLength: pocketpaw[2]!.length }, notes }
  }
  notes.push('opaque: the server alone knows what it means')
  return { format: 'opaque', length: value.length, notes }
}

export type { AppErrorData }
