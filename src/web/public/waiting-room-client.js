// The waiting room page: takes (or keeps) this browser's place, then shows its position, wait and progress as the
// server pushes them over the socket (polling when the socket is down). When it is the person's turn, back to the
// order form, which finishes the order they chose. Text only: nothing here is rendered as HTML.
(() => {
  'use strict'
  const room = document.querySelector('[data-waiting-room]')
  if (!room) return
  const { showtimeId, orderUrl } = room.dataset
  const byId = (id) => document.getElementById(id)
  const message = byId('room-message')
  const position = byId('room-position')
  const eta = byId('room-eta')
  const rate = byId('room-rate')
  const progress = byId('room-progress')
  const onward = byId('room-continue')
  const join = byId('room-join')
  const refresh = byId('room-refresh')
  const waitingOrderKey = 'popcorn.waitingOrder'

  const waitText = (seconds) =>
    seconds < 0 ? 'paused for now'
    : seconds < 60 ? 'less than a minute'
    : seconds < 90 * 60 ? `about ${Math.round(seconds / 60)} minute${Math.round(seconds / 60) === 1 ? '' : 's'}`
    : `about ${Math.round(seconds / 3600)} hours`
  const say = (text) => { if (message.textContent !== text) message.textContent = text }

  let token = null
  let done = false
  // What the live region last said: the numbers change every second, the announcement only when it matters.
  let announced = null

  const letThrough = () => {
    done = true
    room.dataset.state = 'admitted'
    position.textContent = '–'
    eta.textContent = '–'
    onward.hidden = false
    say('It is your turn. Taking you to your order…')
    try {
      const order = JSON.parse(sessionStorage.getItem(waitingOrderKey) || 'null')
      if (order?.showtimeId === showtimeId) sessionStorage.setItem(waitingOrderKey, JSON.stringify({ ...order, admitted: true }))
    } catch { /* no storage: the form is simply empty */ }
    setTimeout(() => location.assign(orderUrl), 1_000)
  }

  const show = (place) => {
    if (done || place?.showtimeId !== showtimeId) return
    join.hidden = true
    refresh.hidden = true
    rate.textContent = String(Math.round(place.ratePerSecond * 10) / 10)
    progress.value = Math.round(place.progress * 100)
    progress.textContent = `${progress.value}%`
    if (place.admittedUntil && Date.parse(place.admittedUntil) <= Date.now()) {
      room.dataset.state = 'passed'
      join.hidden = false
      return say('Your turn has passed; join the queue again.')
    }
    if (place.admitted) return letThrough()
    room.dataset.state = 'waiting'
    position.textContent = String(place.position)
    eta.textContent = waitText(place.etaSeconds)
    const step = Math.max(1, Math.round((announced ?? 0) * 0.1))
    if (announced === null || announced - place.position >= step || place.etaSeconds < 0) {
      announced = place.position
      say(place.etaSeconds < 0
        ? `You are number ${place.position} in the queue. The queue is paused for a moment; you keep your place.`
        : `You are number ${place.position} in the queue. Estimated wait: ${waitText(place.etaSeconds)}.`)
    }
  }

  const socket = typeof io === 'function' ? io({ transports: ['websocket', 'polling'], tryAllTransports: true }) : null

  // Over HTTP, so that the place token is kept in this room's cookie too (a form without script orders with it).
  const takePlace = async () => {
    const response = await fetch(`/api/waiting-room/${encodeURIComponent(showtimeId)}/places`, { method: 'POST' })
    const body = await response.json()
    return response.ok ? { ok: true, ...body } : { ok: false, error: body.error }
  }

  const watch = async () => {
    if (done || !token || !socket?.connected) return
    const answer = await socket.timeout(10_000).emitWithAck('waiting-room:watch', { token }).catch(() => null)
    if (answer?.ok) show(answer.place)
  }

  const start = async () => {
    const answer = await takePlace().catch(() => ({ ok: false, error: { message: 'We could not reach Popcorn. Check your connection; this page keeps trying.' } }))
    if (!answer.ok) {
      say(answer.error?.message ?? 'We could not give you a place just now; this page keeps trying.')
      return setTimeout(start, answer.error?.code === 'TOO_MANY_REQUESTS' ? 30_000 : 5_000)
    }
    token = answer.token
    show(answer.place)
    await watch()
  }

  if (socket) {
    socket.on('waiting-room:status', show)
    socket.on('connect', () => void watch()) // a reconnect (maybe to another web node) watches again
  }
  // The fallback: while the socket is down, ask every few seconds.
  const poll = async () => {
    if (done) return
    if (token && !socket?.connected) {
      const response = await fetch(`/api/waiting-room/${encodeURIComponent(showtimeId)}/places/mine?token=${encodeURIComponent(token)}`).catch(() => null)
      const body = await response?.json().catch(() => null)
      if (body?.place) show(body.place)
      else if (body?.error?.code?.startsWith('PLACE_TOKEN')) token = null, void start()
    }
    setTimeout(poll, 2_000)
  }
  void start()
  setTimeout(poll, 2_000)
})()
