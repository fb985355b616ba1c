import * as Tooltip from '@radix-ui/react-tooltip'
import { observeElementRect, useVirtualizer, type Virtualizer } from '@tanstack/react-virtual'
import { useCallback, useEffect, useRef, type JSX, type KeyboardEvent as ReactKeyboardEvent } from 'react'
import type { Token } from '../../../../shared/model'
import { useTokensStore } from '../../store/tokens-store'
import { copyToken, refreshToken } from './actions'
import { ROW_HEIGHT, TokenRow } from './TokenRow'

/** When the scroll box has no size yet (first paint, jsdom), render a screenful anyway. */
const FALLBACK_HEIGHT = 640

function observeWithFallback(instance: Virtualizer<HTMLDivElement, Element>, cb: (rect: { width: number; height: number }) => void): (() => void) | undefined {
  return observeElementRect(instance, (rect) => cb(rect.height > 0 ? rect : { width: rect.width || 800, height: FALLBACK_HEIGHT }))
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable) return true
  return target.closest('input, textarea, select, [role="menu"], [role="listbox"], [role="dialog"], [role="alertdialog"]') !== null
}

/**
 * The keys of a token list: ↑/↓ or j/k move, Home/End jump, Enter opens the detail, `c` or
 * Ctrl/Cmd+C copies, `r` renews, Esc closes the detail. `global`: also when nothing in particular
 * has focus (the dashboard); otherwise only while focus is inside the list.
 */
export function handleTokenKey(event: KeyboardEvent | ReactKeyboardEvent, tokens: readonly Token[], onMoved?: (index: number) => void): boolean {
  if (event.altKey) return false
  const store = useTokensStore.getState()
  const index = store.selectedId === null ? -1 : tokens.findIndex((t) => t.id === store.selectedId)
  const selected = index >= 0 ? tokens[index] : undefined
  const mod = event.ctrlKey || event.metaKey
  const move = (to: number): boolean => {
    if (tokens.length === 0) return false
    const next = Math.max(0, Math.min(tokens.length - 1, to))
    store.selected(tokens[next]!.id)
    onMoved?.(next)
    return true
  }
  const key = event.key
  // On a row's own button, Enter and Space press that button, and c/r would be ambiguous.
  const onControl = event.target instanceof HTMLElement && event.target.closest('button, a') !== null
  if (!mod && (key === 'ArrowDown' || key === 'j')) return move(index + 1)
  if (!mod && (key === 'ArrowUp' || key === 'k')) return move(index < 0 ? 0 : index - 1)
  if (!mod && key === 'Home') return move(0)
  if (!mod && key === 'End') return move(tokens.length - 1)
  if (onControl) return false
  if (!mod && key === 'Enter' && selected) {
    store.detailOpened(selected.id)
    return true
  }
  if (!mod && key === 'Escape' && store.detailOpen) {
    store.detailClosed()
    return true
  }
  const copyKey = (!mod && key === 'c') || (mod && !event.shiftKey && key.toLowerCase() === 'c' && !window.getSelection()?.toString())
  if (copyKey && selected && selected.state !== 'expired' && selected.state !== 'revoked') {
    void copyToken(selected.id)
    return true
  }
  if (!mod && key === 'r' && selected) {
    void refreshToken(selected.id)
    return true
  }
  return false
}

export interface TokenGridProps {
  tokens: readonly Token[]
  label: string
  /** Fill the parent's height (dashboard) or grow up to this many rows, then scroll (account page). */
  maxRows?: number
  /** Handle the keys when focus is on the page body too, not only inside the grid. */
  global?: boolean
}

/** A virtualized grid of token rows (fixed height, so 10,000 rows scroll smoothly). */
export function TokenGrid({ tokens, label, maxRows, global = false }: TokenGridProps): JSX.Element {
  const scrollRef = useRef<HTMLDivElement>(null)
  const selectedId = useTokensStore((s) => s.selectedId)
  const select = useTokensStore((s) => s.selected)
  // The virtualizer re-renders this component itself; nothing of it is passed to memoised children.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: tokens.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
    // Render new rows in their own task, not inside the scroll event: the frame is not held up.
    useFlushSync: false,
    getItemKey: (index) => tokens[index]!.id,
    observeElementRect: observeWithFallback
  })

  const onMoved = useCallback((index: number) => virtualizer.scrollToIndex(index, { align: 'auto' }), [virtualizer])

  useEffect(() => {
    if (!global) return
    const onKey = (event: KeyboardEvent): void => {
      if (event.defaultPrevented || isTyping(event.target)) return
      const target = event.target
      const onBody = target === document.body || target === document.documentElement
      if (!onBody && !(target instanceof Node && scrollRef.current?.contains(target))) return
      if (handleTokenKey(event, tokens, onMoved)) event.preventDefault()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [global, tokens, onMoved])

  // A selection made elsewhere (palette, timeline, a new token) scrolls into view.
  useEffect(() => {
    if (selectedId === null) return
    const index = tokens.findIndex((t) => t.id === selectedId)
    if (index >= 0) virtualizer.scrollToIndex(index, { align: 'auto' })
  }, [selectedId, tokens, virtualizer])

  const onSelect = useCallback((id: string, openDetail: boolean) => select(id, openDetail), [select])
  const items = virtualizer.getVirtualItems()
  const height = maxRows === undefined ? undefined : Math.min(tokens.length, maxRows) * ROW_HEIGHT + 2
  const activeRendered = selectedId !== null && items.some((item) => tokens[item.index]?.id === selectedId)

  return (
    <Tooltip.Provider delayDuration={350} skipDelayDuration={150}>
      <div
        ref={scrollRef}
        className={maxRows === undefined ? 'token-grid token-grid-fill' : 'token-grid'}
        style={height === undefined ? undefined : { height }}
        role="grid"
        aria-label={label}
        aria-rowcount={tokens.length}
        aria-multiselectable={false}
        aria-activedescendant={activeRendered ? `token-row-${selectedId}` : undefined}
        tabIndex={0}
        onKeyDown={(event) => {
          if (global || event.defaultPrevented || isTyping(event.target)) return
          if (handleTokenKey(event, tokens, onMoved)) event.preventDefault()
        }}
        onFocus={(event) => {
          if (event.target === event.currentTarget && selectedId === null && tokens[0]) select(tokens[0].id)
        }}
      >
        <div role="rowgroup" className="token-grid-inner" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const token = tokens[item.index]!
            return (
              <div key={item.key} className="token-grid-slot" style={{ transform: `translateY(${item.start}px)` }}>
                <TokenRow token={token} index={item.index} selected={token.id === selectedId} onSelect={onSelect} />
              </div>
            )
          })}
        </div>
      </div>
    </Tooltip.Provider>
  )
}
