import Fastify from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { depsPlugin, type AppDeps } from './http/plugins/deps.js'
import { problemPlugin } from './http/plugins/problem.js'
import { swaggerPlugin } from './http/plugins/swagger.js'
import { httpRoutes } from './http/routes/index.js'

export type { AppDeps } from './http/plugins/deps.js'

/** Unknown fields are refused, not stripped; every error is reported, not just the first. */
export const AJV_OPTIONS = { removeAdditional: false, useDefaults: true, coerceTypes: 'array', allErrors: true } as const

/** Builds the whole app; tests and production run exactly this (C1). Whoever passes `deps` closes them. */
export async function buildApp (deps: AppDeps) {
  const app = Fastify({
    loggerInstance: deps.logger,
    ajv: { customOptions: AJV_OPTIONS },
    bodyLimit: deps.config.bodyLimitBytes,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    requestTimeout: 120_000
  }).withTypeProvider<TypeBoxTypeProvider>()
  // JSON routes take JSON only: without this, Fastify's default text/plain parser would let a
  // plain-text body through to schema validation (400) instead of answering 415
  app.removeContentTypeParser('text/plain')
  await app.register(depsPlugin, deps)
  await app.register(problemPlugin, { bodyLimit: deps.config.bodyLimitBytes })
  await app.register(swaggerPlugin)
  await app.register(httpRoutes)
  return app
}
