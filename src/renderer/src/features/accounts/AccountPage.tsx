import * as Menu from '@radix-ui/react-dropdown-menu'
import { CircleCheck, Download, Ellipsis, LogIn, Pencil, Plus, Trash2, Zap } from 'lucide-react'
import { useCallback, useEffect, useId, useRef, useState, type JSX } from 'react'
import { toast } from 'sonner'
import type { LoginCheck } from '../../../../shared/contract'
import type { AppErrorData } from '../../../../shared/errors'
import type { Account, App, FlowSpec, ProviderInfo } from '../../../../shared/model'
import { providerOf, useAccountsStore } from '../../store/accounts-store'
import { bridge, useAppStore } from '../../store/app-store'
import { isTypingTarget } from '../shortcuts/keys'
import { TokenList } from '../tokens'
import { ConfirmDialog, DialogFrame } from './dialogs'
import { hostOf } from './draft'
import { EntityForm, LoginResult, type Check } from './EntityForm'
import { ErrorCallout } from './ErrorCallout'
import { issueToken, IssueButton } from './IssueButton'
import { ProviderMark } from './ProviderMark'

type Pending =
  | { kind: 'edit-account' }
  | { kind: 'remove-account' }
  | { kind: 'add-app' }
  | { kind: 'edit-app'; app: App }
  | { kind: 'remove-app'; app: App }
  | { kind: 'confirm-flow'; flow: FlowSpec; app?: App }
  | null

type LoginState = Exclude<Check<LoginCheck>, { status: 'idle' }> | null

export function primaryFlow(provider: ProviderInfo | undefined, target: 'account' | 'app'): FlowSpec | undefined {
  return provider?.flows.find((f) => f.target === target && f.primary && f.produces === 'token')
}

function secondaryFlows(provider: ProviderInfo | undefined, target: 'account' | 'app'): FlowSpec[] {
  return (provider?.flows ?? []).filter((f) => f.target === target && !f.primary && (target === 'account' || f.produces === 'token'))
}

/** "Apps" / "Clients" from the provider's noun. */
export function plural(noun: string): string {
  const word = noun.charAt(0).toUpperCase() + noun.slice(1)
  return word.endsWith('s') ? word : `${word}s`
}

/** What an import did, in words: a server listing only apps already here imported nothing new. */
export function importSummary(imported: number, alreadyPresent: number, noun = 'app'): string {
  const count = (n: number): string => `${n} ${n === 1 ? noun : plural(noun).toLowerCase()}`
  if (imported === 0 && alreadyPresent === 0) return `The server lists no ${plural(noun).toLowerCase()} to import.`
  if (imported === 0) return `Nothing new to import: the server's ${count(alreadyPresent)} ${alreadyPresent === 1 ? 'is' : 'are'} already here.`
  const already = alreadyPresent > 0 ? `; ${alreadyPresent} already here` : ''
  return `Imported ${count(imported)}${already}. Their secrets are not listed by the server: add each with Edit.`
}

function capital(noun: string): string {
  return noun.charAt(0).toUpperCase() + noun.slice(1)
}

function MenuItem({ onSelect, icon, children, danger = false }: { onSelect(): void; icon: JSX.Element; children: string; danger?: boolean }): JSX.Element {
  return (
    <Menu.Item className={danger ? 'td-menu-item td-menu-danger' : 'td-menu-item'} onSelect={onSelect}>
      {icon}
      <span>{children}</span>
    </Menu.Item>
  )
}

function MoreMenu({ label, children }: { label: string; children: JSX.Element | JSX.Element[] }): JSX.Element {
  return (
    <Menu.Root modal={false}>
      <Menu.Trigger className="icon-button icon-button-bordered" aria-label={label}>
        <Ellipsis size={16} aria-hidden="true" />
      </Menu.Trigger>
      <Menu.Portal>
        <Menu.Content className="td-menu" align="end" sideOffset={4}>
          {children}
        </Menu.Content>
      </Menu.Portal>
    </Menu.Root>
  )
}

function AppRow({
  account,
  app,
  provider,
  onPending,
  registerTrigger
}: {
  account: Account
  app: App
  provider: ProviderInfo | undefined
  onPending(p: Pending): void
  registerTrigger?(trigger: (() => void) | null): void
}): JSX.Element {
  const nameId = useId()
  const [issueError, setIssueError] = useState<AppErrorData | null>(null)
  const primary = primaryFlow(provider, 'app')
  const secondary = secondaryFlows(provider, 'app')
  const specs = provider?.appFields ?? []
  const missing = specs.filter((s) => s.kind === 'secret' && s.required && !app.secretsSet.includes(s.name))
  const summary = specs
    .filter((s) => s.kind !== 'secret' && !s.advanced && app.fields[s.name] !== undefined && app.fields[s.name] !== '')
    .slice(0, 3)
    .map((s) => ({ label: s.label, value: String(app.fields[s.name]) }))
  const noun = provider?.appNoun ?? 'app'
  return (
    <li className="app-row" aria-labelledby={nameId}>
      <div className="app-row-main">
        <div className="app-row-title">
          <strong id={nameId}>{app.name}</strong>
          {app.demo && <span className="badge badge-demo">demo</span>}
        </div>
        {(summary.length > 0 || missing.length > 0) && (
          <p className="app-row-facts">
            {summary.map((f) => (
              <span key={f.label}>
                <span>{f.label}</span>
                <span className="mono" title={f.value}>
                  {f.value}
                </span>
              </span>
            ))}
            {missing.length > 0 && <span className="text-warn">{missing.map((m) => m.label).join(', ')} not stored yet: Edit to add</span>}
          </p>
        )}
      </div>
      <div className="app-row-actions">
        {primary && (
          <IssueButton
            target={{ accountId: account.id, appId: app.id }}
            host={hostOf(account.fields)}
            primary={false}
            describedBy={nameId}
            registerTrigger={registerTrigger}
            onError={setIssueError}
          />
        )}
        <MoreMenu label={`More for ${app.name}`}>
          <MenuItem icon={<Pencil size={16} aria-hidden="true" />} onSelect={() => onPending({ kind: 'edit-app', app })}>
            {`Edit ${noun}`}
          </MenuItem>
          <>
            {secondary.map((flow) => (
              <MenuItem key={flow.id} icon={<Zap size={16} aria-hidden="true" />} onSelect={() => onPending({ kind: 'confirm-flow', flow, app })}>
                {flow.label}
              </MenuItem>
            ))}
          </>
          <Menu.Separator className="td-menu-separator" />
          <MenuItem danger icon={<Trash2 size={16} aria-hidden="true" />} onSelect={() => onPending({ kind: 'remove-app', app })}>
            {`Remove ${noun}`}
          </MenuItem>
        </MoreMenu>
      </div>
      {issueError && (
        <div className="app-row-error">
          <ErrorCallout error={issueError} />
        </div>
      )}
    </li>
  )
}

/** The account page: header with Issue token and ⋯, its apps (each with Issue token), its tokens. */
export function AccountPage({ accountId }: { accountId: string }): JSX.Element {
  const account = useAccountsStore((s) => s.accounts?.find((a) => a.id === accountId))
  const allApps = useAccountsStore((s) => s.apps)
  const providers = useAccountsStore((s) => s.providers)
  const ephemeral = useAppStore((s) => 'data' in s.secrets && s.secrets.data?.active.ephemeral === true)
  const overlay = useAppStore((s) => s.overlay)
  const [pending, setPending] = useState<Pending>(null)
  const [login, setLogin] = useState<LoginState>(null)
  const [importing, setImporting] = useState(false)
  const [issueError, setIssueError] = useState<AppErrorData | null>(null)
  const [actionResult, setActionResult] = useState<{ ok: true; text: string } | { ok: false; error: AppErrorData } | null>(null)
  const trigger = useRef<(() => void) | null>(null)
  const appTrigger = useRef<(() => void) | null>(null)
  const registerPrimary = useCallback((t: (() => void) | null) => (trigger.current = t), [])
  const registerFirstApp = useCallback((t: (() => void) | null) => (appTrigger.current = t), [])

  // `i` issues on an account page: the account's own flow, else its first app's.
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.key !== 'i' || event.ctrlKey || event.metaKey || event.altKey || isTypingTarget(event.target)) return
      if (pending || overlay) return
      const run = trigger.current ?? appTrigger.current
      if (run) {
        event.preventDefault()
        run()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [pending, overlay])

  if (!account) {
    return (
      <section className="page">
        <p className="muted">This account is not here (any more).</p>
      </section>
    )
  }
  const provider = providerOf(providers, account.providerId)
  const apps = allApps.filter((a) => a.accountId === account.id)
  const primary = primaryFlow(provider, 'account')
  const secondary = secondaryFlows(provider, 'account')
  const baseUrl = typeof account.fields.baseUrl === 'string' ? account.fields.baseUrl : typeof account.fields.url === 'string' ? account.fields.url : null
  const host = hostOf(account.fields)
  const noun = provider?.appNoun ?? null

  const testLogin = async (): Promise<void> => {
    setLogin({ status: 'busy' })
    const result = await bridge().api.commands['accounts.testLogin']({ id: account.id })
    setLogin(result.ok ? { status: 'ok', value: result.value } : { status: 'error', error: result.error })
  }

  const importApps = async (): Promise<void> => {
    setImporting(true)
    const result = await bridge().api.commands['apps.import']({ accountId: account.id })
    setImporting(false)
    if (!result.ok) return setActionResult({ ok: false, error: result.error })
    for (const app of result.value.imported) useAccountsStore.getState().appSaved(app)
    setActionResult({ ok: true, text: importSummary(result.value.imported.length, result.value.alreadyPresent, noun ?? undefined) })
  }

  const runFlow = async (flow: FlowSpec, app?: App): Promise<AppErrorData | null> => {
    if (flow.produces === 'token') {
      const result = await issueToken({ accountId: account.id, ...(app ? { appId: app.id } : {}), flow: flow.id })
      return result.ok ? null : result.error
    }
    const result = await bridge().api.commands['accounts.runAction']({ id: account.id, action: flow.id })
    if (!result.ok) return result.error
    setActionResult({ ok: true, text: result.value.message })
    toast.success(result.value.message)
    return null
  }

  const chooseFlow = (flow: FlowSpec, app?: App): void => {
    if (flow.confirm) setPending({ kind: 'confirm-flow', flow, ...(app ? { app } : {}) })
    else
      void runFlow(flow, app).then((error) => {
        if (error) setActionResult({ ok: false, error })
      })
  }

  const onPending = (p: Pending): void => {
    if (p?.kind === 'confirm-flow' && !p.flow.confirm) chooseFlow(p.flow, p.app)
    else setPending(p)
  }

  return (
    <section className="page page-account" aria-labelledby="account-title">
      <header className="account-header">
        <ProviderMark providerId={account.providerId} />
        <div className="account-heading">
          <div className="account-title-row">
            <h1 id="account-title">{account.name}</h1>
            <span className="badge">{provider?.label ?? account.providerId}</span>
            {account.demo && <span className="badge badge-demo">demo</span>}
            {ephemeral && <span className="badge badge-warn">secrets in memory only</span>}
          </div>
          {baseUrl && <p className="account-url mono">{baseUrl}</p>}
        </div>
        <div className="account-actions">
          {primary && (
            <IssueButton target={{ accountId: account.id }} flowLabel={primary.label} host={host} registerTrigger={registerPrimary} onError={setIssueError} />
          )}
          <MoreMenu label={`More for ${account.name}`}>
            <MenuItem icon={<LogIn size={16} aria-hidden="true" />} onSelect={() => void testLogin()}>
              Test login
            </MenuItem>
            <MenuItem icon={<Pencil size={16} aria-hidden="true" />} onSelect={() => setPending({ kind: 'edit-account' })}>
              Edit account
            </MenuItem>
            <>
              {provider?.canImportApps && (
                <MenuItem icon={<Download size={16} aria-hidden="true" />} onSelect={() => void importApps()}>
                  {`Import ${plural(noun ?? 'app').toLowerCase()}`}
                </MenuItem>
              )}
            </>
            <>
              {secondary.length > 0 && <Menu.Separator className="td-menu-separator" />}
              {secondary.map((flow) => (
                <MenuItem key={flow.id} icon={<Zap size={16} aria-hidden="true" />} onSelect={() => chooseFlow(flow)}>
                  {flow.label}
                </MenuItem>
              ))}
            </>
            <Menu.Separator className="td-menu-separator" />
            <MenuItem danger icon={<Trash2 size={16} aria-hidden="true" />} onSelect={() => setPending({ kind: 'remove-account' })}>
              Remove account
            </MenuItem>
          </MoreMenu>
        </div>
      </header>
      {provider && <p className="muted account-lead">{provider.description}</p>}
      {issueError && <ErrorCallout error={issueError} testId="issue-error" />}

      {login?.status === 'busy' && (
        <p className="callout callout-info" role="status">
          <LogIn size={16} aria-hidden="true" /> Testing the login{host ? ` at ${host}` : ''}…
        </p>
      )}
      {login && login.status !== 'busy' && <LoginResult check={login} />}
      {importing && (
        <p className="callout callout-info" role="status">
          <Download size={16} aria-hidden="true" /> Importing from the server…
        </p>
      )}
      {actionResult?.ok === true && (
        <p className="callout callout-ok" role="status">
          <CircleCheck size={16} aria-hidden="true" /> {actionResult.text}
        </p>
      )}
      {actionResult?.ok === false && <ErrorCallout error={actionResult.error} />}

      {noun && (
        <section className="account-section" aria-labelledby="apps-title">
          <header className="section-header">
            <h2 id="apps-title">{plural(noun)}</h2>
            <button type="button" className="button button-small" onClick={() => setPending({ kind: 'add-app' })}>
              <Plus size={14} aria-hidden="true" /> {`Add ${noun}`}
            </button>
          </header>
          {apps.length === 0 ? (
            <p className="muted section-empty">
              No {plural(noun).toLowerCase()} yet.{' '}
              {provider?.canImportApps ? `Add one, or import them from the server (⋯ → Import ${plural(noun).toLowerCase()}).` : `Add one to issue its tokens.`}
            </p>
          ) : (
            <ul className="app-list">
              {apps.map((app, index) => (
                <AppRow key={app.id} account={account} app={app} provider={provider} onPending={onPending} {...(index === 0 ? { registerTrigger: registerFirstApp } : {})} />
              ))}
            </ul>
          )}
        </section>
      )}

      <section className="account-section" aria-labelledby="tokens-title">
        <header className="section-header">
          <h2 id="tokens-title">Tokens</h2>
        </header>
        <TokenList filter={{ accountId: account.id }} />
      </section>

      {provider && pending?.kind === 'edit-account' && (
        <DialogFrame open onOpenChange={(o) => !o && setPending(null)} wide title={`Edit ${account.name}`} lead="Stored secrets are never shown: leave a secret empty to keep it.">
          <EntityForm
            kind="account"
            provider={provider}
            specs={provider.accountFields}
            mode="edit"
            nameLabel="Account name"
            initial={{ name: account.name, fields: account.fields, secretsSet: account.secretsSet }}
            savedId={account.id}
            saveLabel="Save changes"
            onCancel={() => setPending(null)}
            onSave={async (payload) => {
              const result = await bridge().api.commands['accounts.update']({
                id: account.id,
                ...(payload.name !== account.name ? { name: payload.name } : {}),
                fields: payload.fields,
                ...(Object.keys(payload.secrets).length > 0 ? { secrets: payload.secrets } : {})
              })
              if (!result.ok) return result.error
              useAccountsStore.getState().accountSaved(result.value)
              setPending(null)
              toast.success(`Saved ${result.value.name}`)
              return null
            }}
          />
        </DialogFrame>
      )}
      {provider && noun && (pending?.kind === 'add-app' || pending?.kind === 'edit-app') && (
        <DialogFrame
          open
          onOpenChange={(o) => !o && setPending(null)}
          wide
          title={pending.kind === 'add-app' ? `Add ${noun} to ${account.name}` : `Edit ${pending.app.name}`}
          lead={pending.kind === 'edit-app' ? 'Stored secrets are never shown: leave a secret empty to keep it.' : undefined}
        >
          <EntityForm
            kind="app"
            provider={provider}
            specs={provider.appFields}
            mode={pending.kind === 'add-app' ? 'create' : 'edit'}
            nameLabel={`${capital(noun)} name`}
            initial={pending.kind === 'edit-app' ? { name: pending.app.name, fields: pending.app.fields, secretsSet: pending.app.secretsSet } : { name: '' }}
            saveLabel={pending.kind === 'add-app' ? `Save ${noun}` : 'Save changes'}
            onCancel={() => setPending(null)}
            onSave={async (payload) => {
              const api = bridge().api
              const result =
                pending.kind === 'add-app'
                  ? await api.commands['apps.create']({ accountId: account.id, ...payload })
                  : await api.commands['apps.update']({
                      id: pending.app.id,
                      ...(payload.name !== pending.app.name ? { name: payload.name } : {}),
                      fields: payload.fields,
                      ...(Object.keys(payload.secrets).length > 0 ? { secrets: payload.secrets } : {})
                    })
              if (!result.ok) return result.error
              useAccountsStore.getState().appSaved(result.value)
              setPending(null)
              toast.success(`Saved ${result.value.name}`)
              return null
            }}
          />
        </DialogFrame>
      )}
      <ConfirmDialog
        open={pending?.kind === 'remove-account'}
        onOpenChange={(o) => !o && setPending(null)}
        title={`Remove ${account.name}?`}
        body={`This removes the account${apps.length ? `, its ${apps.length} ${apps.length === 1 ? (noun ?? 'app') : plural(noun ?? 'app').toLowerCase()}` : ''}, every token issued for it and every secret stored for it from this machine. The server is not told; tokens already issued stay valid there until they expire.`}
        confirmLabel="Remove account"
        onConfirm={async () => {
          const result = await bridge().api.commands['accounts.remove']({ id: account.id })
          if (!result.ok) return result.error
          toast.success(`Removed ${account.name} (${result.value.removedTokens} token${result.value.removedTokens === 1 ? '' : 's'})`)
          useAppStore.getState().viewChosen('all-tokens')
          return null
        }}
      />
      <ConfirmDialog
        open={pending?.kind === 'remove-app'}
        onOpenChange={(o) => !o && setPending(null)}
        title={pending?.kind === 'remove-app' ? `Remove ${pending.app.name}?` : ''}
        body={`This removes the ${noun ?? 'app'}, its tokens and its stored secrets from this machine. The server is not told.`}
        confirmLabel={`Remove ${noun ?? 'app'}`}
        onConfirm={async () => {
          if (pending?.kind !== 'remove-app') return null
          const result = await bridge().api.commands['apps.remove']({ id: pending.app.id })
          if (!result.ok) return result.error
          toast.success(`Removed ${pending.app.name}`)
          return null
        }}
      />
      <ConfirmDialog
        open={pending?.kind === 'confirm-flow'}
        onOpenChange={(o) => !o && setPending(null)}
        title={pending?.kind === 'confirm-flow' ? `${pending.flow.label}?` : ''}
        body={pending?.kind === 'confirm-flow' ? (pending.flow.confirm ?? pending.flow.description) : ''}
        confirmLabel={pending?.kind === 'confirm-flow' ? pending.flow.label : 'Continue'}
        onConfirm={() => (pending?.kind === 'confirm-flow' ? runFlow(pending.flow, pending.app) : Promise.resolve(null))}
      />
    </section>
  )
}
