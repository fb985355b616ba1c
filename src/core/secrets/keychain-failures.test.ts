/**
 * The keychain's failure modes, for real (docs/security.md §2.1): each scenario runs the keychain
 * backend in a child process with its own D-Bus environment (libsecret binds one bus per
 * process), so the shared keyring session of the test run is never touched.
 */
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { createMemoryLogger } from '../log'
import { KeychainSecretStore, type KeytarApi } from './keychain-store'
import { IN_KEYRING, KEYRING_HINT } from './testing/keyring-env'

const run = promisify(execFile)
const CHILD = resolve(__dirname, 'testing/keychain-child.ts')
const scratch = mkdtempSync(join(tmpdir(), 'td-keychain-fail-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

interface OpResult {
  op: string
  ok: boolean
  value?: unknown
  code?: string
  message?: string
  ms: number
}

type Op = Record<string, unknown>

/** `td-child '<json>'` runs the keychain child from any (nested) shell of a scenario. */
const BIN = join(scratch, 'bin')
mkdirSync(BIN, { recursive: true })
writeFileSync(join(BIN, 'td-child'), `#!/bin/bash\nexec node --import tsx "${CHILD}" "$1"\n`, { mode: 0o755 })

/** Runs `script` with bash and `args` as $1, $2…; returns the child's results, in order. */
async function scenario(script: string, args: string[], env: NodeJS.ProcessEnv = process.env, timeout = 60_000): Promise<OpResult[]> {
  const { stdout } = await run('bash', ['-c', script, 'bash', ...args], {
    env: { ...env, PATH: `${BIN}:${env.PATH ?? ''}` },
    timeout,
    maxBuffer: 10 * 1024 * 1024
  })
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as OpResult)
}

const ops = (...list: Op[]): string => JSON.stringify({ service: 'TokenDesk', ops: list })

/** A brand-new, private session bus and keyring home, so replacing or stopping its daemon harms nobody. */
function privateSessionEnv(name: string): NodeJS.ProcessEnv {
  const home = join(scratch, name)
  for (const sub of ['data', 'run', 'home']) mkdirSync(join(home, sub), { recursive: true, mode: 0o700 })
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: join(home, 'home'), XDG_DATA_HOME: join(home, 'data'), XDG_RUNTIME_DIR: join(home, 'run') }
  delete env.GNOME_KEYRING_CONTROL
  delete env.DBUS_SESSION_BUS_ADDRESS
  return env
}

const UNLOCK = 'eval "$(printf %s pw | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)"'

describe('keychain failure modes (real D-Bus / gnome-keyring)', () => {
  it('no D-Bus session: KEYCHAIN_NO_DBUS from health, get and set (never null)', async () => {
    const env = { ...process.env }
    delete env.DBUS_SESSION_BUS_ADDRESS
    delete env.DISPLAY
    const [health, get, set] = await scenario('td-child "$1"', [ops({ op: 'health' }, { op: 'get', key: 'credential/a/password' }, { op: 'set', key: 'credential/a/password', value: 'v' })], env)
    expect(health!.value).toMatchObject({ status: 'unavailable', errorCode: 'KEYCHAIN_NO_DBUS', fix: expect.stringContaining('vault') })
    expect(get).toMatchObject({ ok: false, code: 'KEYCHAIN_NO_DBUS' })
    expect(set).toMatchObject({ ok: false, code: 'KEYCHAIN_NO_DBUS' })
  })

  it('bus without any Secret Service provider: KEYCHAIN_NO_SECRET_SERVICE', async () => {
    // A session bus whose only service directory is empty, so gnome-keyring is not auto-activated.
    const services = join(scratch, 'no-services')
    mkdirSync(services, { recursive: true })
    const config = join(scratch, 'no-secret-service.conf')
    writeFileSync(
      config,
      `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:tmpdir=${tmpdir()}</listen><auth>EXTERNAL</auth><servicedir>${services}</servicedir>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy></busconfig>`
    )
    const env = { ...privateSessionEnv('no-provider'), XDG_DATA_DIRS: services }
    const [health, get] = await scenario(
      `dbus-run-session --config-file="${config}" -- td-child "$1"`,
      [ops({ op: 'health' }, { op: 'get', key: 'credential/a/password' })],
      env
    )
    expect(health!.value).toMatchObject({ status: 'unavailable', errorCode: 'KEYCHAIN_NO_SECRET_SERVICE' })
    expect(get).toMatchObject({ ok: false, code: 'KEYCHAIN_NO_SECRET_SERVICE' })
  })

  it('locked keyring: get/delete/set say KEYCHAIN_LOCKED instead of "absent", and nothing is lost', async () => {
    const env = privateSessionEnv('locked')
    const results = await scenario(
      `dbus-run-session -- bash -c '
        ${UNLOCK}
        td-child "$1"
        # Restart the daemon without unlocking: items exist, the collection is locked.
        gnome-keyring-daemon --replace --components=secrets --daemonize >/dev/null 2>&1; sleep 0.5
        td-child "$2"
        printf %s pw | gnome-keyring-daemon --replace --unlock --components=secrets --daemonize >/dev/null 2>&1; sleep 0.5
        td-child "$3"' bash "$@"`,
      [
        ops({ op: 'set', key: 'credential/kept/password', value: 'still-here-after-lock' }, { op: 'set', key: 'credential/big/secret', value: 'B'.repeat(5000) }),
        ops(
        { op: 'get', key: 'credential/kept/password' },
        { op: 'get', key: 'credential/never/stored' },
        { op: 'health' },
        { op: 'keys' },
        { op: 'set', key: 'credential/new/password', value: 'x' },
        { op: 'delete', key: 'credential/kept/password' }
        ),
        ops({ op: 'get', key: 'credential/kept/password' }, { op: 'get', key: 'credential/big/secret' }, { op: 'keys' })
      ],
      env
    )
    const [, , lockedGet, lockedMissing, health, keys, set, del, afterGet, afterBig, afterKeys] = results
    expect(lockedGet).toMatchObject({ ok: false, code: 'KEYCHAIN_LOCKED' })
    expect(lockedMissing).toMatchObject({ ok: false, code: 'KEYCHAIN_LOCKED' })
    expect(health!.value).toMatchObject({ status: 'locked', errorCode: 'KEYCHAIN_LOCKED', fix: expect.stringContaining('Unlock') })
    expect(keys).toMatchObject({ ok: false, code: 'KEYCHAIN_LOCKED' })
    expect(set).toMatchObject({ ok: false, code: 'KEYCHAIN_LOCKED' })
    expect(del).toMatchObject({ ok: false, code: 'KEYCHAIN_LOCKED' })
    // Unlocked again: every item survived the failures above.
    expect(afterGet).toMatchObject({ ok: true, value: 'still-here-after-lock' })
    expect(afterBig).toMatchObject({ ok: true, value: 'B'.repeat(5000) })
    expect(afterKeys).toMatchObject({ ok: true, value: ['credential/big/secret', 'credential/kept/password'] })
  })

  it('daemon killed mid-run: the next calls fail typed (re-activated daemon is locked), never null', async () => {
    const env = privateSessionEnv('killed')
    const results = await scenario(
      `dbus-run-session -- bash -c '${UNLOCK}; td-child "$1"' bash "$@"`,
      [
        ops(
        { op: 'set', key: 'credential/k/password', value: 'before-kill' },
        { op: 'get', key: 'credential/k/password' },
        { op: 'signalDaemon', signal: 'SIGKILL' },
        { op: 'get', key: 'credential/k/password' },
        { op: 'health' }
        )
      ],
      env
    )
    const [, before, , after, health] = results
    expect(before).toMatchObject({ ok: true, value: 'before-kill' })
    expect(after!.ok).toBe(false)
    expect(after!.code).toMatch(/^KEYCHAIN_(LOCKED|NO_SECRET_SERVICE|UNAVAILABLE)$/)
    expect((health!.value as { status: string }).status).not.toBe('ok')
  })

  it('hung daemon (SIGSTOP): a call is bounded by the default 5 s timeout with KEYCHAIN_TIMEOUT', async () => {
    const env = privateSessionEnv('stopped')
    const results = await scenario(
      `dbus-run-session -- bash -c '${UNLOCK}; td-child "$1"' bash "$@"`,
      [
        ops(
        { op: 'set', key: 'credential/k/password', value: 'v' },
        { op: 'signalDaemon', signal: 'SIGSTOP' },
        { op: 'get', key: 'credential/k/password' },
        { op: 'signalDaemon', signal: 'SIGCONT' }
        )
      ],
      env
    )
    const hung = results[2]!
    expect(hung).toMatchObject({ ok: false, code: 'KEYCHAIN_TIMEOUT' })
    expect(hung.ms).toBeGreaterThanOrEqual(4900)
    expect(hung.ms).toBeLessThan(6000)
    console.info(`hung keychain call bounded after ${Math.round(hung.ms)} ms`)
  })

  it('an injected hanging keytar is bounded by a configurable timeout, and the store keeps serving', async () => {
    const hanging: KeytarApi = {
      getPassword: () => new Promise(() => undefined),
      setPassword: () => new Promise(() => undefined),
      deletePassword: () => new Promise(() => undefined)
    }
    const store = new KeychainSecretStore({ log: createMemoryLogger(), timeoutMs: 200, loadKeytar: async () => hanging })
    const started = performance.now()
    await expect(store.get('credential/a/password')).rejects.toMatchObject({ code: 'KEYCHAIN_TIMEOUT', details: { fix: expect.any(String) } })
    const elapsed = performance.now() - started
    expect(elapsed).toBeGreaterThanOrEqual(190)
    expect(elapsed).toBeLessThan(600)
    const health = await store.health()
    expect(health).toMatchObject({ status: 'unavailable', errorCode: 'KEYCHAIN_TIMEOUT' })
  })

  it('stops calling into a hung keychain after two stuck calls (protects the libuv thread pool), and recovers', async () => {
    const pending: Array<() => void> = []
    const stalling: KeytarApi = {
      getPassword: () => new Promise((resolve) => pending.push(() => resolve('late'))),
      setPassword: () => new Promise((resolve) => pending.push(() => resolve())),
      deletePassword: () => new Promise((resolve) => pending.push(() => resolve(true)))
    }
    const store = new KeychainSecretStore({ log: createMemoryLogger(), timeoutMs: 100, loadKeytar: async () => stalling })
    await expect(store.get('credential/a/b')).rejects.toMatchObject({ code: 'KEYCHAIN_TIMEOUT' })
    await expect(store.get('credential/c/d')).rejects.toMatchObject({ code: 'KEYCHAIN_TIMEOUT' })
    const started = performance.now()
    await expect(store.get('credential/e/f')).rejects.toMatchObject({ code: 'KEYCHAIN_TIMEOUT', details: { stuckCalls: 2 } })
    expect(performance.now() - started).toBeLessThan(50)
    expect(pending).toHaveLength(2)
    for (const settle of pending.splice(0)) settle()
    await new Promise((resolve) => setTimeout(resolve, 10))
    const next = store.get('credential/g/h')
    await new Promise((resolve) => setTimeout(resolve, 10))
    pending.shift()?.()
    expect(await next).toBe('late')
  })

  it('keytar missing: the backend reports unavailable with the reason, no throw at construction', async () => {
    const store = new KeychainSecretStore({
      log: createMemoryLogger(),
      loadKeytar: async () => {
        throw new Error("Cannot find module 'keytar'")
      }
    })
    expect(await store.health()).toMatchObject({ status: 'unavailable', errorCode: 'KEYCHAIN_UNAVAILABLE', reason: expect.stringContaining('keytar') })
    await expect(store.get('credential/a/b')).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' })
  })

  // Registered only outside a keyring session, so it fails loudly there and is never a "skipped" row.
  if (!IN_KEYRING) {
    it('needs a keyring session for the scenarios above', () => {
      throw new Error(KEYRING_HINT)
    })
  }
})
