import type { FastifyInstance } from 'fastify'

/** Who is logged in on a request: the account, its address, and the login (so that it can be ended). */
export interface Viewer {
  readonly accountId: string
  readonly email: string
  readonly loginId: string
  /** The name they chose to be shown with what they write ('' until they choose one), as the shared profile has it. */
  readonly displayName: string
  /** An admin account: the staff's pages, ops and the catalog's changes are theirs. */
  readonly admin: boolean
}

/** Tells who a request's cookies log in (the accounts context provides it); without it, everyone is anonymous. */
export interface Identity {
  viewerOf(cookieHeader: string | undefined): Promise<Viewer | undefined>
}

export const everyoneAnonymous: Identity = { viewerOf: async () => undefined }

declare module 'fastify' {
  interface FastifyRequest {
    viewer: Viewer | undefined
  }
}

/** Every request knows its viewer; every page's layout too (`it.viewer`), for the menu. */
export const registerIdentity = (app: FastifyInstance, identity: Identity) => {
  app.decorateRequest('viewer', undefined)
  app.addHook('onRequest', async (request, reply) => {
    request.viewer = await identity.viewerOf(request.headers.cookie)
    if (request.viewer) reply.locals = { ...reply.locals, viewer: { email: request.viewer.email, admin: request.viewer.admin } }
  })
}
