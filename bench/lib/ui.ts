import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser } from 'playwright'
import { heapMb, loadUntilInteractive, measureScrolling, measureTicking, openPage } from './browser'
import { startHost, type HostProcess } from './child'
import { seedTokens } from './seed'
import { ContractClient } from './ws-client'

/** Play Oxygen tokens living an hour: every visible countdown ticks each second, none renews during the bench. */
export const LIVE_SECONDS = 3600

const env = (): NodeJS.ProcessEnv => {
  // No session bus: the demo credentials live in memory, as on a server (no keychain prompts).
  const copy = { ...process.env }
  delete copy.DBUS_SESSION_BUS_ADDRESS
  return copy
}

export async function withHost<T>(rendererDir: string, dataDir: string | null, run: (host: HostProcess, client: ContractClient, dataDir: string) => Promise<T>): Promise<T> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'tokendesk-bench-ui-'))
  const host = await startHost({ dataDir: dir, rendererDir, demo: true, playOxygenSeconds: LIVE_SECONDS, env: env() })
  // The client's WebSocket is what starts the boot when no page loads (browser-mode.ts).
  const client = await ContractClient.connect(host.url)
  await host.booted
  try {
    return await run(host, client, dir)
  } finally {
    client.close()
    await host.stop()
    if (dataDir === null) rmSync(dir, { recursive: true, force: true })
  }
}

export interface CountdownRun {
  script_ms_per_s: number
  task_ms_per_s: number
  /** CPU of the renderer processes, all threads (script, style, layout, paint, raster). */
  renderer_cpu_ms_per_s: number
  long_tasks: number
  dropped_frames: number
  frames: number
  heap_mb: number
  load_ms: number
}

/** For each size: seed up to it (no page open meanwhile), open the All tokens view, tick, scroll, weigh the heap. */
export async function measureCountdowns(browser: Browser, rendererDir: string, sizes: number[], runs: number, tickS: number, scrollS: number): Promise<Record<string, CountdownRun[]>> {
  return withHost(rendererDir, null, async (host, client) => {
    const out: Record<string, CountdownRun[]> = {}
    for (const size of sizes) {
      await seedTokens(client, size, 12)
      await settleHost(host)
      const page = await openPage(browser)
      try {
        const loadMs = await loadUntilInteractive(page.page, host.url, size)
        await page.page.waitForTimeout(1500)
        const results: CountdownRun[] = []
        for (let i = 0; i < runs; i++) {
          const tick = await measureTicking(page.page, page.cdp, tickS)
          const scroll = await measureScrolling(page.page, scrollS)
          await page.page.waitForTimeout(500)
          results.push({
            script_ms_per_s: tick.scriptMsPerS,
            task_ms_per_s: tick.taskMsPerS,
            renderer_cpu_ms_per_s: tick.rendererCpuMsPerS,
            long_tasks: tick.longTasks + scroll.longTasks,
            dropped_frames: scroll.droppedFrames,
            frames: scroll.frames,
            heap_mb: await heapMb(page.cdp),
            load_ms: loadMs
          })
        }
        out[String(size)] = results
      } finally {
        await page.close()
      }
    }
    return out
  })
}

/** Waits until the host's CPU use drops (write-behind of a seeding burst finished). */
export async function settleHost(host: HostProcess, maxMs = 15_000): Promise<void> {
  const end = Date.now() + maxMs
  let last = host.cpuMs()
  while (Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 500))
    const now = host.cpuMs()
    if (now - last <= 20) return
    last = now
  }
}

export interface StartupRun {
  total_ms: number
  /** Spawn to listening (the page can load from then on). */
  spawn_to_ready_ms: number
  /** Process start to listening, as the host measured it. */
  boot_ms: number
  /** Process start to the core being up (records loaded, sandbox started), as the host measured it. */
  core_booted_ms: number
  page_ms: number
}

export const STARTUP_KINDS = ['tab', 'window', 'demo', 'floor-tab', 'floor-window'] as const
export type StartupKind = (typeof STARTUP_KINDS)[number]

/** The static page bench/lib/floor-host.mjs serves: the least a browser-mode launch costs here. */
const FLOOR_HOST = join(dirname(fileURLToPath(import.meta.url)), 'floor-host.mjs')

/**
 * Seeds `count` tokens in a data directory, then launches the host on it `runs` times each way,
 * alternating, each to an interactive list (a fresh host process and a page that never saw it):
 * - `tab`: as a user launches TokenDesk (`npm start`): the core alone, its page opened in a new tab
 *   of a browser that is already running (what `npm start` does through `open`). Each host listens on
 *   a new port, so the page is a new origin and nothing of it is in the browser's cache.
 *   This is `startup_ms_1000`.
 * - `window`: the same in a new browser window (a new Playwright context). Headless Chromium then
 *   also starts a renderer for its own window UI (`--top-chrome-webui`, ~1.5 s of CPU on 2 cores,
 *   traced in issue 10), which neither a tab nor an Electron window pays. Up to 2026-11-24 this was
 *   the only way measured, so it stays beside the new figure.
 * - `demo`: a tab, with the built-in sandbox too (`npm start -- --demo`): its Fastify server boots
 *   before the core (the demo accounts need its address), which a user's launch never pays.
 * - `floor-tab`, `floor-window`: floor-host.mjs launched and loaded the same way. Start-up minus the
 *   floor is what TokenDesk itself costs.
 */
export async function measureStartup(browser: Browser, rendererDir: string, count: number, runs: number): Promise<Record<StartupKind, StartupRun[]>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tokendesk-bench-start-'))
  // The running browser's window that new tabs open in.
  const window = await browser.newContext({ viewport: { width: 1200, height: 760 }, bypassCSP: true })
  try {
    await (await window.newPage()).goto('about:blank')
    await withHost(rendererDir, dataDir, async (host, client) => {
      await seedTokens(client, count, 8)
      await settleHost(host)
    })
    const out = Object.fromEntries(STARTUP_KINDS.map((kind) => [kind, [] as StartupRun[]])) as Record<StartupKind, StartupRun[]>
    for (let i = 0; i < runs; i++) {
      for (const kind of STARTUP_KINDS) {
        const inTab = !kind.endsWith('window')
        const context = inTab ? window : await browser.newContext({ viewport: { width: 1200, height: 760 }, bypassCSP: true })
        const page = await context.newPage()
        const floor = kind.startsWith('floor')
        const started = performance.now()
        const host = await startHost({ dataDir, rendererDir, demo: kind === 'demo', playOxygenSeconds: LIVE_SECONDS, env: env(), ...(floor ? { script: FLOOR_HOST } : {}) })
        try {
          const pageMs = await loadUntilInteractive(page, host.url, count)
          const { bootedMs } = await host.booted
          out[kind].push({ total_ms: performance.now() - started, spawn_to_ready_ms: host.spawnToReadyMs, boot_ms: host.bootMs, core_booted_ms: bootedMs, page_ms: pageMs })
        } finally {
          await (inTab ? page.close() : context.close())
          await host.stop()
        }
      }
    }
    return out
  } finally {
    await window.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

/**
 * Host CPU with `count` live tokens and the All tokens view open, in ms per minute. First a
 * cool-down of `coolS` seconds after seeding and loading, reported apart: about 75 s after
 * activity stops, V8's memory reducer runs three full GCs in a row (~0.3 s of CPU once; traced
 * with --trace-gc). Then `runs` windows of `windowS` seconds: the state TokenDesk sits in for hours.
 */
export async function measureIdle(browser: Browser, rendererDir: string, count: number, runs: number, windowS: number, coolS: number): Promise<{ windows: number[]; cooldown: number }> {
  return withHost(rendererDir, null, async (host, client) => {
    await seedTokens(client, count, 8)
    client.close()
    const page = await openPage(browser)
    try {
      await loadUntilInteractive(page.page, host.url, count)
      await settleHost(host)
      const perMinute = async (seconds: number): Promise<number> => {
        const before = host.cpuMs()
        const started = performance.now()
        await new Promise((resolve) => setTimeout(resolve, seconds * 1000))
        return ((host.cpuMs() - before) * 60_000) / (performance.now() - started)
      }
      const cooldown = await perMinute(coolS)
      const windows: number[] = []
      for (let i = 0; i < runs; i++) windows.push(await perMinute(windowS))
      return { windows, cooldown }
    } finally {
      await page.close()
    }
  })
}

export interface MemoryRun {
  rss_growth_mb: number
  host_heap_growth_mb: number
  heap_growth_mb: number
}

/** Issues and forgets `count` tokens `runs` times with the All tokens view open; growth over a warmed-up baseline after full GCs. */
export async function measureMemory(browser: Browser, rendererDir: string, count: number, runs: number): Promise<MemoryRun[]> {
  return withHost(rendererDir, null, async (host, client) => {
    const page = await openPage(browser)
    try {
      await page.page.goto(host.url)
      await page.page.waitForSelector('h1', { timeout: 60_000 })
      const cycle = async (n: number): Promise<void> => {
        await seedTokens(client, n, 8)
        const { tokens } = await client.value<{ tokens: { id: string }[] }>('tokens.list')
        let next = 0
        await Promise.all(
          Array.from({ length: 8 }, async () => {
            while (next < tokens.length) await client.value('tokens.forget', { id: tokens[next++]!.id })
          })
        )
        await settleHost(host)
        await new Promise((resolve) => setTimeout(resolve, 1000))
      }
      await cycle(Math.min(500, count))
      const base = await host.stats()
      const baseHeap = await heapMb(page.cdp)
      const out: MemoryRun[] = []
      for (let i = 0; i < runs; i++) {
        await cycle(count)
        const now = await host.stats()
        out.push({
          rss_growth_mb: (now.rss - base.rss) / (1024 * 1024),
          host_heap_growth_mb: (now.heapUsed - base.heapUsed) / (1024 * 1024),
          heap_growth_mb: (await heapMb(page.cdp)) - baseHeap
        })
      }
      return out
    } finally {
      await page.close()
    }
  })
}
