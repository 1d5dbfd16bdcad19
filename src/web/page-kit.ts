import type { FastifyReply, FastifyRequest } from 'fastify'
import type { VNode } from 'preact'
import type { UserRole } from '../signing/index.js'
import type { Formats } from '../lib/format-dates.js'
import type { PageFrame, PageUser } from './layout.js'

/** What every page route needs from the web plugin: the frame of its page, the signed-in user, sending a page. */
export interface PageKit {
  formats: Formats
  frameOf: (request: FastifyRequest, reply: FastifyReply) => PageFrame
  /** The signed-in user holding one of `roles`; otherwise the answer has been sent (sign in, or 403) and undefined is returned. */
  signedIn: (request: FastifyRequest, reply: FastifyReply, roles?: readonly UserRole[]) => PageUser | undefined
  show: (reply: FastifyReply, status: number, page: VNode) => FastifyReply
}
