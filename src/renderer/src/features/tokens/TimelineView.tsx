import * as Tooltip from '@radix-ui/react-tooltip'
import { useEffect, useMemo, useRef, useState, type JSX } from 'react'
import type { Token } from '../../../../shared/model'
import { useNow } from '../../lib/clock'
import { compareText } from '../../lib/compare-text'
import {
  expirySourceText,
  formatAbsolute,
  formatDay,
  formatHourMinute,
  formatLeft,
  renewalText,
  timeLeftText,
  timeLeftTone
} from '../../lib/format-time'
import { useAccountsStore } from '../../store/accounts-store'
import { filterTokens, useTokensStore } from '../../store/tokens-store'
import { countText, TokenFilters, useFollowAppSelection, useSortedTokens, ViewSwitch } from './common'
import { TokenDetail, usePanelHost, useWide } from './TokenDetail'
import { handleTokenKey } from './TokenGrid'
import { STATE_LABELS } from './TokenRow'
import './tokens.css'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

export const PRESETS = [
  { id: '1h', label: '1 h', range: HOUR, step: 10 * MINUTE },
  { id: '6h', label: '6 h', range: 6 * HOUR, step: HOUR },
  { id: '24h', label: '24 h', range: DAY, step: 3 * HOUR },
  { id: '4w', label: '4 w', range: 28 * DAY, step: 7 * DAY }
] as const
type PresetId = (typeof PRESETS)[number]['id']

const GROUP_HEIGHT = 28
const LANE_HEIGHT = 32
const AXIS_HEIGHT = 28
const BAR_HEIGHT = 12
const PAD_RIGHT = 16

interface Lane {
  kind: 'group' | 'token'
  y: number
  name: string
  token?: Token
}

function buildLanes(tokens: readonly Token[], accountName: (id: string, token: Token) => string): { lanes: Lane[]; height: number } {
  const groups = new Map<string, Token[]>()
  for (const token of tokens) {
    const list = groups.get(token.accountId) ?? []
    list.push(token)
    groups.set(token.accountId, list)
  }
  const ordered = [...groups.entries()].map(([id, list]) => ({ name: accountName(id, list[0]!), list })).sort((a, b) => compareText(a.name, b.name))
  const lanes: Lane[] = []
  let y = 0
  for (const group of ordered) {
    lanes.push({ kind: 'group', y, name: group.name })
    y += GROUP_HEIGHT
    for (const token of group.list) {
      lanes.push({ kind: 'token', y, name: token.label.split(' · ').slice(1).join(' · ') || token.kind, token })
      y += LANE_HEIGHT
    }
  }
  return { lanes, height: y }
}

/** Tick marks aligned to local wall-clock boundaries of `step`. */
function ticks(start: number, end: number, step: number): number[] {
  const offset = new Date(start).getTimezoneOffset() * MINUTE
  const first = Math.ceil((start - offset) / step) * step + offset
  const out: number[] = []
  for (let t = first; t <= end; t += step) out.push(t)
  return out
}

function useWidth(ref: React.RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(900)
  useEffect(() => {
    const element = ref.current
    if (!element) return
    const measure = (): void => {
      if (element.clientWidth > 0) setWidth(element.clientWidth)
    }
    measure()
    if (typeof ResizeObserver === 'undefined') return
    const observer = new ResizeObserver(measure)
    observer.observe(element)
    return () => observer.disconnect()
  }, [ref])
  return width
}

function LaneFacts({ token, now }: { token: Token; now: number }): JSX.Element {
  return (
    <div className="timeline-card">
      <strong>{token.label}</strong>
      <span>
        {STATE_LABELS[token.state]} · <span className="mono">{timeLeftText(token, now)}</span>
      </span>
      <span>
        Issued <span className="mono">{formatAbsolute(token.issuedAt)}</span>
      </span>
      {token.expiresAt !== null && (
        <span>
          Expires <span className="mono">{formatAbsolute(token.expiresAt)}</span> · {expirySourceText(token.expirySource)}
        </span>
      )}
      {token.state !== 'expired' && token.state !== 'revoked' && <span>{renewalText(token)}</span>}
      {token.refresh?.expiresAt != null && (
        <span>
          Refresh token {token.refresh.expiresAt > now ? <span className="mono">{formatLeft(token.refresh.expiresAt - now)}</span> : 'expired'}
        </span>
      )}
      {token.renewals.length > 0 && <span>Renewed {token.renewals.length} {token.renewals.length === 1 ? 'time' : 'times'}</span>}
    </div>
  )
}

/**
 * Time runs left to right, "now" a quarter from the left; one lane per token grouped by account:
 * a bar from issue to expiry with the expiring zone shaded, renewals as ticks, the refresh token's
 * lifetime as a thin bar underneath. Drawn from the one clock.
 */
export function TimelineView(): JSX.Element {
  useFollowAppSelection()
  const [presetId, setPresetId] = useState<PresetId>('1h')
  const preset = PRESETS.find((p) => p.id === presetId)!
  const sorted = useSortedTokens()
  const filters = useTokensStore((s) => s.filters)
  const shown = useMemo(() => filterTokens(sorted, filters), [sorted, filters])
  const selectedId = useTokensStore((s) => s.selectedId)
  const select = useTokensStore((s) => s.selected)
  const accounts = useAccountsStore((s) => s.accounts)
  const expiringMs = (useAccountsStore((s) => s.preferences?.expiringSeconds) ?? 60) * 1000
  const wide = useWide()
  usePanelHost(wide)
  const detailOpen = useTokensStore((s) => s.detailOpen && s.selectedId !== null)
  const boxRef = useRef<HTMLDivElement>(null)
  const width = Math.max(480, useWidth(boxRef))

  const { lanes, height } = useMemo(
    () => buildLanes(shown, (id, token) => accounts?.find((a) => a.id === id)?.name ?? token.label.split(' · ')[0] ?? id),
    [shown, accounts]
  )
  const order = useMemo(() => lanes.flatMap((lane) => (lane.token ? [lane.token] : [])), [lanes])

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.defaultPrevented) return
      const target = event.target
      const onBody = target === document.body || target === document.documentElement
      if (!onBody && !(target instanceof Node && boxRef.current?.contains(target))) return
      if (handleTokenKey(event, order)) event.preventDefault()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [order])

  return (
    <section className={`tokens-view${wide && detailOpen ? ' with-detail' : ''}`} aria-labelledby="timeline-heading">
      <div className="tokens-main">
        <header className="tokens-header">
          <div className="tokens-title">
            <h1 id="timeline-heading">Timeline</h1>
            <span className="tokens-count">{countText(shown.length, sorted.length)}</span>
          </div>
          <ViewSwitch current="timeline" />
        </header>
        <div className="tokens-toolbar">
          <TokenFilters tokens={sorted} />
          <div className="segmented" role="group" aria-label="Time range">
            {PRESETS.map((p) => (
              <button key={p.id} type="button" aria-pressed={p.id === presetId} onClick={() => setPresetId(p.id)}>
                {p.label}
              </button>
            ))}
          </div>
        </div>
        <div className="timeline-box" ref={boxRef}>
          {shown.length === 0 ? (
            <div className="tokens-empty">
              <h2>{sorted.length === 0 ? 'No tokens yet' : 'No token matches'}</h2>
              <p className="empty-lead">{sorted.length === 0 ? 'Issue a token on an account page: its lifetime appears here as a bar.' : 'Nothing fits these filters.'}</p>
            </div>
          ) : (
            <TimelinePlot lanes={lanes} height={height} width={width} preset={preset} expiringMs={expiringMs} selectedId={selectedId} onSelect={(id) => select(id, true)} />
          )}
        </div>
      </div>
      {wide && <TokenDetail wide />}
    </section>
  )
}

interface PlotProps {
  lanes: Lane[]
  height: number
  width: number
  preset: (typeof PRESETS)[number]
  expiringMs: number
  selectedId: string | null
  onSelect: (id: string) => void
}

/** The axis and the lanes: the only part that follows the clock, so the filters above stay still. */
function TimelinePlot({ lanes, height, width, preset, expiringMs, selectedId, onSelect }: PlotProps): JSX.Element {
  const now = useNow()
  // The names get up to 280 px, and less in a narrow window so the plot keeps most of the width.
  const labelWidth = Math.round(Math.min(280, Math.max(168, width * 0.28)))
  const plotLeft = labelWidth
  const plotWidth = width - labelWidth - PAD_RIGHT
  const start = now - preset.range / 4
  const end = start + preset.range
  const x = (t: number): number => plotLeft + ((t - start) / preset.range) * plotWidth
  const clampX = (t: number): number => Math.max(plotLeft, Math.min(plotLeft + plotWidth, x(t)))
  const axis = ticks(start, end, preset.step)
  const label = (t: number): string => (preset.range >= 7 * DAY ? formatDay(t) : new Date(t).getHours() === 0 && new Date(t).getMinutes() === 0 ? formatDay(t) : formatHourMinute(t))
  const nowX = x(now)

  return (
  <>
    <svg className="timeline-axis" width={width} height={AXIS_HEIGHT} aria-hidden="true">
      {axis.map((t) => (
        <g key={t}>
          <line x1={x(t)} x2={x(t)} y1={AXIS_HEIGHT - 6} y2={AXIS_HEIGHT} className="tl-axis-tick" />
          {/* A label that "now" would cover gives way to it. */}
          {Math.abs(x(t) - nowX) > label(t).length * 3.6 + 20 && (
            <text x={x(t)} y={AXIS_HEIGHT - 10} className="tl-axis-label" textAnchor="middle">
              {label(t)}
            </text>
          )}
        </g>
      ))}
      <text x={nowX} y={AXIS_HEIGHT - 10} className="tl-now-label" textAnchor="middle">
        now
      </text>
    </svg>
    <div className="timeline-scroll">
      <Tooltip.Provider delayDuration={200} skipDelayDuration={100}>
        <svg className="timeline" width={width} height={height} role="list" aria-label="Token lifetimes">
          <defs>
            <clipPath id="tl-plot">
              <rect x={plotLeft} y={0} width={plotWidth} height={height} />
            </clipPath>
            <pattern id="tl-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
              <rect width="6" height="6" className="tl-hatch-bg" />
              <line x1="0" y1="0" x2="0" y2="6" className="tl-hatch-line" />
            </pattern>
          </defs>
          {axis.map((t) => (
            <line key={t} x1={x(t)} x2={x(t)} y1={0} y2={height} className="tl-grid" />
          ))}
          <line x1={plotLeft - 0.5} x2={plotLeft - 0.5} y1={0} y2={height} className="tl-divider" />
          {lanes.map((lane) =>
            lane.kind === 'group' ? (
              <g key={`g-${lane.y}`} role="presentation">
                <rect x={0} y={lane.y} width={width} height={GROUP_HEIGHT} className="tl-group-bg" />
                <text x={12} y={lane.y + 18} className="tl-group-label">
                  {lane.name}
                </text>
              </g>
            ) : (
              <TokenLane
                key={lane.token!.id}
                token={lane.token!}
                name={lane.name}
                y={lane.y}
                width={width}
                labelWidth={labelWidth}
                now={now}
                selected={lane.token!.id === selectedId}
                expiringMs={expiringMs}
                x={x}
                clampX={clampX}
                plotRight={plotLeft + plotWidth}
                onSelect={() => onSelect(lane.token!.id)}
              />
            )
          )}
          <line x1={nowX} x2={nowX} y1={0} y2={height} className="tl-now" />
        </svg>
      </Tooltip.Provider>
    </div>
  </>
  )
}

interface LaneProps {
  token: Token
  name: string
  y: number
  width: number
  labelWidth: number
  now: number
  selected: boolean
  expiringMs: number
  x: (t: number) => number
  clampX: (t: number) => number
  plotRight: number
  onSelect: () => void
}

function TokenLane({ token, name, y, width, labelWidth, now, selected, expiringMs, x, clampX, plotRight, onSelect }: LaneProps): JSX.Element {
  const barY = y + 7
  const start = clampX(token.issuedAt)
  const known = token.expiresAt !== null
  const endT = token.expiresAt ?? now
  const end = known ? clampX(endT) : plotRight
  const dead = token.state === 'expired' || token.state === 'revoked'
  const lifetime = known ? endT - token.issuedAt : 0
  // The engine's rule: "expiring" starts expiringSeconds before expiry, capped at 20 % of a short lifetime.
  const zone = known ? Math.min(expiringMs, Math.max(0, lifetime) * 0.2) : 0
  const zoneStart = known ? clampX(endT - zone) : end
  const history = token.renewals.length > 0 ? Math.min(...token.renewals.map((r) => r.at), token.issuedAt) : token.issuedAt
  const refresh = token.refresh
  const left = timeLeftText(token, now)
  // The label column says the time left in short; the hover card says it in full.
  // A narrow window keeps the names; the time left is then in the hover card only.
  const shortLeft = labelWidth < 220 ? '' : left.startsWith('no expiry known') ? '?' : left.startsWith('expired') ? 'expired' : left === 'no expiry' ? '∞' : left
  const maxChars = Math.max(8, Math.floor((labelWidth - 24 - 12 - (shortLeft ? shortLeft.length * 8 + 12 : 0)) / 7))
  return (
    <Tooltip.Root>
      <Tooltip.Trigger asChild>
        <g
          role="listitem"
          aria-label={`${token.label}, ${timeLeftText(token, now)}`}
          aria-current={selected ? 'true' : undefined}
          tabIndex={0}
          className={`tl-lane tl-${token.state}${selected ? ' is-selected' : ''}`}
          onClick={onSelect}
          onKeyDown={(event) => {
            if (event.key === 'Enter' || event.key === ' ') {
              event.preventDefault()
              onSelect()
            }
          }}
        >
          <rect x={0} y={y} width={width} height={LANE_HEIGHT} className="tl-lane-bg" />
          <text x={24} y={y + 20} className="tl-lane-label">
            {name.length > maxChars ? `${name.slice(0, maxChars - 1)}…` : name}
          </text>
          {shortLeft && (
            <text x={labelWidth - 12} y={y + 20} className={`tl-lane-left tl-left-${timeLeftTone(token, now)}`} textAnchor="end">
              {shortLeft}
            </text>
          )}
          <g clipPath="url(#tl-plot)">
            {history < token.issuedAt && <line x1={clampX(history)} x2={start} y1={barY + BAR_HEIGHT / 2} y2={barY + BAR_HEIGHT / 2} className="tl-history" />}
            {end > start && <rect x={start} y={barY} width={Math.max(2, end - start)} height={BAR_HEIGHT} rx={3} className={known ? 'tl-bar' : 'tl-bar tl-bar-unknown'} />}
            {known && !dead && end > zoneStart && <rect x={zoneStart} y={barY} width={end - zoneStart} height={BAR_HEIGHT} className="tl-zone" />}
            {token.renewals.map((renewal, i) => (
              <line key={i} x1={x(renewal.at)} x2={x(renewal.at)} y1={barY - 3} y2={barY + BAR_HEIGHT + 3} className="tl-renewal" />
            ))}
            {token.renewal.nextAt !== null && !dead && (
              <line x1={x(token.renewal.nextAt)} x2={x(token.renewal.nextAt)} y1={barY - 3} y2={barY + BAR_HEIGHT + 3} className="tl-next-renewal" />
            )}
            {refresh && token.state !== 'revoked' && (
              <rect
                x={start}
                y={barY + BAR_HEIGHT + 4}
                width={Math.max(2, (refresh.expiresAt === null ? plotRight : clampX(refresh.expiresAt)) - start)}
                height={3}
                rx={1.5}
                className={refresh.expiresAt === null ? 'tl-refresh tl-bar-unknown' : 'tl-refresh'}
              />
            )}
          </g>
        </g>
      </Tooltip.Trigger>
      <Tooltip.Portal>
        <Tooltip.Content className="td-tooltip" side="bottom" align="start" sideOffset={4} collisionPadding={8}>
          <LaneFacts token={token} now={now} />
        </Tooltip.Content>
      </Tooltip.Portal>
    </Tooltip.Root>
  )
}
