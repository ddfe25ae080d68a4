// VIP's first payment, followed two ways at once (the e-mail is the third, for whoever closed the page): the server
// pushes the outcome over the socket (`vip:settled`) the moment billing has one, and the page asks every two seconds
// as well, in case the push is lost (a socket down, a node restarting). Either way the page shows the outcome.
(() => {
  const section = document.getElementById('vip')
  if (!section || section.dataset.status !== 'pending') return
  let settled = false
  const show = () => {
    if (settled) return
    settled = true
    location.reload()
  }
  const socket = typeof io === 'function' ? io({ transports: ['websocket', 'polling'], tryAllTransports: true }) : null
  socket?.on('vip:settled', (outcome) => {
    if (outcome && (outcome.status === 'active' || outcome.status === 'revoked')) show()
  })
  const ask = async () => {
    if (settled) return
    const response = await fetch('/api/account/vip', { headers: { accept: 'application/json' } }).catch(() => null)
    const vip = response && response.ok ? await response.json() : null
    if (vip && vip.status !== 'pending') return show()
    setTimeout(ask, 2000)
  }
  setTimeout(ask, 2000)
})()
