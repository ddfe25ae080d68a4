import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { partitionWriters } from '../../messaging/heartbeats.ts'
import { HttpError, parse } from '../../web/errors.ts'
import type { BooksTable, WebDeps } from '../index.ts'

const params = z.strictObject({ showtimeId: z.string().min(1).max(80).regex(/^[A-Za-z0-9._-]+$/, 'a showing’s id') })
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * The books, for whoever must check them: per showing, each context's own figures side by side (ordering's seats,
 * orders and push receipts, billing's payments), which process holds each partition's writer; and per showing, its
 * seat stream and its payments. Each context reads its own tables (`books` of its module); ops only lays them out.
 */
export const booksPage = ({ db, ops }: WebDeps) => async (app: FastifyInstance) => {
  const sources = () => {
    if (!ops) throw new HttpError('NOT_FOUND', 'this process keeps no books')
    return ops
  }
  const perShowing = async () => {
    const [tables, writers] = await Promise.all([sources().books(), partitionWriters(db, new Date())])
    // The first table's rows are the showings; the others' figures are put beside them by showing.
    const [first, ...rest] = tables
    const columns = tables.flatMap((t) => t.columns)
    const rows = (first?.rows ?? []).map((row) => ({
      showtimeId: row.showtimeId,
      cells: [...row.cells, ...rest.flatMap((t) => t.rows.find((r) => r.showtimeId === row.showtimeId)?.cells ?? t.columns.map(() => ''))],
    }))
    return { columns, rows, writers }
  }

  app.get('/api/ops/books', perShowing)
  app.get('/ops/books', async (_, reply) => reply.view('contexts/ops/views/books.eta', { title: 'The books', ...(await perShowing()) }))

  app.get('/api/ops/books/:showtimeId', async (request) => ({ tables: await sources().bookOf(parse(params, request.params, 'path').showtimeId) }))
  app.get('/ops/books/:showtimeId', async (request, reply) => {
    const { showtimeId } = parse(params, request.params, 'path')
    const tables: readonly BooksTable[] = await sources().bookOf(showtimeId)
    return reply.view('contexts/ops/views/book.eta', { title: `The books of ${showtimeId}`, showtimeId, tables, isId: (cell: unknown) => typeof cell === 'string' && uuid.test(cell) })
  })
}
