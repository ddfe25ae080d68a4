import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import Fastify, { type FastifyInstance } from 'fastify'
import { testLogger } from '../../../test/support/logger.ts'
import { shapes, type World } from '../../../test/support/shapes.ts'
import { buildApp } from '../../app.ts'
import { createBus, type Bus } from '../../messaging/bus.ts'
import { MessageCatalog } from '../../messaging/message.ts'
import { registerErrorHandling } from '../../web/error-handler.ts'
import { registerViews } from '../../web/views.ts'
import { notificationsApi } from './api.ts'
import type { Email } from './email.ts'
import { drawingEntryEmail } from './emails/drawing-entry.email.ts'
import { ticketsEmail } from './emails/tickets.email.ts'
import jsQRModule from 'jsqr'
import { PNG } from 'pngjs'
import { notifications } from './index.ts'
import { mailboxSender } from './mailbox.sender.ts'
import { loadConfig } from '../../config.ts'
import { admitEveryone } from '../../web/admission.ts'

// jsqr is CommonJS typed as `export default`: under NodeNext its default import is module.exports, the function.
const jsQR = jsQRModule as unknown as typeof jsQRModule.default

const unescapeHtml = (text: string) =>
  text.replace(/&(lt|gt|quot|#39|amp);/g, (_, name: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[name]!)

for (const shape of shapes) {
  describe(`the dev mailbox on ${shape.name}`, () => {
    let world: World
    let app: FastifyInstance
    let bus: Bus
    const ids: string[] = [] // oldest first

    before(async () => {
      world = await shape.create([notifications.migrations!])
      bus = createBus({ db: world.db, transport: world.transport, catalog: new MessageCatalog(notifications.messages), logger: testLogger, instanceId: 'mailbox-test' })
      app = Fastify({ logger: process.env.POPCORN_TEST_LOG ? { level: process.env.POPCORN_TEST_LOG } : false })
      registerErrorHandling(app)
      await registerViews(app, { cache: false })
      await app.register(notificationsApi({ db: world.db, session: bus.session('web'), logger: testLogger, config: loadConfig({ POPCORN_DEV_MAILBOX: 'on' }), admission: admitEveryone }))

      const order = { showtimeId: 'dune-1', tickets: 2, totalCents: 2500, theaterName: 'Kriterion', startsAt: '2024-06-01T18:30:00.000Z' }
      const emails: Email[] = [
        await ticketsEmail({ ...order, orderId: randomUUID(), email: 'ann@example.com', movieTitle: '<script>alert(1)</script> Dune' }),
        drawingEntryEmail({ orderId: randomUUID(), showtimeId: 'got-finale', tickets: 1, email: 'Bo@Example.com', drawingAt: '2019-05-19T08:00:00.000Z' }),
        await ticketsEmail({ ...order, orderId: randomUUID(), email: 'bo@example.com', movieTitle: 'Top Gun: Maverick' }),
      ]
      for (const [i, email] of emails.entries()) {
        const sent = await world.db.transaction((tx) => mailboxSender(tx).send(email, { messageId: randomUUID(), at: new Date(Date.UTC(2024, 4, 1, 10, i)) }))
        ids.push(sent!.emailId)
      }
    })
    after(async () => {
      await app.close()
      await world.destroy()
    })

    const get = (url: string) => app.inject({ method: 'GET', url })
    const listed = async (url: string) => {
      const response = await get(url)
      assert.equal(response.statusCode, 200, response.body)
      const body = response.json<{ items: { id: string; kind: string }[]; total: number }>()
      return { ids: body.items.map((i) => i.id), total: body.total, items: body.items }
    }

    test('in the app, the mailbox is there only when switched on, and then only for the admin, from any address', async () => {
      const appWith = (env: Record<string, string>) =>
        buildApp({ bus, db: world.db, session: bus.session('web'), contexts: [notifications], logger: testLogger, maxBodyBytes: 4096, describe: () => ({}), config: loadConfig(env) })
      const authorization = `Basic ${Buffer.from('admin:mailbox-admin').toString('base64')}`
      const urls = ['/mailbox', '/api/mailbox', `/mailbox/${ids[0]}`, `/api/mailbox/${ids[0]}`, '/mailbox?to=ann%40example.com']
      const off = await appWith({ POPCORN_ADMIN_PASSWORD: 'mailbox-admin' })
      const on = await appWith({ POPCORN_ADMIN_PASSWORD: 'mailbox-admin', POPCORN_DEV_MAILBOX: 'on' })
      try {
        for (const url of urls) {
          assert.equal((await off.inject({ url, headers: { authorization } })).statusCode, 404, `${url}: off`)
          for (const remoteAddress of ['127.0.0.1', '203.0.113.9']) {
            const stranger = await on.inject({ url, remoteAddress })
            assert.equal(stranger.statusCode, 401, `${url} from ${remoteAddress}`)
            assert.doesNotMatch(stranger.body, /ann@example\.com/)
          }
          assert.equal((await on.inject({ url, headers: { authorization } })).statusCode, 200, `${url}: the admin`)
        }
      } finally {
        await off.close()
        await on.close()
      }
    })

    test('lists the newest first, filters by address (any letter case), and limits', async () => {
      const all = await listed('/api/mailbox')
      assert.deepEqual(all.ids, [...ids].reverse())
      assert.equal(all.total, 3)
      assert.deepEqual(Object.keys(all.items[0]!).sort(), ['id', 'kind', 'orderId', 'sentAt', 'subject', 'to'])
      assert.deepEqual(all.items.map((i) => i.kind), ['tickets', 'drawing-entry', 'tickets'])

      assert.deepEqual((await listed('/api/mailbox?to=bo@example.com')).ids, [ids[2], ids[1]])
      assert.deepEqual((await listed('/api/mailbox?to=BO%40EXAMPLE.COM')).ids, [ids[2], ids[1]])
      assert.deepEqual((await listed('/api/mailbox?to=nobody@example.com')).ids, [])
      assert.deepEqual((await listed('/api/mailbox?to=')).ids, [...ids].reverse())
      const newest = await listed('/api/mailbox?limit=1')
      assert.deepEqual([newest.ids, newest.total], [[ids[2]], 3])
    })

    test('shows one e-mail with its headers, text and HTML', async () => {
      const response = await get(`/api/mailbox/${ids[0]}`)
      assert.equal(response.statusCode, 200)
      const email = response.json()
      assert.equal(email.id, ids[0])
      assert.equal(email.to, 'ann@example.com')
      assert.equal(email.kind, 'tickets')
      assert.equal(email.subject, 'Your tickets for <script>alert(1)</script> Dune')
      assert.match(email.messageId, /^[0-9a-f-]{36}$/)
      assert.equal(email.sentAt, '2024-05-01T10:00:00.000Z')
      assert.match(email.text, /Total: +€25\.00/)
      assert.match(email.html, /^<!doctype html>/)
    })

    test('an unknown id is a 404, a malformed one or a bad limit a 400', async () => {
      const unknown = await get(`/api/mailbox/${randomUUID()}`)
      assert.equal(unknown.statusCode, 404)
      assert.equal(unknown.json().error.code, 'NOT_FOUND')
      for (const url of ['/api/mailbox/not-a-uuid', '/api/mailbox?limit=0', '/api/mailbox?limit=many', '/api/mailbox?limit=201', `/api/mailbox?to=${'x'.repeat(321)}`]) {
        const bad = await get(url)
        assert.equal(bad.statusCode, 400, url)
        assert.equal(bad.json().error.code, 'BAD_REQUEST', url)
      }
      const page = await get(`/mailbox/${randomUUID()}`)
      assert.equal(page.statusCode, 404)
      assert.match(page.headers['content-type'] as string, /^text\/html/)
      assert.equal((await get('/mailbox/not-a-uuid')).statusCode, 400)
    })

    test('the mailbox page lists the e-mails, escaped, and filters by address', async () => {
      const page = await get('/mailbox')
      assert.equal(page.statusCode, 200)
      assert.match(page.headers['content-type'] as string, /^text\/html/)
      for (const id of ids) assert.ok(page.body.includes(`href="/mailbox/${id}"`))
      assert.ok(page.body.includes('Your tickets for &lt;script&gt;alert(1)&lt;/script&gt; Dune'))
      assert.doesNotMatch(page.body, /<script>alert/)
      assert.ok(page.body.indexOf(ids[2]!) < page.body.indexOf(ids[0]!), 'newest first')

      const bo = await get('/mailbox?to=bo%40example.com')
      assert.equal(bo.statusCode, 200)
      assert.ok(bo.body.includes(ids[1]!) && bo.body.includes(ids[2]!))
      assert.ok(!bo.body.includes(ids[0]!))
      assert.ok(bo.body.includes('value="bo@example.com"'))
    })

    test('an e-mail page shows its headers and text, and its HTML only inside a sandboxed iframe', async () => {
      const stored = (await get(`/api/mailbox/${ids[0]}`)).json()
      const page = await get(`/mailbox/${ids[0]}`)
      assert.equal(page.statusCode, 200)
      const iframe = /<iframe\b[^>]*>/.exec(page.body)?.[0] ?? ''
      assert.match(iframe, /\ssandbox\s/)
      assert.doesNotMatch(iframe, /allow-/)
      const srcdoc = /\ssrcdoc="([^"]*)"/.exec(iframe)?.[1]
      // The e-mail's HTML, its pictures drawn in as data: the sandboxed frame sends no credentials to fetch them.
      const pictures = (html: string) => html.replace(/src="[^"]*"/g, 'src=…')
      assert.equal(pictures(unescapeHtml(srcdoc!)), pictures(stored.html))
      const drawn = [...unescapeHtml(srcdoc!).matchAll(/<img src="data:image\/png;base64,([^"]+)"/g)].map((m) => PNG.sync.read(Buffer.from(m[1]!, 'base64')))
      assert.equal(drawn.length, 2)
      assert.equal(jsQR(new Uint8ClampedArray(drawn[1]!.data), drawn[1]!.width, drawn[1]!.height)?.data, `POPCORN:${stored.orderId}:2`)
      assert.doesNotMatch(page.body, /<script>alert/)
      assert.ok(page.body.includes('&lt;script&gt;alert(1)&lt;/script&gt; Dune'))
      assert.ok(page.body.includes('ann@example.com'))
      assert.ok(page.body.includes(stored.messageId))
      assert.ok(page.body.includes(`POPCORN:${stored.orderId}:2`))
    })

    test('a ticket\'s QR code is drawn when the e-mail is shown: the HTML points at it, and it reads as the ticket\'s code', async () => {
      const stored = (await get(`/api/mailbox/${ids[0]}`)).json<{ orderId: string; html: string; inline: { cid: string; qr: string; url: string }[] }>()
      const url = `/mailbox/${ids[0]}/inline/ticket-2`
      assert.deepEqual(stored.inline.map((i) => i.url), [`/mailbox/${ids[0]}/inline/ticket-1`, url])
      assert.ok(stored.html.includes(`src="${url}"`))
      assert.doesNotMatch(stored.html, /cid:/)

      const picture = await get(url)
      assert.equal(picture.statusCode, 200)
      assert.equal(picture.headers['content-type'], 'image/png')
      const png = PNG.sync.read(picture.rawPayload)
      assert.equal(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data, `POPCORN:${stored.orderId}:2`)

      const none = await get(`/mailbox/${ids[0]}/inline/ticket-3`)
      assert.equal(none.statusCode, 404)
      for (const bad of [`/mailbox/${ids[0]}/inline/Ticket_1`, `/mailbox/not-a-uuid/inline/ticket-1`]) assert.equal((await get(bad)).statusCode, 400, bad)
      assert.equal((await get(`/mailbox/${ids[1]}/inline/ticket-1`)).statusCode, 404, 'the drawing entry has no pictures')
    })
  })
}
