import type { FastifyReply } from 'fastify'
import type { VNode } from 'preact'
import { render } from 'preact-render-to-string'

/**
 * Sends a page: the doctype and the rendered tree (preact escapes every text and attribute it
 * is given: a name from a peer's feed cannot become markup), as HTML, never cached.
 */
export function sendPage (reply: FastifyReply, status: number, page: VNode): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(`<!doctype html>${render(page)}`)
}
