// The admins' catalog page: follows the public pages' lag behind the admin's changes, once a second, and takes the
// "only you see this yet" mark off each of their changes as the shared catalog takes it in. Text only, never HTML.
const lag = document.getElementById('catalog-lag')

const say = ({ changes, oldestMs }) =>
  changes === 0 ? 'Up to date: the public pages show every change.'
    : `${changes} ${changes === 1 ? 'change' : 'changes'} not on the public pages yet; the oldest is ${Math.round(oldestMs / 1000)} s old.`

const follow = async () => {
  try {
    const response = await fetch('/api/admin/catalog', { headers: { accept: 'application/json' }, credentials: 'same-origin' })
    if (!response.ok) return
    const state = await response.json()
    lag.textContent = say(state.lag)
    lag.dataset.changes = String(state.lag.changes)
    const pending = new Set(state.pending)
    for (const mark of document.querySelectorAll('[data-pending]')) if (!pending.has(mark.dataset.pending)) mark.remove()
  } catch {
    // Offline or restarting: the next round asks again.
  }
}

if (lag) setInterval(follow, 1000)
