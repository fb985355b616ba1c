import type { JSX } from 'react'
import { toast } from 'sonner'
import type { CommandName, CommandRequest, CommandResponse } from '../../../../shared/api'
import type { AppErrorData } from '../../../../shared/errors'
import type { CopyFormat } from '../../../../shared/model'
import type { Result } from '../../../../shared/result'
import type { Bridge } from '../../bridge'
import { useClockText } from '../../lib/clock'
import { useTokensStore } from '../../store/tokens-store'
import { useTokensUi } from './ui-store'

/**
 * The token commands the UI runs, with their feedback. Values from tokens.copy are written to
 * the clipboard and dropped at once: never stored, never rendered, never logged.
 */

let activeBridge: Bridge | null = null

export function setTokensBridge(next: Bridge | null): void {
  activeBridge = next
}

export async function run<C extends CommandName>(command: C, request: CommandRequest<C>): Promise<Result<CommandResponse<C>>> {
  if (!activeBridge) return { ok: false, error: { code: 'DISCONNECTED', message: 'TokenDesk is not connected yet.' } }
  return activeBridge.api.commands[command](request)
}

/** The engine's sentence and, where it gives one, its fix. */
export function errorText(error: AppErrorData): { message: string; fix?: string } {
  const fix = typeof error.details?.fix === 'string' ? error.details.fix : undefined
  return fix ? { message: error.message, fix } : { message: error.message }
}

function toastError(title: string, error: AppErrorData, id?: string): void {
  const { message, fix } = errorText(error)
  toast.error(title, { id, description: fix ? `${message} Fix: ${fix}` : message })
}

export const COPY_FORMAT_LABELS: Record<CopyFormat, string> = {
  raw: 'Raw value',
  header: 'Header',
  curl: 'curl line',
  'export-bash': 'export (bash, zsh)',
  'export-fish': 'set -x (fish)',
  'export-powershell': '$env: (PowerShell)'
}

function ClearsIn({ clearsAt }: { clearsAt: number }): JSX.Element {
  const text = useClockText((now) => {
    // The clock's time is its last whole-second tick, up to 1 s behind: round down.
    const left = Math.floor((clearsAt - now) / 1000)
    return left > 0 ? `clears in ${left} s` : 'clearing…'
  })
  return <span className="mono-inline">{text}</span>
}

/** One click: the engine writes the clipboard (Electron) or hands the page the text (browser mode). */
export async function copyToken(id: string, format: CopyFormat = 'raw', part: 'token' | 'refresh' = 'token'): Promise<boolean> {
  const result = await run('tokens.copy', { id, format, part })
  if (!result.ok) {
    toastError('Could not copy', result.error, 'copy')
    return false
  }
  useTokensUi.getState().audited()
  const { description, target, clearsAt } = result.value
  if (target === 'page') {
    try {
      await navigator.clipboard.writeText(result.value.text ?? '')
    } catch {
      toast.error('The browser did not let this page write the clipboard', {
        id: 'copy',
        description: 'Click into the page and try again, or allow clipboard access for this site.'
      })
      return false
    }
    toast.success(`Copied ${description}`, { id: 'copy', description: BROWSER_CANNOT_CLEAR })
    return true
  }
  if (clearsAt === null) {
    toast.success(`Copied ${description}`, { id: 'copy', description: 'TokenDesk cannot clear this clipboard automatically.' })
    return true
  }
  toast.success(
    <span>
      Copied {description} · <ClearsIn clearsAt={clearsAt} />
    </span>,
    { id: 'copy', duration: Math.max(2000, clearsAt - Date.now() + 1000) }
  )
  return true
}

/** Said once under each copy in browser mode, where no timer can empty the clipboard. */
export const BROWSER_CANNOT_CLEAR = 'A browser page cannot clear the clipboard: clear it yourself when done.'

export function clipboardCleared(reason: 'timer' | 'expiry' | 'quit'): void {
  const why = reason === 'expiry' ? 'the token expired' : reason === 'quit' ? 'TokenDesk is quitting' : 'the timer ran out'
  toast('Clipboard cleared', { id: 'copy', description: `Cleared because ${why}.`, duration: 3000 })
}

const inFlight = new Set<string>()

/** Renews now (refresh token or re-issue). One request per token at a time. */
export async function refreshToken(id: string): Promise<boolean> {
  if (inFlight.has(id)) return false
  inFlight.add(id)
  const label = useTokensStore.getState().byId[id]?.label ?? 'the token'
  const pending = toast.loading(`Renewing ${label}…`, { id: `refresh-${id}` })
  try {
    const result = await run('tokens.refresh', { id })
    if (!result.ok) {
      toastError(`Could not renew ${label}`, result.error, String(pending))
      return false
    }
    toast.success(`Renewed ${result.value.label}`, { id: pending, duration: 2500 })
    return true
  } finally {
    inFlight.delete(id)
  }
}

export async function revokeToken(id: string): Promise<boolean> {
  const label = useTokensStore.getState().byId[id]?.label ?? 'the token'
  const result = await run('tokens.revoke', { id })
  if (!result.ok) {
    toastError(`Could not revoke ${label}`, result.error)
    return false
  }
  toast(`Revoked ${label}`, { description: 'The server no longer accepts it.' })
  return true
}

export async function forgetToken(id: string): Promise<boolean> {
  const result = await run('tokens.forget', { id })
  if (!result.ok) {
    toastError('Could not forget the token', result.error)
    return false
  }
  return true
}

export async function issueAgain(id: string): Promise<boolean> {
  const token = useTokensStore.getState().byId[id]
  if (!token) return false
  const request = token.appId === null ? { accountId: token.accountId, flow: token.flow } : { accountId: token.accountId, appId: token.appId, flow: token.flow }
  const pending = toast.loading(`Issuing a new ${token.kind}…`, { id: `issue-${id}` })
  const result = await run('tokens.issue', request)
  if (!result.ok) {
    toastError(`Could not issue ${token.label}`, result.error, String(pending))
    return false
  }
  toast.success(`Issued ${result.value.label}`, { id: pending, duration: 2500 })
  useTokensStore.getState().selected(result.value.id)
  // The new token takes the dead one's place.
  if (token.state === 'expired') await run('tokens.forget', { id })
  return true
}

/**
 * "Issue again" on a dead token: renewed in place where the engine can (refresh token or
 * stored credentials), else a fresh token by the same flow that replaces it.
 */
export function issueAgainOrRenew(id: string): Promise<boolean> {
  const token = useTokensStore.getState().byId[id]
  if (!token) return Promise.resolve(false)
  return token.renewal.method === 'none' ? issueAgain(id) : refreshToken(id)
}

export async function clearExpired(accountId?: string): Promise<number> {
  const result = await run('tokens.clearExpired', accountId === undefined ? {} : { accountId })
  if (!result.ok) {
    toastError('Could not clear expired tokens', result.error)
    return 0
  }
  const n = result.value.removed
  toast(n === 0 ? 'No expired tokens to clear' : `Cleared ${n} expired ${n === 1 ? 'token' : 'tokens'}`, { duration: 2500 })
  return n
}

/** For the palette: select a token and show its detail. */
export function selectToken(id: string): void {
  useTokensStore.getState().selected(id, true)
}
