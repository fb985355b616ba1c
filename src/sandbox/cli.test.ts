import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { createInterface } from 'node:readline'
import { afterEach, describe, expect, it } from 'vitest'
import { SandboxReadySchema } from '../shared/sandbox-info.js'
import { parseCliArguments, UsageError } from './cli-args.js'
import { startSandbox } from './index.js'

/** The CLI as people and scripts run it: `npx tsx src/sandbox/cli.ts ...`. */

const children: ChildProcessWithoutNullStreams[] = []

/**
 * `via: 'npx'` is how people run it; npx does not forward signals, so it is signalled as a whole
 * process group (what a terminal's Ctrl+C does). `via: 'tsx'` shows the CLI's own exit code.
 */
function runCli(args: string[], via: 'npx' | 'tsx' = 'npx'): ChildProcessWithoutNullStreams {
  const child =
    via === 'npx'
      ? spawn('npx', ['tsx', 'src/sandbox/cli.ts', ...args], { cwd: process.cwd(), stdio: 'pipe', detached: true })
      : spawn('node_modules/.bin/tsx', ['src/sandbox/cli.ts', ...args], { cwd: process.cwd(), stdio: 'pipe', detached: true })
  children.push(child)
  return child
}

function signalGroup(child: ChildProcessWithoutNullStreams, signal: NodeJS.Signals): void {
  if (child.pid !== undefined) process.kill(-child.pid, signal)
}

function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout })
    lines.once('line', (line) => {
      lines.close()
      resolve(line)
    })
    child.once('exit', (code) => reject(new Error(`cli exited with ${code} before printing`)))
  })
}

function exitOf(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8')
  })
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stderr })))
}

afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        signalGroup(child, 'SIGKILL')
      } catch {
        // already gone
      }
    }
  }
})

describe('sandbox CLI', () => {
  it('prints the ready JSON as its first stdout line (npx tsx ... --json --port 0), serves the URLs in it, and stops on SIGTERM', async () => {
    const child = runCli(['--json', '--port', '0', '--keycloak-access-seconds', '7'])
    const exited = exitOf(child)
    const ready = SandboxReadySchema.parse(JSON.parse(await firstLine(child)))
    expect(ready.baseUrls.respoke).toBe(`${ready.origin}/respoke/v1`)
    expect(ready.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const [user] = ready.credentials.keycloakProxy.users
    const client = ready.credentials.keycloakProxy.clients.find((candidate) => candidate.grants.includes('password'))
    if (!user || !client) throw new Error('the ready line lacks a Keycloak user or password client')
    const response = await fetch(`${ready.baseUrls.keycloakProxy}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', client_id: client.clientId, client_secret: client.clientSecret, username: user.username, password: user.password }).toString()
    })
    expect(response.status).toBe(200)
    expect(((await response.json()) as { expires_in: number }).expires_in).toBe(7)
    expect(ready.credentials.keycloakProxy.clients.some((candidate) => candidate.grants.includes('client_credentials'))).toBe(true)
    signalGroup(child, 'SIGTERM')
    const { code, signal } = await exited
    expect(code === 0 || signal === 'SIGTERM').toBe(true)
    await expect(fetch(`${ready.origin}/__sandbox/ready`)).rejects.toThrow()
  })

  it.each(['SIGTERM', 'SIGINT'] as const)('closes cleanly with exit code 0 on %s', async (signal) => {
    const child = runCli(['--json'], 'tsx')
    const exited = exitOf(child)
    const ready = SandboxReadySchema.parse(JSON.parse(await firstLine(child)))
    expect((await fetch(`${ready.origin}/__sandbox/ready`)).status).toBe(200)
    child.kill(signal)
    expect(await exited).toMatchObject({ code: 0, signal: null })
    await expect(fetch(`${ready.origin}/__sandbox/ready`)).rejects.toThrow()
  })

  it('prints a readable summary without --json', async () => {
    const child = runCli(['--port', '0'], 'tsx')
    const exited = exitOf(child)
    const line = await firstLine(child)
    expect(line).toMatch(/^TokenDesk sandbox ready at http:\/\/127\.0\.0\.1:\d+ \(loopback only\)\. Press Ctrl\+C to stop\.$/)
    child.kill('SIGINT')
    expect((await exited).code).toBe(0)
  })

  it('exits 1 with a message when the port is taken', async () => {
    const occupant = await startSandbox()
    try {
      const port = new URL(occupant.ready.origin).port
      const { code, stderr } = await exitOf(runCli(['--port', port], 'tsx'))
      expect(code).toBe(1)
      expect(stderr).toContain('sandbox: could not start: ')
      expect(stderr).toContain('EADDRINUSE')
    } finally {
      await occupant.close()
    }
  })

  it.each([
    [['--port', 'abc'], '--port expects an integer, got "abc".'],
    [['--port', '70000'], '--port must be between 0 and 65535, got 70000.'],
    [['--keycloak-access-seconds', '0'], '--keycloak-access-seconds must be an integer ≥ 1, got 0.'],
    [['--bogus'], "Unknown option '--bogus'"]
  ])('rejects bad flags %j with a clear message and exit code 2', async (args, message) => {
    const { code, stderr } = await exitOf(runCli(args))
    expect(code).toBe(2)
    expect(stderr).toContain(`sandbox: ${message}`)
  })
})

describe('sandbox CLI flags', () => {
  it('maps every lifetime, refresh and clock flag onto startSandbox options', () => {
    expect(
      parseCliArguments([
        '--port', '4100', '--json',
        '--respoke-ttl-seconds', '60', '--respoke-admin-token-seconds', '600',
        '--pocketpaw-session-seconds', '30', '--play-oxygen-seconds', '45',
        '--keycloak-access-seconds', '10', '--keycloak-refresh-seconds', '20', '--keycloak-session-max-seconds', '90',
        '--revoke-refresh-token', '--refresh-max-reuse', '2', '--clock-offset-seconds=-300',
        '--pocketpaw-remote-client', '--body-limit-bytes', '2048'
      ])
    ).toEqual({
      json: true,
      help: false,
      options: {
        port: 4100,
        lifetimes: {
          respokeTtlSeconds: 60,
          respokeAdminTokenSeconds: 600,
          pocketpawSessionSeconds: 30,
          playOxygenTokenSeconds: 45,
          keycloakAccessTokenSeconds: 10,
          keycloakRefreshTokenSeconds: 20,
          keycloakSessionMaxSeconds: 90
        },
        refresh: { revokeRefreshToken: true, refreshTokenMaxReuse: 2 },
        clockOffsetSeconds: -300,
        pocketpaw: { clientIsLocalhost: false },
        bodyLimitBytes: 2048
      }
    })
  })

  it('gives no options for no flags (a free port and the real defaults)', () => {
    expect(parseCliArguments([])).toEqual({ json: false, help: false, options: {} })
  })

  it.each([[['--port']], [['--json', 'extra']], [['--refresh-max-reuse', '-1']], [['--clock-offset-seconds', '1.5']]])('rejects %j as a usage error', (args) => {
    expect(() => parseCliArguments(args)).toThrow(UsageError)
  })
})
