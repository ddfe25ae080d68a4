// The ops console, live: the socket pushes the console's moment every two seconds (ops:snapshot) and this redraws
// the sparklines, the numbers and the error queue's groups; a group's buttons act through the JSON API. Without a
// socket it asks /api/ops/console every five seconds. Text from the server only ever goes in as text.
(() => {
  'use strict'
  const live = document.getElementById('console-live')
  const endpoints = document.querySelector('#endpoints tbody')
  const groups = document.getElementById('failure-groups')
  if (!live || !endpoints || !groups) return

  // The same line the page drew: 120 × 28, highest value at the top, a missing value at 0.
  const spark = (values) => {
    const max = Math.max(1, ...values.map((v) => v ?? 0))
    return values.map((v, i) => `${(i * 120 / Math.max(1, values.length - 1)).toFixed(1)},${(27 - (v ?? 0) * 26 / max).toFixed(1)}`).join(' ')
  }
  const ms = (v) => (v === null ? '–' : v < 10 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`)
  const ago = (now, at) => {
    const seconds = Math.max(0, Math.round((new Date(now) - new Date(at)) / 1000))
    return seconds < 90 ? `${seconds} s ago` : `${Math.round(seconds / 60)} min ago`
  }
  const el = (tag, attributes = {}, ...children) => {
    const node = document.createElement(tag)
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value)
    node.append(...children)
    return node
  }
  const svg = (kind, label, values) => {
    const box = document.createElementNS('http://www.w3.org/2000/svg', 'svg')
    for (const [name, value] of Object.entries({ class: `spark${kind === 'critical' ? ' spark--time' : ''}`, viewBox: '0 0 120 28', width: '120', height: '28', role: 'img', 'aria-label': label })) box.setAttribute(name, value)
    const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline')
    line.setAttribute('data-spark', kind)
    line.setAttribute('points', spark(values))
    box.append(line)
    return box
  }

  const endpointRow = (at, e) => {
    const instances = el('td', { 'data-field': 'instances' }, ...(e.instances.length ? [] : ['none running']))
    for (const i of e.instances) {
      instances.append(el('span', { class: `instance instance--${i.status}`, title: `started ${ago(at, i.startedAt)}, last seen ${ago(at, i.lastSeen)}` }, i.status), ' ')
    }
    const failed = el('td', { 'data-field': 'failed' }, `${e.retried} retried, ${e.failed} failed this minute`)
    if (e.unresolvedFailures) failed.append(', ', el('a', { href: `/ops/failed-messages?queue=${encodeURIComponent(e.name)}` }, `${e.unresolvedFailures} waiting`))
    return el('tr', { 'data-endpoint': e.name },
      el('th', { scope: 'row' }, e.name),
      instances,
      el('td', { 'data-field': 'depth' }, e.depth === null ? '–' : String(e.depth)),
      el('td', {}, svg('handled', 'handled per second over the last minute', e.handledPerSecond), ' ', el('span', { 'data-field': 'handled' }, `${e.handledPerSecond.at(-1) ?? 0}/s`)),
      el('td', {}, svg('critical', 'critical time, 99th percentile, over the last minute', e.criticalP99PerSecond), ' ', el('span', { 'data-field': 'critical' }, `p50 ${ms(e.criticalMs.p50)} · p99 ${ms(e.criticalMs.p99)}`)),
      el('td', { 'data-field': 'processing' }, `p50 ${ms(e.processingMs.p50)} · p99 ${ms(e.processingMs.p99)}`),
      failed)
  }

  const status = el('p', { class: 'note', role: 'status', id: 'failures-status', hidden: '' })
  // Where what a click did is said: under the page's title, for the error queue's buttons and the faults' alike.
  document.querySelector('.page-header')?.after(status)
  const act = async (action, body) => {
    const response = await fetch(`/api/ops/failed-messages/${action}`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) }).catch(() => null)
    const answer = response ? await response.json().catch(() => null) : null
    status.hidden = false
    status.textContent = response?.ok && answer
      ? `${action === 'retry' ? 'Retried' : 'Discarded'} ${answer.retried ?? answer.discarded} failed message${(answer.retried ?? answer.discarded) === 1 ? '' : 's'}.`
      : `That did not work: ${answer?.error?.message ?? 'the server could not be reached'}. Nothing was changed by this click.`
  }
  const button = (text, kind, onClick) => {
    const node = el('button', { class: `button button--small${kind}`, type: 'button' }, text)
    node.addEventListener('click', onClick)
    return node
  }
  const heal = async (endpoint) => {
    const response = await fetch(`/api/ops/faults/${encodeURIComponent(endpoint)}`, { method: 'DELETE', headers: { accept: 'application/json' } }).catch(() => null)
    const answer = response ? await response.json().catch(() => null) : null
    status.hidden = false
    status.textContent = response?.ok ? `Healed ${endpoint}: every process takes it within a second, and what waited is taken.` : `That did not work: ${answer?.error?.message ?? 'the server could not be reached'}.`
  }
  const groupItem = (at, g) => el('li', { class: 'failure-group', 'data-fingerprint': g.key },
    el('p', {}, el('strong', { 'data-field': 'title' }, g.title), ' ', el('span', { class: 'count', 'data-field': 'count' }, `× ${g.count}`)),
    el('p', { class: 'hint' }, `${g.messageTypes.join(', ')} in ${g.queues.join(', ')}; last ${ago(at, g.lastFailedAt)}. ${g.example}`),
    el('div', { class: 'inline-form' },
      el('a', { class: 'button button--small button--quiet', href: `/ops/failed-messages?fingerprint=${g.key}` }, 'Show them'),
      button(`Retry all ${g.count}`, '', () => act('retry', { fingerprint: g.key })),
      button('Discard', ' button--quiet', () => act('discard', { fingerprint: g.key }))))
  for (const form of document.querySelectorAll('#faults-on form')) {
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      void heal(decodeURIComponent(form.action.split('/faults/')[1].replace(/\/heal$/, '')))
    })
  }
  // The page's own group forms act through the API too, so that the page stays where it is.
  for (const form of document.querySelectorAll('#failure-groups form, #failures-all form')) {
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      const fields = new FormData(form)
      const action = form.action.endsWith('/retry') ? 'retry' : 'discard'
      void act(action, fields.get('all') ? { all: true } : { fingerprint: fields.get('fingerprint') })
    })
  }

  let shownGroups = ''
  const render = (s) => {
    endpoints.replaceChildren(...s.endpoints.map((e) => endpointRow(s.at, e)))
    const signature = JSON.stringify(s.failures.groups.map((g) => [g.key, g.count]))
    if (signature !== shownGroups) {
      shownGroups = signature
      groups.replaceChildren(...s.failures.groups.map((g) => groupItem(s.at, g)))
    }
    const total = document.getElementById('failures-total')
    if (total) {
      total.dataset.unresolved = String(s.failures.unresolved)
      total.textContent = s.failures.unresolved === 0 ? 'None: the error queue is empty.' : `${s.failures.unresolved} waiting for a person, by cause:`
    }
    for (const p of s.projections) {
      const cell = document.querySelector(`#projections [data-projection="${CSS.escape(p.projection)}"] [data-field="lag"]`)
      if (cell) cell.textContent = p.pending === 0 ? 'up to date' : `${p.pending} behind, the oldest ${p.lagSeconds.toFixed(1)} s`
    }
    const alerts = document.getElementById('alerts-open')
    const summary = document.getElementById('alerts-summary')
    if (alerts && summary) {
      summary.dataset.open = String(s.alerts.open.length)
      summary.textContent = s.alerts.open.length === 0 ? 'None open: every reading is within its threshold.' : `${s.alerts.open.length} open, e-mailed to ops:`
      alerts.replaceChildren(...s.alerts.open.map((a) => el('li', { class: 'alert', 'data-rule': a.rule, 'data-subject': a.subject },
        el('strong', {}, a.summary), ' ', el('span', { class: 'hint' }, `since ${ago(s.at, a.raisedAt)}`))))
    }
    const faults = document.getElementById('faults-on')
    if (faults && s.faults.enabled) {
      const faultSummary = document.getElementById('faults-summary')
      if (faultSummary) faultSummary.textContent = s.faults.on.length === 0 ? 'None on.' : 'On now:'
      faults.replaceChildren(...s.faults.on.map((f) => {
        const what = [f.paused && 'paused', f.delayMs && `each batch held ${f.delayMs} ms`, f.failPercent && `${f.failPercent}% of attempts fail`].filter(Boolean).join(', ')
        return el('li', { class: 'alert', 'data-fault-endpoint': f.endpoint },
          el('strong', {}, f.endpoint), `${f.messageType ? ` (${f.messageType})` : ''}: ${what} `, el('span', { class: 'hint' }, `since ${ago(s.at, f.since)}`), ' ',
          button(`Heal ${f.endpoint}`, '', () => heal(f.endpoint)))
      }))
    }
    live.dataset.state = 'live'
    live.dataset.at = s.at
    live.textContent = `Live: as of ${new Date(s.at).toLocaleTimeString()}.`
  }

  let polling
  const poll = async () => {
    const response = await fetch('/api/ops/console', { headers: { accept: 'application/json' } }).catch(() => null)
    const body = response?.ok ? await response.json().catch(() => null) : null
    if (body) render(body)
    polling = setTimeout(poll, 5_000)
  }
  const socket = typeof io === 'function' ? io({ transports: ['websocket', 'polling'], tryAllTransports: true }) : null
  if (!socket) return void poll()
  socket.on('connect', () => {
    socket.emit('ops:watch', {}, (answer) => {
      if (answer?.ok) {
        clearTimeout(polling)
        render(answer.snapshot)
      } else {
        live.dataset.state = 'refused'
        live.textContent = `Not live: ${answer?.error?.message ?? 'the server did not answer'}.`
      }
    })
  })
  socket.on('ops:snapshot', render)
  socket.on('disconnect', () => {
    live.dataset.state = 'reconnecting'
    live.textContent = 'Not live: the connection dropped; reconnecting…'
    clearTimeout(polling)
    polling = setTimeout(poll, 5_000)
  })
})()
