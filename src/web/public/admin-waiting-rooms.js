// The waiting rooms admin page: its numbers follow the rooms every two seconds (the forms work without this).
(() => {
  'use strict'
  const rate = (n) => String(Math.round(n * 10) / 10)
  const set = (scope, field, text) => {
    const cell = scope?.querySelector(`[data-field="${field}"]`)
    if (cell && cell.textContent !== text) cell.textContent = text
  }
  const refresh = async () => {
    const response = await fetch('/api/admin/waiting-rooms', { headers: { accept: 'application/json' } }).catch(() => null)
    const body = response?.ok ? await response.json().catch(() => null) : null
    if (body) {
      set(document.querySelector('[data-admin-capacity]'), 'capacityPerSecond', rate(body.capacityPerSecond))
      for (const room of body.rooms) {
        const row = [...document.querySelectorAll('tr[data-room]')].find((r) => r.dataset.room === room.showtimeId)
        set(row, 'mode', room.mode)
        set(row, 'active', room.active ? 'on' : 'off')
        set(row, 'waiting', String(room.waiting))
        set(row, 'ratePerSecond', `${rate(room.ratePerSecond)}${room.fixedRatePerSecond === null ? '' : ' (fixed)'}`)
        set(row, 'arrivalsPerSecond', rate(room.arrivalsPerSecond))
      }
    }
    setTimeout(refresh, 2_000)
  }
  setTimeout(refresh, 2_000)
})()
