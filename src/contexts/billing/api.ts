import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { HttpError, parse } from '../../web/errors.ts'
import type { WebDeps } from '../index.ts'
import { paymentOf } from './payments.ts'

const orderParams = z.object({ orderId: z.uuid('an order id is a uuid') })

/**
 * An order's payment as JSON: captured, refund owed or refunded, and what the provider was asked to do. For staff
 * (under `/api/admin`, behind the admin guard): a payment is nobody else's business, whoever has the order's id.
 */
export const billingApi = ({ db }: WebDeps) => async (app: FastifyInstance) => {
  app.get('/api/admin/billing/payments/:orderId', async (request) => {
    const { orderId } = parse(orderParams, request.params, 'path')
    return (await paymentOf(db, orderId)) ?? notFound(orderId)
  })
}

const notFound = (orderId: string): never => {
  throw new HttpError('NOT_FOUND', `no payment for order ${orderId}: it was free, or is not paid for yet`)
}
