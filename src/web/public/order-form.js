// The movie page's order form, enhanced: theater first, then its showtimes; the total follows the choice.
// Without this script the form still works as one list of showtimes grouped by theater, each with its price.
// Submitting does not post: it hands the order to whoever listens for `popcorn:order` (the realtime part).
(() => {
  const form = document.getElementById('order-form')
  if (!form) return
  const theater = form.querySelector('#order-theater')
  const showtime = form.querySelector('#order-showtime')
  const tickets = form.querySelector('#order-tickets')
  const email = form.querySelector('#order-email')
  const total = form.querySelector('#order-total')
  const note = form.querySelector('#order-note')
  const submit = form.querySelector('#order-submit')

  const euros = new Intl.NumberFormat('en-IE', { style: 'currency', currency: 'EUR' })
  const money = (cents) => (cents === 0 ? 'Free' : euros.format(cents / 100))
  const notes = {
    drawing: (option) => `Free drawing entry: seats are drawn on ${option.dataset.drawingLabel}. Winners get their tickets by e-mail; everyone else hears from us too.`,
    morning: () => 'Morning show, at a lower price.',
    regular: () => '',
  }

  // The showtimes of each theater, as the server rendered them.
  const groups = new Map([...showtime.querySelectorAll('optgroup')].map((group) => [group.dataset.theater, [...group.querySelectorAll('option')]]))

  const showTheater = (theaterId) => {
    const chosen = showtime.value
    const options = groups.get(theaterId) ?? [...groups.values()][0] ?? []
    showtime.replaceChildren(...options)
    showtime.value = options.some((o) => o.value === chosen) ? chosen : (options[0]?.value ?? '')
  }

  const update = () => {
    const option = showtime.selectedOptions[0]
    if (!option) return
    const type = option.dataset.ticketType in notes ? option.dataset.ticketType : 'regular'
    total.value = money(Number(option.dataset.priceCents) * Number(tickets.value))
    note.className = `note note--${type}`
    note.textContent = notes[type](option)
    note.hidden = note.textContent === ''
    // How full it is, from the page's moment (the order itself decides): sold out, or only a few seats left.
    const availability = form.querySelector('#order-availability')
    if (availability) {
      const left = option.dataset.seatsLeft === undefined ? undefined : Number(option.dataset.seatsLeft)
      availability.hidden = left === undefined || left > 20
      availability.className = `note note--${left === 0 ? 'sold-out' : 'few'}`
      availability.textContent = left === 0
        ? 'Sold out: every seat of this showing is taken. Choose another time; should a seat come back, it can be ordered again.'
        : `Only ${left} seat${left === 1 ? '' : 's'} left.`
    }
    const cap = form.querySelector('#order-tickets-hint')
    if (cap && option.dataset.ticketsPerBuyer) cap.textContent = `At most ${option.dataset.ticketsPerBuyer} per person for this showing, over all your orders.`
    submit.textContent = type === 'drawing' ? 'Enter the drawing' : 'Order tickets'
    mark()
  }

  if (theater && groups.size > 0) {
    for (const hidden of form.querySelectorAll('[data-needs-script]')) hidden.hidden = false
    showTheater(theater.value)
    theater.addEventListener('change', () => {
      showTheater(theater.value)
      update()
    })
  }
  // The schedule beside the form: its chosen showtime is marked, and choosing one there chooses it here, in place.
  const chips = [...document.querySelectorAll('a[data-showtime]')]
  const theaterOf = new Map([...groups].flatMap(([theaterId, options]) => options.map((o) => [o.value, theaterId])))
  const mark = () => {
    for (const chip of chips) {
      if (chip.dataset.showtime === showtime.value) chip.setAttribute('aria-current', 'true')
      else chip.removeAttribute('aria-current')
    }
  }
  for (const chip of chips) {
    chip.addEventListener('click', (event) => {
      const theaterId = theaterOf.get(chip.dataset.showtime)
      if (!theaterId || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return
      event.preventDefault()
      if (theater) theater.value = theaterId
      showTheater(theaterId)
      showtime.value = chip.dataset.showtime
      update()
      history.replaceState(null, '', chip.href)
      showtime.focus()
    })
  }

  showtime.addEventListener('change', update)
  tickets.addEventListener('change', update)
  update()

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    // The form's order id (one per filled form): sent again as it is, a resubmit is the same order, ordered once.
    const detail = { orderId: form.elements.orderId?.value || undefined, showtimeId: showtime.value, tickets: Number(tickets.value), email: email.value.trim() }
    // HOOK for the realtime part: listen on #order-form for `popcorn:order` and send the order over Socket.IO;
    // write progress and the outcome into <output id="order-status">.
    form.dispatchEvent(new CustomEvent('popcorn:order', { detail, bubbles: true }))
  })
})()
