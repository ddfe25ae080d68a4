// Reviews written here are kept in this browser (localStorage, key popcornStoredReviews) from the moment they are
// posted until the server has them: shown at once, marked pending, sent (again after a reload or a spell offline),
// and dropped from the browser once the server has stored them. A review the server refused stays, marked refused
// with the reason, until its writer dismisses it. Everything a person wrote is put on the page as text, never HTML.
(() => {
  const root = document.getElementById('reviews')
  if (!root) return
  const key = 'popcornStoredReviews'
  const movieId = root.dataset.movie
  const loggedIn = root.dataset.loggedIn === 'true'
  const form = document.getElementById('review-form')
  const localList = document.getElementById('reviews-local')
  const list = document.getElementById('reviews-list')
  const summary = document.getElementById('reviews-summary')
  const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

  const valid = (r) => r && typeof r === 'object' && uuidPattern.test(r.reviewId) && typeof r.movieId === 'string' &&
    typeof r.text === 'string' && Number.isInteger(r.stars) && (r.state === 'pending' || r.state === 'refused')
  const load = () => {
    try {
      const stored = JSON.parse(localStorage.getItem(key) ?? '[]')
      return Array.isArray(stored) ? stored.filter(valid) : []
    } catch { return [] }
  }
  const save = (all) => localStorage.setItem(key, JSON.stringify(all))
  const update = (reviewId, change) => save(load().map((r) => (r.reviewId === reviewId ? { ...r, ...change } : r)))
  const remove = (reviewId) => save(load().filter((r) => r.reviewId !== reviewId))
  const ours = () => load().filter((r) => r.movieId === movieId)
  const newId = () => (crypto.randomUUID ? crypto.randomUUID() : '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (c) =>
    (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16)))

  const starsOf = (n) => '★'.repeat(n) + '☆'.repeat(5 - n)
  const el = (tag, className, text) => {
    const e = document.createElement(tag)
    if (className) e.className = className
    if (text !== undefined) e.textContent = text
    return e
  }
  const sentence = (text) => { const t = String(text).trim(); return t ? t[0].toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? '' : '.') : t }
  const reviewItem = (r, author, mark) => {
    const li = el('li', 'review review--yours')
    const head = el('p', 'review__head')
    const stars = el('span', 'review__stars', starsOf(r.stars))
    stars.setAttribute('aria-label', `${r.stars} of 5 stars`)
    head.append(stars, ' ', el('strong', '', author), ...(r.vip ? [' ', el('span', 'review__vip', 'VIP')] : []), ' · ', el('time', '', new Date(r.writtenAt).toLocaleString()))
    li.append(head, el('p', 'review__mark', mark), el('p', 'review__text', r.text))
    return li
  }

  const render = () => {
    const onServer = new Set([...list.querySelectorAll('[data-review-id]')].map((li) => li.dataset.reviewId))
    localList.replaceChildren(...ours().filter((r) => !onServer.has(r.reviewId)).map((r) => {
      const mark = r.state === 'refused' ? `Not posted: ${r.why}`
        : !loggedIn ? 'Pending — log in to send it.'
        : navigator.onLine ? 'Pending — on its way to Popcorn…' : 'Pending — you are offline; it goes as soon as you are back.'
      const li = reviewItem(r, 'You', mark)
      li.classList.add(`review--${r.state}`)
      li.dataset.localReviewId = r.reviewId
      if (r.state === 'refused') {
        const dismiss = el('button', 'button button--quiet', 'Dismiss')
        dismiss.type = 'button'
        dismiss.addEventListener('click', () => { remove(r.reviewId); render() })
        li.append(dismiss)
      }
      return li
    }))
  }

  // The server's list as this reader sees it (their own review on top even before everyone else sees it).
  const refreshList = async () => {
    const response = await fetch(`/api/movies/${encodeURIComponent(movieId)}/reviews`, { headers: { accept: 'application/json' } }).catch(() => null)
    if (!response || !response.ok) return
    const movie = await response.json()
    summary.textContent = movie.average === undefined || movie.average === null ? 'No reviews yet: be the first.'
      : `${movie.average.toFixed(1)} of 5 stars from ${movie.reviews} ${movie.reviews === 1 ? 'review' : 'reviews'}`
    list.replaceChildren(...movie.items.map((r) => {
      const li = reviewItem(r, r.author || 'A Popcorn member', r.shared ? 'Your review' : 'Your review — everyone else sees it in a moment')
      li.dataset.reviewId = r.reviewId
      if (!r.yours) { li.classList.remove('review--yours'); li.querySelector('.review__mark').remove() }
      return li
    }))
  }

  const send = async (r) => {
    const response = await fetch('/api/reviews', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ reviewId: r.reviewId, movieId: r.movieId, stars: r.stars, text: r.text }),
    }).catch(() => null)
    if (!response) return // offline or the server away: it stays pending, and goes on the next try
    if (response.status === 202) return update(r.reviewId, { sent: true })
    if (response.status === 400 || response.status === 404) {
      const body = await response.json().catch(() => ({}))
      update(r.reviewId, { state: 'refused', why: sentence(body?.error?.details?.[0]?.message ?? body?.error?.message ?? 'Popcorn could not take it') })
    }
  }

  let timer
  const reconcile = async () => {
    clearTimeout(timer)
    if (loggedIn) {
      for (const r of ours().filter((r) => r.state === 'pending' && !r.sent)) await send(r)
      const sent = ours().filter((r) => r.state === 'pending' && r.sent)
      const response = sent.length
        ? await fetch(`/api/reviews/mine?ids=${sent.map((r) => r.reviewId).join(',')}`, { headers: { accept: 'application/json' } }).catch(() => null)
        : null
      if (response?.ok) {
        const { items } = await response.json()
        const stored = items.filter((item) => item.state === 'stored')
        if (stored.length) await refreshList()
        for (const item of stored) remove(item.reviewId)
        for (const item of items.filter((item) => item.state === 'refused')) update(item.reviewId, { state: 'refused', why: item.why })
      }
    }
    render()
    if (loggedIn && ours().some((r) => r.state === 'pending')) timer = setTimeout(reconcile, 1500)
  }

  if (form) {
    for (const hidden of document.querySelectorAll('[data-needs-script]')) hidden.hidden = false
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      const data = new FormData(form)
      const review = {
        reviewId: newId(), movieId, stars: Number(data.get('stars')), text: String(data.get('text') ?? ''),
        writtenAt: new Date().toISOString(), state: 'pending', sent: false,
      }
      save([...load(), review])
      form.reset()
      render()
      reconcile()
    })
  }
  window.addEventListener('online', reconcile)
  window.addEventListener('offline', render)
  window.addEventListener('storage', (event) => { if (event.key === key) render() })
  reconcile()
})()
