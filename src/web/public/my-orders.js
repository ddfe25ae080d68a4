// My orders, kept live: while any order is still being decided, ask for the list every few seconds and update each
// order's status in place (an order placed on another device or browser appears on the next reload).
(() => {
  const list = document.getElementById('my-orders')
  if (!list) return
  const words = { received: 'Received, being decided', accepted: 'Confirmed', 'sold-out': 'Sold out', 'entered-drawing': 'In the drawing', cancelled: 'Cancelled and refunded', 'not-drawn': 'Not drawn', 'limit-reached': 'Over the limit per person' }
  const pending = () => list.querySelector('[data-decided="false"]') !== null
  const refresh = async () => {
    const response = await fetch('/api/my-orders', { headers: { accept: 'application/json' } }).catch(() => null)
    if (!response || !response.ok) return
    const { items } = await response.json()
    for (const order of items) {
      const item = list.querySelector(`[data-order-id="${order.orderId}"]`)
      const status = item?.querySelector('.my-orders__status')
      if (!item || !status) continue
      item.dataset.decided = order.decidedAt ? 'true' : 'false'
      status.dataset.status = order.status
      status.textContent = words[order.status] ?? order.status
    }
  }
  const tick = async () => {
    if (!pending()) return
    await refresh()
    setTimeout(tick, 3000)
  }
  setTimeout(tick, 3000)
})()
