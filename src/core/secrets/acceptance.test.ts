/**
 * Issue 4's acceptance, for real, in child processes:
 *  - with no Secret Service, the app starts, says why the keychain is unavailable, works with
 *    the vault, and `strings` on the vault file shows no secret;
 *  - the secrets survive a restart (a second process unlocks and reads them).
 */
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { dataPaths } from '../paths'

const run = promisify(execFile)
const CHILD = resolve(__dirname, 'testing/boot-child.ts')
const scratch = mkdtempSync(join(tmpdir(), 'td-accept-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

interface Line {
  command?: string
  result?: { ok: boolean; value?: Record<string, unknown>; error?: { code: string } }
  stored?: number
  matches?: boolean[]
}

/** A session bus without any service files: no Secret Service can be activated. */
function noSecretServiceBus(): { config: string; env: NodeJS.ProcessEnv } {
  const services = join(scratch, 'services')
  mkdirSync(services, { recursive: true })
  const config = join(scratch, 'bus.conf')
  writeFileSync(
    config,
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:tmpdir=${tmpdir()}</listen><auth>EXTERNAL</auth><servicedir>${services}</servicedir>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy></busconfig>`
  )
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_DATA_DIRS: services }
  delete env.DBUS_SESSION_BUS_ADDRESS
  delete env.GNOME_KEYRING_CONTROL
  return { config, env }
}

async function bootChild(
  config: string,
  env: NodeJS.ProcessEnv,
  dataDir: string,
  commands: Array<[string, unknown]>,
  secrets: Array<[string, string]> = [],
  expected: Array<[string, string]> = []
): Promise<Line[]> {
  const args = [`--config-file=${config}`, '--', 'node', '--import', 'tsx', CHILD, dataDir, JSON.stringify(commands), JSON.stringify(secrets), JSON.stringify(expected)]
  const { stdout } = await run('dbus-run-session', args, {
    env,
    timeout: 60_000
  })
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Line)
}

describe('acceptance: no Secret Service', () => {
  it('starts, explains the keychain problem, works with the vault, and the vault file shows no secret', async () => {
    const { config, env } = noSecretServiceBus()
    const dataDir = join(scratch, 'data')
    const secret = 'ACCEPTANCE-CANARY-9f1c2e7d-app-secret'
    const first = await bootChild(
      config,
      env,
      dataDir,
      [
        ['app.diagnostics', {}],
        ['vault.create', { passphrase: 'acceptance passphrase' }],
        ['secrets.chooseBackend', { backend: 'vault', moveSecrets: false }]
      ],
      [['credential/acme/appSecret', secret]]
    )
    const diagnostics = first[0]!.result!.value!.secretStore as Record<string, unknown>
    expect(diagnostics).toMatchObject({ backend: 'keychain', status: 'unavailable', errorCode: 'KEYCHAIN_NO_SECRET_SERVICE', fix: expect.stringContaining('vault') })
    expect(first[1]!.result).toMatchObject({ ok: true, value: { state: 'unlocked' } })
    expect(first[2]!.result).toMatchObject({ ok: true, value: { status: { active: { backend: 'vault', status: 'ok' } } } })
    expect(first[3]).toEqual({ stored: 1 })

    const { stdout: strings } = await run('strings', ['-a', '-n', '6', dataPaths(dataDir).vaultFile])
    expect(strings).not.toContain('ACCEPTANCE-CANARY')
    expect(strings).not.toContain('credential/acme')
    expect(strings).toContain('scrypt')

    // A restart: the vault is the configured backend, locked until unlocked, and the secret is there.
    const second = await bootChild(
      config,
      env,
      dataDir,
      [
        ['secrets.status', {}],
        ['vault.unlock', { passphrase: 'acceptance passphrase' }],
        ['secrets.status', {}]
      ],
      [],
      [['credential/acme/appSecret', secret]]
    )
    expect(second[0]!.result).toMatchObject({ ok: true, value: { active: { backend: 'vault', status: 'locked' }, backendChosen: true } })
    expect(second[2]!.result).toMatchObject({ ok: true, value: { active: { backend: 'vault', status: 'ok' } } })
    expect(second.at(-1)).toEqual({ matches: [true] })
  })
})
