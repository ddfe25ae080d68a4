// Popcorn's ordering client: submits over the socket (falling back to HTTP), shows "received" (or, for a showing that
// accepts at the edge, "accepted — confirming") at once, and the outcome when it is pushed — after a reload or
// reconnect too. Text only: nothing here is rendered as HTML.
(() => {
  'use strict'
  const pendingKey = 'popcorn.pendingOrders'
  const pending = () => { try { return JSON.parse(localStorage.getItem(pendingKey) || '[]') } catch { return [] } }
  const setPending = (ids) => localStorage.setItem(pendingKey, JSON.stringify([...new Set(ids)].slice(-50)))
  const euro = (cents) => (cents === 0 ? 'free' : `€${(cents / 100).toFixed(2)}`)
  const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`

  const describe = (o) => {
    switch (o.outcome) {
      case 'accepted': return `Accepted: ${plural(o.tickets, 'ticket')}, total ${euro(o.totalCents)}. Your tickets are on their way to your e-mail.`
      case 'sold-out': return `Sorry — sold out${o.seatsLeft > 0 ? `: only ${plural(o.seatsLeft, 'seat')} left` : ''}. Nothing was charged.`
      case 'entered-drawing': return `You are entered in the drawing on ${new Date(o.drawingAt).toLocaleString('en-GB', { timeZone: 'Europe/Amsterdam', dateStyle: 'full', timeStyle: 'short' })}.`
      case 'limit-reached': return `This order would take you past ${plural(o.limit, 'ticket')} per person for this showing: you have ${plural(o.held, 'ticket')} already. Nothing was charged.`
      case 'cancelled': return o.reason === 'buyer-limit'
        ? `We are sorry: this order would take you past ${plural(o.limit ?? 0, 'ticket')} per person for this showing, so it is cancelled${o.refundCents > 0 ? ` and ${euro(o.refundCents)} is refunded in full` : ''}. Your earlier tickets stand.`
        : `We are sorry: more people were told yes than there were seats, and we could not seat you after all. Your order is cancelled${o.refundCents > 0 ? ` and ${euro(o.refundCents)} is refunded in full` : ''}.${o.alternative ? '' : ' We found no other showing with room just now; we have e-mailed you.'}`
      case 'not-drawn': return o.reason === 'already-entered'
        ? 'You are in this drawing already: this e-mail address entered it before. Your first entry stands; we will e-mail you when it is drawn.'
        : o.reason === 'after-the-draw'
          ? 'This entry came after the drawing was held, so it could not take part. We are sorry.'
          : 'Not this time: this entry did not get seats in the drawing. Thank you for entering, and we hope to see you at the movies another time.'
      default: return 'We have an answer for your order.'
    }
  }

  const form = document.getElementById('order-form')
  const output = document.getElementById('order-status')
  const orderPage = document.querySelector('[data-order-id]')
  const say = (text, link) => {
    if (!output) return
    output.textContent = text
    if (link) {
      const a = document.createElement('a')
      a.href = link
      a.textContent = ' Follow your order'
      output.append(a)
    }
  }
  // A cancelled order's offer: another showing, linked by its own address (names set as text, never as markup).
  const sayWithOffer = (text, alternative, link) => {
    if (!output || !alternative) return say(text, link)
    say(text)
    const when = new Date(alternative.startsAt).toLocaleString('en-GB', { timeZone: 'Europe/Amsterdam', dateStyle: 'full', timeStyle: 'short' })
    const a = document.createElement('a')
    a.href = `/showtimes/${encodeURIComponent(alternative.showtimeId)}`
    a.textContent = `${alternative.movieTitle} at ${alternative.theaterName}, ${when}`
    const follow = document.createElement('a')
    follow.href = link
    follow.textContent = 'Follow your order'
    output.append(' There are seats at another showing: ', a, '. ', follow)
  }

  const socket = typeof io === 'function' ? io({ transports: ['websocket', 'polling'], tryAllTransports: true }) : null
  const shown = new Set()
  const onOutcome = (outcome) => {
    setPending(pending().filter((id) => id !== outcome.orderId))
    if (orderPage) {
      if (orderPage.dataset.orderId === outcome.orderId && orderPage.dataset.decided === 'false') location.reload()
      return
    }
    if (shown.has(outcome.orderId)) return
    shown.add(outcome.orderId)
    // A receipt: the push reached this page and was shown (ops' books count them).
    socket?.emit('order:seen', { orderId: outcome.orderId })
    if (outcome.outcome === 'cancelled') sayWithOffer(describe(outcome), outcome.alternative, `/orders/${outcome.orderId}`)
    else say(describe(outcome), `/orders/${outcome.orderId}`)
    if (output) output.dataset.outcome = outcome.outcome
  }

  if (socket) {
    socket.on('order:outcome', onOutcome)
    socket.on('connect', () => socket.emit('orders:resume', { orderIds: pending() }, () => {}))
  }

  const submitOverHttp = async (order) => {
    const response = await fetch('/api/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(order) })
    const body = await response.json()
    return response.ok ? { ok: true, ...body } : { ok: false, error: body.error }
  }

  // The waiting room: an order joins its showtime's room first (while the room is off, a place is let in at once).
  // Whoever must wait goes to the room with the order remembered for this tab, and finishes it when let through.
  const waitingOrderKey = 'popcorn.waitingOrder'
  const roomOf = (showtimeId) => `/waiting-room/${encodeURIComponent(showtimeId)}`
  const rememberOrder = (order) => {
    try {
      sessionStorage.setItem(waitingOrderKey, JSON.stringify({ showtimeId: order.showtimeId, tickets: order.tickets, email: order.email }))
    } catch { /* no storage: the form will simply be empty */ }
  }
  const toWaitingRoom = (order, url) => {
    rememberOrder(order)
    say('This showing is busy: taking you to its waiting room…')
    location.assign(typeof url === 'string' && url.startsWith('/waiting-room/') ? url : roomOf(order.showtimeId))
  }
  const joinOverHttp = async (showtimeId) => {
    const response = await fetch(`/api/waiting-room/${encodeURIComponent(showtimeId)}/places`, { method: 'POST' })
    const body = await response.json()
    return response.ok ? { ok: true, ...body } : { ok: false, error: body.error }
  }
  // No answer from the room is no reason not to try: ordering itself says whether the room is on.
  const joinRoom = (showtimeId) =>
    (socket?.connected
      ? socket.timeout(10_000).emitWithAck('waiting-room:join', { showtimeId }).catch(() => joinOverHttp(showtimeId))
      : joinOverHttp(showtimeId)).catch(() => null)
  const sayWithRoom = (text, showtimeId) => {
    if (!output) return
    output.textContent = `${text} `
    const a = document.createElement('a')
    a.href = roomOf(showtimeId)
    a.textContent = 'Join the queue'
    output.append(a)
  }

  const submitButton = form?.querySelector('#order-submit')
  /** While an order is on its way the button is off: a second click cannot send a second order. */
  const inFlight = (busy) => {
    if (!submitButton) return
    submitButton.disabled = busy
    submitButton.setAttribute('aria-busy', String(busy))
  }
  /** An order answered (taken or refused): the next one filled in is another order, with an id of its own. */
  const nextOrderId = () => {
    if (form?.elements.orderId) form.elements.orderId.value = crypto.randomUUID()
  }

  form?.addEventListener('popcorn:order', async (event) => {
    if (submitButton?.disabled) return
    const order = { ...event.detail, orderId: event.detail.orderId ?? crypto.randomUUID() }
    inFlight(true)
    try {
      await placeOrder(order)
    } finally {
      inFlight(false)
    }
  })

  const placeOrder = async (order) => {
    say('Sending your order…')
    const place = await joinRoom(order.showtimeId)
    if (place?.ok && !place.place.admitted) return toWaitingRoom(order)
    if (place?.ok) order.placeToken = place.token
    setPending([...pending(), order.orderId])
    // The page starts the order's trace (W3C trace context): the server's spans continue it, whichever way it goes.
    const hex = (bytes) => Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('')
    order.traceparent = `00-${hex(16)}-${hex(8)}-01`
    const answer = socket?.connected
      ? await socket.timeout(10_000).emitWithAck('order:submit', order).catch(() => submitOverHttp(order))
      : await submitOverHttp(order).catch(() => ({ ok: false, error: { message: 'We could not reach Popcorn. Check your connection and try again.' } }))
    if (!answer.ok) {
      setPending(pending().filter((id) => id !== order.orderId))
      const code = answer.error?.code ?? ''
      if (code === 'WAITING_ROOM' || code === 'NOT_YOUR_TURN') return toWaitingRoom(order, answer.error.details?.url)
      if (code.startsWith('PLACE_TOKEN_')) {
        rememberOrder(order)
        sayWithRoom(answer.error.message, order.showtimeId)
        if (output) output.dataset.outcome = 'error'
        return
      }
      say(answer.error?.message ?? 'Your order was not accepted.')
      if (output) output.dataset.outcome = 'error'
      return
    }
    nextOrderId()
    if (shown.has(order.orderId)) return
    // Answered at once from what the web node knows: nothing was stored, so there is no order page to follow.
    if (answer.status === 'sold-out' && answer.outcome && !answer.statusUrl) {
      setPending(pending().filter((id) => id !== order.orderId))
      shown.add(order.orderId)
      say(describe(answer.outcome))
      if (output) output.dataset.outcome = 'sold-out'
      return
    }
    if (answer.status === 'accepted' && answer.outcome) {
      say(`Accepted: ${plural(answer.outcome.tickets, 'ticket')}, total ${euro(answer.outcome.totalCents)} — confirming your seats…`, answer.statusUrl)
    } else {
      say('Received — we are working on it. The answer appears here, and by e-mail.', answer.statusUrl)
    }
  }

  // Back from the waiting room: the order chosen before is filled in again, and sent once if it was let through.
  const waitingOrder = (() => {
    try { return JSON.parse(sessionStorage.getItem(waitingOrderKey) || 'null') } catch { return null }
  })()
  if (form && waitingOrder && form.querySelector('#order-showtime')?.value === waitingOrder.showtimeId) {
    const tickets = form.querySelector('#order-tickets')
    const email = form.querySelector('#order-email')
    if (tickets && waitingOrder.tickets) {
      tickets.value = String(waitingOrder.tickets)
      tickets.dispatchEvent(new Event('change'))
    }
    if (email && typeof waitingOrder.email === 'string') email.value = waitingOrder.email
    if (waitingOrder.admitted) {
      sessionStorage.removeItem(waitingOrderKey)
      say('It is your turn: sending the order you chose…')
      form.requestSubmit()
    } else {
      say('We filled in the order you chose.')
    }
  }

  // The order page: its order is pending until its outcome comes.
  if (orderPage && orderPage.dataset.decided === 'false') setPending([...pending(), orderPage.dataset.orderId])

  // An answer that is late is asked for, whether or not the socket is up: a push can be lost (a web node that went
  // away, a reply queue that was gone for a moment). Connected, the socket is asked to send again what was decided;
  // not, each order is read over HTTP.
  const askForLateAnswers = async () => {
    const ids = pending()
    if (ids.length && socket?.connected) {
      socket.emit('orders:resume', { orderIds: ids.slice(-50) }, () => {})
    } else if (ids.length) {
      for (const id of ids.slice(-10)) {
        const order = await fetch(`/api/orders/${encodeURIComponent(id)}`).then((r) => (r.ok ? r.json() : null)).catch(() => null)
        if (order?.decidedAt && order.outcome) onOutcome(order.outcome)
      }
    }
    setTimeout(askForLateAnswers, 4_000)
  }
  setTimeout(askForLateAnswers, 4_000)
})()
