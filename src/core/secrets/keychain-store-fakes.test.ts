/**
 * KeychainSecretStore driven only through injected fake keytars (never the real module), so
 * these run everywhere, including under Stryker.
 */
import { describe, expect, it } from 'vitest'
import { AppError } from '../../shared/errors'
import { createMemoryLogger } from '../log'
import { describeKeychainProblem } from './keychain-errors'
import { DEFAULT_KEYCHAIN_TIMEOUT_MS, KEYCHAIN_SERVICE, KeychainSecretStore, MAX_STUCK_CALLS, type KeytarApi } from './keychain-store'
import { ENCODED_MARK } from './value-codec'

interface Call {
  op: 'get' | 'set' | 'delete'
  service: string
  account: string
}

interface FakeKeytar extends KeytarApi {
  items: Map<string, string>
  calls: Call[]
  services: Set<string>
}

/** A Map-backed keytar; `hooks` replace single operations to simulate failures. */
function fakeKeytar(hooks: Partial<KeytarApi> = {}): FakeKeytar {
  const items = new Map<string, string>()
  const calls: Call[] = []
  const services = new Set<string>()
  const fake: FakeKeytar = {
    items,
    calls,
    services,
    getPassword: async (service, account) => {
      calls.push({ op: 'get', service, account })
      services.add(service)
      if (hooks.getPassword) return hooks.getPassword(service, account)
      return items.get(account) ?? null
    },
    setPassword: async (service, account, password) => {
      calls.push({ op: 'set', service, account })
      services.add(service)
      if (hooks.setPassword) return hooks.setPassword(service, account, password)
      items.set(account, password)
    },
    deletePassword: async (service, account) => {
      calls.push({ op: 'delete', service, account })
      services.add(service)
      if (hooks.deletePassword) return hooks.deletePassword(service, account)
      return items.delete(account)
    }
  }
  return fake
}

function makeStore(fake: KeytarApi, timeoutMs = 1000, service = 'TokenDeskTest') {
  const log = createMemoryLogger()
  const store = new KeychainSecretStore({ log, service, timeoutMs, loadKeytar: async () => fake })
  return { store, log }
}

const warns = (lines: string[]): string[] => lines.filter((line) => line.startsWith('warn'))
const userItems = (fake: FakeKeytar): string[] => [...fake.items.keys()].filter((account) => !account.startsWith('.probe.')).sort()

async function caught(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(AppError)
    return error as AppError
  }
  throw new Error('expected a rejection')
}

describe('KeychainSecretStore with a fake keytar: values', () => {
  it('defaults: service TokenDesk, 5 s timeout, backend keychain', async () => {
    const fake = fakeKeytar()
    const store = new KeychainSecretStore({ log: createMemoryLogger(), loadKeytar: async () => fake })
    expect(store.service).toBe(KEYCHAIN_SERVICE)
    expect(KEYCHAIN_SERVICE).toBe('TokenDesk')
    expect(store.timeoutMs).toBe(DEFAULT_KEYCHAIN_TIMEOUT_MS)
    expect(DEFAULT_KEYCHAIN_TIMEOUT_MS).toBe(5000)
    expect(store.backend).toBe('keychain')
    await store.set('credential/a/password', 'pw')
    expect([...fake.services]).toEqual(['TokenDesk'])
  })

  it('a short value round-trips verbatim and is listed through the index', async () => {
    const fake = fakeKeytar()
    const { store } = makeStore(fake)
    await store.set('credential/b/password', 'hunter2')
    await store.set('credential/a/password', 's3cret')
    expect(await store.get('credential/b/password')).toBe('hunter2')
    expect(await store.get('credential/a/password')).toBe('s3cret')
    expect(fake.items.get('credential/b/password')).toBe('hunter2')
    expect(fake.items.get('.index')).toBe('["credential/a/password","credential/b/password"]')
    expect(await store.keys()).toEqual(['credential/a/password', 'credential/b/password'])
    expect(userItems(fake)).toEqual(['.index', 'credential/a/password', 'credential/b/password'])
    expect([...fake.services]).toEqual(['TokenDeskTest'])
    expect([...fake.items.keys()].some((account) => account.startsWith('.probe.'))).toBe(false)
  })

  it('a missing key reads as null after a successful probe, which leaves nothing behind', async () => {
    const fake = fakeKeytar()
    const { store } = makeStore(fake)
    expect(await store.get('credential/none/password')).toBeNull()
    const probeSets = fake.calls.filter((call) => call.op === 'set' && call.account.startsWith('.probe.'))
    expect(probeSets).toHaveLength(1)
    expect(probeSets[0]!.account).toMatch(/^\.probe\.[0-9a-f]{12}$/)
    expect(fake.items.size).toBe(0)
    expect(await store.keys()).toEqual([])
  })

  it('a long value is chunked, read back whole, replaced cleanly and deleted with its chunks', async () => {
    const fake = fakeKeytar()
    const { store } = makeStore(fake)
    const long = 'x'.repeat(5000)
    await store.set('credential/a/token', long)
    const main = fake.items.get('credential/a/token')!
    expect(main.startsWith(ENCODED_MARK)).toBe(true)
    const chunkAccounts = userItems(fake).filter((account) => account.includes('#'))
    expect(chunkAccounts).toHaveLength(3)
    for (const account of chunkAccounts) expect(account).toMatch(/^credential\/a\/token#[0-9a-f]{8}\.[123]$/)
    expect(await store.get('credential/a/token')).toBe(long)

    const longer = 'y'.repeat(6000)
    await store.set('credential/a/token', longer)
    expect(await store.get('credential/a/token')).toBe(longer)
    const after = userItems(fake).filter((account) => account.includes('#'))
    expect(after).toHaveLength(4)
    expect(after.some((account) => chunkAccounts.includes(account))).toBe(false)

    await store.set('credential/a/token', 'short')
    expect(userItems(fake)).toEqual(['.index', 'credential/a/token'])
    expect(await store.get('credential/a/token')).toBe('short')

    await store.set('credential/a/token', long)
    expect(await store.delete('credential/a/token')).toBe(true)
    expect(userItems(fake)).toEqual(['.index'])
    expect(fake.items.get('.index')).toBe('[]')
    expect(await store.get('credential/a/token')).toBeNull()
    expect(await store.delete('credential/a/token')).toBe(false)
  })

  it('values keytar cannot hold verbatim (empty, NUL) round-trip through the codec', async () => {
    const fake = fakeKeytar()
    const { store } = makeStore(fake)
    await store.set('credential/a/empty', '')
    await store.set('credential/a/nul', 'a\0b')
    expect(await store.get('credential/a/empty')).toBe('')
    expect(await store.get('credential/a/nul')).toBe('a\0b')
    expect(fake.items.get('credential/a/empty')!.startsWith(ENCODED_MARK)).toBe(true)
    expect(userItems(fake).filter((account) => account.includes('#'))).toEqual([])
  })

  it('a missing chunk is reported as damaged, not as a wrong value', async () => {
    const fake = fakeKeytar()
    const { store } = makeStore(fake)
    await store.set('credential/a/token', 'z'.repeat(4000))
    const chunk = [...fake.items.keys()].find((account) => account.includes('#'))!
    fake.items.delete(chunk)
    expect((await caught(store.get('credential/a/token'))).code).toBe('SECRET_CORRUPT')
  })

  it('delete removes the item and its index entry; deleting a missing key answers false', async () => {
    const fake = fakeKeytar()
    const { store } = makeStore(fake)
    await store.set('credential/a/password', 'pw')
    await store.set('credential/b/password', 'pw2')
    expect(await store.delete('credential/a/password')).toBe(true)
    expect(fake.items.has('credential/a/password')).toBe(false)
    expect(await store.keys()).toEqual(['credential/b/password'])
    expect(await store.delete('credential/a/password')).toBe(false)
    expect(await store.get('credential/b/password')).toBe('pw2')
  })

  it('saving an existing key again does not rewrite the index', async () => {
    const fake = fakeKeytar()
    const { store } = makeStore(fake)
    await store.set('credential/a/password', 'one')
    const indexWrites = (): number => fake.calls.filter((call) => call.op === 'set' && call.account === '.index').length
    expect(indexWrites()).toBe(1)
    await store.set('credential/a/password', 'two')
    expect(indexWrites()).toBe(1)
    expect(await store.get('credential/a/password')).toBe('two')
    await store.delete('credential/zz/none')
    expect(indexWrites()).toBe(1)
  })

  it('invalid keys and non-string values are refused before any keychain call', async () => {
    const fake = fakeKeytar()
    const { store } = makeStore(fake)
    for (const key of ['.index', 'a#b', '', '.probe.x']) {
      expect((await caught(store.get(key))).code).toBe('SECRET_KEY_INVALID')
      expect((await caught(store.set(key, 'v'))).code).toBe('SECRET_KEY_INVALID')
      expect((await caught(store.delete(key))).code).toBe('SECRET_KEY_INVALID')
    }
    const rejected = await caught(store.set('credential/a/b', 42 as unknown as string))
    expect(rejected.code).toBe('KEYCHAIN_VALUE_REJECTED')
    expect(fake.calls).toEqual([])
  })

  it('a damaged index is reported as SECRET_CORRUPT with a fix naming the item', async () => {
    for (const damaged of ['not json', '{"a":1}', '[1,2]', '["ok",3]']) {
      const fake = fakeKeytar()
      fake.items.set('.index', damaged)
      const { store } = makeStore(fake)
      const error = await caught(store.keys())
      expect(error.code).toBe('SECRET_CORRUPT')
      expect(error.message).toContain('damaged')
      expect(error.details).toMatchObject({ fix: expect.stringContaining('".index" of service "TokenDeskTest"') })
      expect((await caught(store.set('credential/a/b', 'v'))).code).toBe('SECRET_CORRUPT')
    }
    const fake = fakeKeytar()
    fake.items.set('.index', '["b","a"]')
    expect(await makeStore(fake).store.keys()).toEqual(['a', 'b'])
  })
})

describe('KeychainSecretStore with a fake keytar: locked keyring', () => {
  const locked = (): FakeKeytar =>
    fakeKeytar({
      getPassword: async () => null,
      setPassword: async () => {
        throw new Error('Cannot create an item in a locked collection')
      },
      deletePassword: async () => false
    })

  it('get, delete and set fail with KEYCHAIN_LOCKED instead of answering "missing"', async () => {
    const { store } = makeStore(locked())
    expect((await caught(store.get('credential/a/password'))).code).toBe('KEYCHAIN_LOCKED')
    expect((await caught(store.delete('credential/a/password'))).code).toBe('KEYCHAIN_LOCKED')
    expect((await caught(store.set('credential/a/password', 'pw'))).code).toBe('KEYCHAIN_LOCKED')
    expect((await caught(store.keys())).code).toBe('KEYCHAIN_LOCKED')
  })

  it('health reports locked with the locked reason and fix', async () => {
    const { store } = makeStore(locked())
    const health = await store.health()
    const problem = describeKeychainProblem('KEYCHAIN_LOCKED', 1000)
    expect(health).toMatchObject({ backend: 'keychain', ephemeral: false, status: 'locked', errorCode: 'KEYCHAIN_LOCKED', reason: problem.reason, fix: problem.fix })
    expect(health.location).toContain('service "TokenDeskTest"')
    expect(typeof health.checkedAt).toBe('number')
    expect('probeMs' in health).toBe(false)
  })

  it('a keyring that accepts writes but reads back null is locked; one that reads back something else is unavailable', async () => {
    const readsNull = fakeKeytar({ getPassword: async () => null })
    const first = makeStore(readsNull)
    expect((await caught(first.store.get('credential/a/b'))).code).toBe('KEYCHAIN_LOCKED')
    expect(await first.store.health()).toMatchObject({ status: 'locked', errorCode: 'KEYCHAIN_LOCKED' })
    // The probe item is removed even when the read-back failed.
    expect([...readsNull.items.keys()].some((account) => account.startsWith('.probe.'))).toBe(false)

    const lies = fakeKeytar({ getPassword: async () => 'something else' })
    const second = makeStore(lies)
    expect(await second.store.health()).toMatchObject({ status: 'unavailable', errorCode: 'KEYCHAIN_UNAVAILABLE' })
  })

  it('a chunk that reads as null on a locked keyring is KEYCHAIN_LOCKED, not a damaged value', async () => {
    let lockedNow = false
    const fake = fakeKeytar()
    const items = fake.items
    const original = fake.getPassword
    fake.getPassword = async (service, account) => (lockedNow && account !== 'credential/a/token' ? null : original(service, account))
    const { store } = makeStore(fake)
    await store.set('credential/a/token', 'q'.repeat(4000))
    lockedNow = true
    expect((await caught(store.get('credential/a/token'))).code).toBe('KEYCHAIN_LOCKED')
    expect(items.size).toBeGreaterThan(0)
  })

  it('a delete that answers false for an item that exists is cross-checked by a probe', async () => {
    const fake = fakeKeytar({ deletePassword: async () => false })
    const { store } = makeStore(fake)
    fake.items.set('credential/a/password', 'pw')
    fake.items.set('.index', '["credential/a/password"]')
    expect(await store.delete('credential/a/password')).toBe(false)
    expect(fake.items.get('.index')).toBe('[]')
    const probes = fake.calls.filter((call) => call.op === 'set' && call.account.startsWith('.probe.'))
    expect(probes).toHaveLength(1)
  })

  it('concurrent null answers share one probe', async () => {
    const fake = fakeKeytar()
    const { store } = makeStore(fake)
    const results = await Promise.all([store.get('credential/a/x'), store.get('credential/b/x'), store.get('credential/c/x')])
    expect(results).toEqual([null, null, null])
    expect(fake.calls.filter((call) => call.op === 'set' && call.account.startsWith('.probe.'))).toHaveLength(1)
    await store.get('credential/d/x')
    expect(fake.calls.filter((call) => call.op === 'set' && call.account.startsWith('.probe.'))).toHaveLength(2)
  })
})

describe('KeychainSecretStore with a fake keytar: health and errors', () => {
  it('health is ok with a probe duration and leaves no probe item', async () => {
    const fake = fakeKeytar()
    const { store, log } = makeStore(fake)
    const before = Date.now()
    const health = await store.health()
    expect(health).toMatchObject({ backend: 'keychain', ephemeral: false, status: 'ok' })
    expect(health.location).toBe('Secret Service (D-Bus org.freedesktop.secrets), service "TokenDeskTest"')
    expect(health.checkedAt).toBeGreaterThanOrEqual(before)
    expect(health.checkedAt).toBeLessThanOrEqual(Date.now())
    expect(typeof health.probeMs).toBe('number')
    expect(health.probeMs).toBeGreaterThanOrEqual(0)
    expect(health.probeMs).toBeLessThan(1000)
    expect(Math.round(health.probeMs! * 10) / 10).toBe(health.probeMs)
    expect('reason' in health).toBe(false)
    expect(fake.items.size).toBe(0)
    const ops = fake.calls.map((call) => call.op)
    expect(ops).toEqual(['set', 'get', 'delete'])
    expect(new Set(fake.calls.map((call) => call.account)).size).toBe(1)
    expect(log.lines).toEqual([])
  })

  it('a probe whose clean-up fails is logged but health stays ok', async () => {
    const fake = fakeKeytar({
      deletePassword: async () => {
        throw new Error('something odd')
      }
    })
    const { store, log } = makeStore(fake)
    expect((await store.health()).status).toBe('ok')
    expect(log.lines.some((line) => line.includes('could not delete the probe item') && line.includes('KEYCHAIN_UNAVAILABLE'))).toBe(true)
  })

  it('keytar missing: health unavailable with the keytar reason, loaded once, calls fail unavailable', async () => {
    let loads = 0
    const log = createMemoryLogger()
    const store = new KeychainSecretStore({
      log,
      service: 'TokenDeskTest',
      loadKeytar: async () => {
        loads++
        throw new Error("Cannot find module 'keytar'")
      }
    })
    const health = await store.health()
    expect(health).toMatchObject({ status: 'unavailable', errorCode: 'KEYCHAIN_UNAVAILABLE' })
    expect(health.reason).toContain('keytar native module')
    expect(health.fix).toContain('npm install keytar')
    const error = await caught(store.get('credential/a/b'))
    expect(error.code).toBe('KEYCHAIN_UNAVAILABLE')
    expect(error.details).toMatchObject({ cause: 'keytar-missing', fix: expect.stringContaining('npm install keytar') })
    await store.health()
    expect(loads).toBe(1)
    expect(warns(log.lines)).toHaveLength(1)
    expect(warns(log.lines)[0]).toContain('keytar is not available')
    expect(warns(log.lines)[0]).toContain("Cannot find module 'keytar'")
  })

  it('keytar failing to load with a non-Error is described by its text', async () => {
    const log = createMemoryLogger()
    const store = new KeychainSecretStore({
      log,
      loadKeytar: () => Promise.reject('no binding for this ABI')
    })
    expect((await store.health()).reason).toContain('keytar native module')
    expect(log.lines.join('\n')).toContain('no binding for this ABI')
  })

  it.each([
    ['Cannot autolaunch D-Bus without X11 $DISPLAY', 'KEYCHAIN_NO_DBUS', 'unavailable'],
    ['The name org.freedesktop.secrets was not provided by any .service files', 'KEYCHAIN_NO_SECRET_SERVICE', 'unavailable'],
    ['Cannot create an item in a locked collection', 'KEYCHAIN_LOCKED', 'locked'],
    ['org.freedesktop.DBus.Error.AccessDenied', 'KEYCHAIN_ACCESS_DENIED', 'unavailable'],
    ['something nobody expected', 'KEYCHAIN_UNAVAILABLE', 'unavailable']
  ] as const)('a keytar error "%s" is classified as %s', async (message, code, status) => {
    const fake = fakeKeytar({
      setPassword: async () => {
        throw new Error(message)
      }
    })
    const { store, log } = makeStore(fake)
    const problem = describeKeychainProblem(code, 1000)
    expect(await store.health()).toMatchObject({ status, errorCode: code, reason: problem.reason, fix: problem.fix })
    const error = await caught(store.set('credential/a/b', 'v'))
    expect(error.code).toBe(code)
    expect(error.message).toBe(problem.reason)
    expect(error.message).not.toContain(message)
    expect(warns(log.lines)).toHaveLength(1)
    expect(warns(log.lines)[0]).toContain(`probe-set failed: ${code}`)
    expect(warns(log.lines)[0]).toContain(message)
  })

  it('a failure is logged once while it lasts, the recovery once, and a new failure again', async () => {
    const state = { broken: true, message: 'Cannot autolaunch D-Bus' }
    const fake = fakeKeytar({
      getPassword: async (_service, account) => {
        if (state.broken) throw new Error(state.message)
        return fake.items.get(account) ?? null
      }
    })
    const { store, log } = makeStore(fake)
    for (let i = 0; i < 5; i++) expect((await store.health()).status).toBe('unavailable')
    for (let i = 0; i < 3; i++) expect((await caught(store.get('credential/a/b'))).code).toBe('KEYCHAIN_NO_DBUS')
    expect(warns(log.lines)).toHaveLength(1)
    expect(warns(log.lines)[0]).toContain('probe-get failed: KEYCHAIN_NO_DBUS')
    state.broken = false
    expect((await store.health()).status).toBe('ok')
    expect((await store.health()).status).toBe('ok')
    expect(log.lines.filter((line) => line.includes('works again'))).toHaveLength(1)
    expect(log.lines.find((line) => line.includes('works again'))).toMatch(/^info/)
    state.broken = true
    await store.health()
    expect(warns(log.lines)).toHaveLength(2)
    state.message = 'Cannot create an item in a locked collection'
    expect((await store.health()).status).toBe('locked')
    expect(warns(log.lines)).toHaveLength(3)
  })

  it('logs at most 300 characters of the library message', async () => {
    const message = 'A'.repeat(300) + 'TAIL'
    const fake = fakeKeytar({
      setPassword: async () => {
        throw new Error(message)
      }
    })
    const { store, log } = makeStore(fake)
    await store.health()
    expect(log.lines[0]).toContain('A'.repeat(300))
    expect(log.lines[0]).not.toContain('TAIL')
  })

  it('a non-Error thrown by keytar is classified from its text', async () => {
    const fake = fakeKeytar({
      setPassword: () => Promise.reject('the prompt was dismissed')
    })
    const { store, log } = makeStore(fake)
    expect(await store.health()).toMatchObject({ status: 'locked', errorCode: 'KEYCHAIN_LOCKED' })
    expect(log.lines[0]).toContain('the prompt was dismissed')
  })

  it('an AppError from keytar passes through; a non-keychain one makes health unavailable', async () => {
    const fake = fakeKeytar({
      setPassword: async () => {
        throw new AppError('SECRET_CORRUPT', 'odd')
      }
    })
    const { store, log } = makeStore(fake)
    expect(await store.health()).toMatchObject({ status: 'unavailable', errorCode: 'KEYCHAIN_UNAVAILABLE', reason: describeKeychainProblem('KEYCHAIN_UNAVAILABLE', 1000).reason })
    expect((await caught(store.set('credential/a/b', 'v'))).code).toBe('SECRET_CORRUPT')
    expect(log.lines).toEqual([])
  })

  it('failing to delete an old chunk is logged and does not fail the write', async () => {
    const fake = fakeKeytar()
    const { store, log } = makeStore(fake)
    await store.set('credential/a/token', 'w'.repeat(4000))
    const original = fake.deletePassword
    fake.deletePassword = async (service, account) => {
      if (account.includes('#')) throw new Error('Cannot autolaunch D-Bus')
      return original(service, account)
    }
    await store.set('credential/a/token', 'new value')
    expect(await store.get('credential/a/token')).toBe('new value')
    expect(log.lines.some((line) => line.includes('could not delete an old chunk item') && line.includes('KEYCHAIN_NO_DBUS'))).toBe(true)
    expect(await store.delete('credential/a/token')).toBe(true)
  })

  it('an unreadable old main item does not stop a new value from being saved', async () => {
    const fake = fakeKeytar()
    const { store } = makeStore(fake)
    fake.items.set('credential/a/token', `${ENCODED_MARK}{broken`)
    await store.set('credential/a/token', 'fresh')
    expect(await store.get('credential/a/token')).toBe('fresh')
    fake.items.set('credential/a/token', `${ENCODED_MARK}{broken}\nabc`)
    expect(await store.delete('credential/a/token')).toBe(true)
  })
})

describe('KeychainSecretStore with a fake keytar: timeouts', () => {
  it('a hanging call is bounded by timeoutMs and logged; health then reports a timeout', async () => {
    const fake = fakeKeytar({ getPassword: () => new Promise(() => undefined) })
    const { store, log } = makeStore(fake, 50)
    const started = performance.now()
    const error = await caught(store.get('credential/a/password'))
    const elapsed = performance.now() - started
    expect(error.code).toBe('KEYCHAIN_TIMEOUT')
    expect(error.details).toMatchObject({ fix: expect.any(String) })
    expect(error.details).not.toHaveProperty('stuckCalls')
    expect(elapsed).toBeGreaterThanOrEqual(45)
    expect(elapsed).toBeLessThan(500)
    expect(log.lines).toContain('warn [keychain] get timed out after 50 ms')
    expect(await store.health()).toMatchObject({ status: 'unavailable', errorCode: 'KEYCHAIN_TIMEOUT', reason: describeKeychainProblem('KEYCHAIN_TIMEOUT', 50).reason })
  })

  it('a call that answers in time is not cut off, and its timer does not linger', async () => {
    const fake = fakeKeytar()
    const slow = fake.getPassword
    fake.getPassword = async (service, account) => {
      await new Promise((resolve) => setTimeout(resolve, 10))
      return slow(service, account)
    }
    const { store, log } = makeStore(fake, 80)
    await store.set('credential/a/b', 'v')
    expect(await store.get('credential/a/b')).toBe('v')
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(log.lines).toEqual([])
    expect(await store.get('credential/a/b')).toBe('v')
  })

  it(`fails fast after ${MAX_STUCK_CALLS} stuck calls, and recovers when they finish`, async () => {
    expect(MAX_STUCK_CALLS).toBe(2)
    const pending: Array<() => void> = []
    const stalling: KeytarApi = {
      getPassword: () => new Promise((resolve) => pending.push(() => resolve('late'))),
      setPassword: () => new Promise((resolve) => pending.push(() => resolve())),
      deletePassword: () => new Promise((resolve) => pending.push(() => resolve(true)))
    }
    const { store } = makeStore(stalling, 40)
    expect((await caught(store.get('credential/a/b'))).code).toBe('KEYCHAIN_TIMEOUT')
    expect((await caught(store.get('credential/c/d'))).code).toBe('KEYCHAIN_TIMEOUT')
    const started = performance.now()
    const fast = await caught(store.get('credential/e/f'))
    expect(performance.now() - started).toBeLessThan(30)
    expect(fast.code).toBe('KEYCHAIN_TIMEOUT')
    expect(fast.details).toMatchObject({ stuckCalls: 2 })
    expect(pending).toHaveLength(2)
    // One stuck call finishing is enough to try again.
    pending.shift()!()
    await new Promise((resolve) => setTimeout(resolve, 5))
    const next = store.get('credential/g/h')
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(pending).toHaveLength(2)
    pending.pop()!()
    expect(await next).toBe('late')
  })

  it('a stuck call that finally fails also releases its slot', async () => {
    const pending: Array<() => void> = []
    let hang = true
    const fake = fakeKeytar()
    const inner = fake.getPassword
    fake.getPassword = (service, account) =>
      hang ? new Promise((_, reject) => pending.push(() => reject(new Error('late failure')))) : inner(service, account)
    const { store } = makeStore(fake, 30)
    await caught(store.get('credential/a/b'))
    await caught(store.get('credential/a/c'))
    expect((await caught(store.get('credential/a/d'))).details).toMatchObject({ stuckCalls: 2 })
    hang = false
    for (const settle of pending.splice(0)) settle()
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(await store.get('credential/a/e')).toBeNull()
  })
})

describe('KeychainSecretStore with a fake keytar: call economy and reporting details', () => {
  const probeCount = (fake: FakeKeytar): number => fake.calls.filter((call) => call.op === 'set' && call.account.startsWith('.probe.')).length

  it('reading and deleting values that exist needs no probe, and deletes exactly the chunks written', async () => {
    const fake = fakeKeytar()
    const { store } = makeStore(fake)
    await store.set('credential/a/short', 'pw')
    await store.set('credential/a/token', 'c'.repeat(5000))
    fake.calls.length = 0
    expect(await store.get('credential/a/token')).toBe('c'.repeat(5000))
    expect(await store.get('credential/a/short')).toBe('pw')
    expect(probeCount(fake)).toBe(0)
    const chunks = [...fake.items.keys()].filter((account) => account.includes('#'))
    expect(chunks).toHaveLength(3)
    fake.calls.length = 0
    expect(await store.delete('credential/a/token')).toBe(true)
    expect(await store.delete('credential/a/short')).toBe(true)
    expect(probeCount(fake)).toBe(0)
    const deleted = fake.calls.filter((call) => call.op === 'delete').map((call) => call.account)
    expect(deleted.sort()).toEqual(['credential/a/short', 'credential/a/token', ...chunks].sort())
  })

  it('deleting a key that does not exist makes no delete call for it', async () => {
    const fake = fakeKeytar()
    const { store } = makeStore(fake)
    await store.set('credential/a/b', 'v')
    fake.calls.length = 0
    expect(await store.delete('credential/x/y')).toBe(false)
    expect(fake.calls.filter((call) => call.op === 'delete' && !call.account.startsWith('.probe.'))).toEqual([])
    expect(probeCount(fake)).toBe(1)
  })

  it('probeMs is the probe duration rounded to a tenth of a millisecond', async () => {
    const fake = fakeKeytar()
    const inner = fake.setPassword
    fake.setPassword = async (service, account, password) => {
      await new Promise((resolve) => setTimeout(resolve, 25))
      return inner(service, account, password)
    }
    const { store } = makeStore(fake)
    const health = await store.health()
    expect(health.probeMs).toBeGreaterThanOrEqual(20)
    expect(health.probeMs).toBeLessThan(500)
    expect(Math.abs(health.probeMs! * 10 - Math.round(health.probeMs! * 10))).toBeLessThan(1e-6)
  })

  it('names the keychain of the platform', async () => {
    const original = Object.getOwnPropertyDescriptor(process, 'platform')!
    const cases: Array<[string, string]> = [
      ['darwin', 'macOS Keychain, service "TokenDeskTest"'],
      ['win32', 'Windows Credential Manager, service "TokenDeskTest"'],
      ['linux', 'Secret Service (D-Bus org.freedesktop.secrets), service "TokenDeskTest"']
    ]
    try {
      for (const [platform, location] of cases) {
        Object.defineProperty(process, 'platform', { ...original, value: platform })
        expect((await makeStore(fakeKeytar()).store.health()).location).toBe(location)
      }
    } finally {
      Object.defineProperty(process, 'platform', original)
    }
  })

  it('two failures that differ only after the 300 logged characters are logged once', async () => {
    let tail = 'one'
    const fake = fakeKeytar({
      setPassword: async () => {
        throw new Error('B'.repeat(300) + tail)
      }
    })
    const { store, log } = makeStore(fake)
    await store.health()
    tail = 'two'
    await store.health()
    expect(warns(log.lines)).toHaveLength(1)
  })
})
