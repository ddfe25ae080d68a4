// VIP's first payment, followed three ways: the server pushes the outcome over the socket (`vip:settled`) the moment
// billing has one; the page asks as well, in case a push is lost — once each time the socket connects (a push sent
// before then never reached it), then every two seconds while the socket is down and every ten while it is up; and an
// e-mail tells whoever closed the page. On an outcome the page is shown afresh, in the server's own words.
(() => {
  const section = document.getElementById('vip')
  if (!section || section.dataset.status !== 'pending') return
  let settled = false
  const show = () => {
    if (settled) return
    settled = true
    location.reload()
  }
  const isOutcome = (status) => status === 'active' || status === 'revoked'
  const ask = async () => {
    if (settled) return
    const response = await fetch('/api/account/vip', { headers: { accept: 'application/json' } }).catch(() => null)
    const vip = response && response.ok ? await response.json().catch(() => null) : null
    if (vip && isOutcome(vip.status)) show()
  }
  const socket = typeof io === 'function' ? io({ transports: ['websocket', 'polling'], tryAllTransports: true }) : null
  socket?.on('vip:settled', (pushed) => {
    if (pushed && typeof pushed === 'object' && isOutcome(pushed.status)) show()
  })
  socket?.on('connect', ask)
  const poll = async () => {
    await ask()
    if (!settled) setTimeout(poll, socket?.connected ? 10_000 : 2_000)
  }
  setTimeout(poll, 2_000)
})()
