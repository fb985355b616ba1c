import type { FastifyInstance, FastifyReply } from 'fastify'
import { z } from 'zod'
import type { SandboxContext } from './context.js'
import { FaultSpecSchema } from './faults.js'
import { pathParam } from './http-util.js'
import { applySettingsPatch, SandboxSettingsPatchSchema } from './settings.js'
import type { SandboxReady } from '../shared/sandbox-info.js'

/** The control API under /__sandbox/ (JSON only): settings, faults, counters, reset. See README.md. */

export const CONTROL_PREFIX = '/__sandbox'

const NotBeforeSchema = z.strictObject({ notBefore: z.number().int().min(0).optional() })

function invalid(reply: FastifyReply, error: z.ZodError): FastifyReply {
  const issues = error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }))
  return reply.code(400).send({ error: 'invalid_request', issues })
}

export function registerControl(app: FastifyInstance, ctx: SandboxContext, ready: () => SandboxReady): void {
  // A DNS-rebinding page reaches 127.0.0.1 under a foreign Host name: the control API refuses it.
  app.addHook('onRequest', async (request, reply) => {
    const port = new URL(ctx.origin).port
    const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]
    if (allowedHosts.includes((request.headers.host ?? '').toLowerCase())) return undefined
    return reply.code(403).send({ error: 'forbidden_host', message: 'The control API answers only to 127.0.0.1 or localhost.' })
  })

  // Only JSON bodies: a browser page cannot send one cross-origin without a preflight.
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) =>
    reply.code(error.statusCode && error.statusCode < 500 ? error.statusCode : 500).send({ error: 'bad_request', message: error.message })
  )
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send({ error: 'not_found', message: 'Unknown control route; see src/sandbox/README.md.' })
  )

  app.get('/ready', async () => ready())
  app.get('/settings', async () => ctx.settings)
  app.patch('/settings', async (request, reply) => {
    const patch = SandboxSettingsPatchSchema.safeParse(request.body ?? {})
    if (!patch.success) return invalid(reply, patch.error)
    ctx.settings = applySettingsPatch(ctx.settings, patch.data)
    return ctx.settings
  })

  app.post('/reset', async () => {
    ctx.reset()
    return { ok: true }
  })

  app.get('/counters', async () => Object.fromEntries([...ctx.counters].sort(([left], [right]) => left.localeCompare(right))))
  app.delete('/counters', async () => {
    ctx.counters.clear()
    return { ok: true }
  })

  app.get('/faults', async () => ctx.faults.list())
  app.post('/faults', async (request, reply) => {
    const spec = FaultSpecSchema.safeParse(request.body)
    if (!spec.success) return invalid(reply, spec.error)
    return reply.code(201).send(ctx.faults.add(spec.data))
  })
  app.delete('/faults', async () => {
    ctx.faults.clear()
    return { ok: true }
  })
  app.delete('/faults/:id', async (request, reply) => {
    const id = pathParam(request, 'id')
    return ctx.faults.remove(id) ? { ok: true } : reply.code(404).send({ error: 'not_found', message: `No fault ${id}.` })
  })

  app.post('/pocketpaw/regenerate-master', async () => ({ masterToken: ctx.pocketpaw.regenerateMaster() }))

  app.post('/keycloak/not-before', async (request, reply) => {
    const body = NotBeforeSchema.safeParse(request.body ?? {})
    if (!body.success) return invalid(reply, body.error)
    ctx.keycloak.notBefore = body.data.notBefore ?? ctx.nowSeconds()
    return { notBefore: ctx.keycloak.notBefore }
  })
  app.post('/keycloak/logout-all', async () => ({ loggedOut: ctx.keycloak.logoutAll() }))
}
