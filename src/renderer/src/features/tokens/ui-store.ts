import { create } from 'zustand'

/** Small UI state of the tokens feature that several components share (never a value). */
export interface ConfirmRequest {
  title: string
  body: string
  action: string
  destructive: boolean
  onConfirm: () => unknown
}

interface TokensUiState {
  confirm: ConfirmRequest | null
  /** A Reveal asked for from a row's menu: the detail reveals this token once it shows it. */
  revealRequest: string | null
  /** A view shows the detail as a right-hand panel; otherwise TokenToaster hosts the one drawer. */
  panelHost: boolean
  /** Bumped after an action the engine audits without changing the token (copy, reveal): the audit list reloads. */
  auditVersion: number
  confirmAsked(request: ConfirmRequest): void
  confirmClosed(): void
  revealRequested(id: string | null): void
  panelHostChanged(panelHost: boolean): void
  audited(): void
}

export const useTokensUi = create<TokensUiState>()((set) => ({
  confirm: null,
  revealRequest: null,
  panelHost: false,
  auditVersion: 0,
  confirmAsked: (confirm) => set({ confirm }),
  confirmClosed: () => set({ confirm: null }),
  revealRequested: (revealRequest) => set({ revealRequest }),
  panelHostChanged: (panelHost) => set({ panelHost }),
  audited: () => set((s) => ({ auditVersion: s.auditVersion + 1 }))
}))

export function askConfirm(request: ConfirmRequest): void {
  useTokensUi.getState().confirmAsked(request)
}
