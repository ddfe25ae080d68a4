// A lab run's page, while its runs go on: the page is fetched again every second and its charts and numbers put in
// place (as the server drew them), until every run has converged or was given up on.
(() => {
  'use strict'
  const follow = async () => {
    const batch = document.getElementById('batch')
    if (!batch || batch.dataset.running !== 'yes') return
    const response = await fetch(location.href, { headers: { accept: 'text/html' } }).catch(() => null)
    const html = response?.ok ? await response.text().catch(() => null) : null
    const fresh = html ? new DOMParser().parseFromString(html, 'text/html').getElementById('batch') : null
    if (fresh) batch.replaceWith(fresh)
    setTimeout(follow, 1_000)
  }
  setTimeout(follow, 1_000)
})()
