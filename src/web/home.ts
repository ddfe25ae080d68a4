/** A static page (no user text in it): what runs here, until the cinema's own pages arrive. */
export const homePage = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Popcorn</title>
  <style>
    body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; color: #1d1d1f; }
    h1 { font-size: 2rem; margin-bottom: .25rem; } code { background: #f2f2f5; padding: .1rem .3rem; border-radius: 4px; }
  </style>
</head>
<body>
  <h1>🍿 Popcorn</h1>
  <p>Cinema tickets that stay honest when everyone wants the same seats in the same minute.</p>
  <p>The messaging core is running. Operations:</p>
  <ul>
    <li><a href="/health"><code>GET /health</code></a> — what this process runs on</li>
    <li><a href="/api/ops/failed-messages"><code>GET /api/ops/failed-messages</code></a> — the error queue (retry or discard with <code>POST …/:id/retry</code>, <code>…/:id/discard</code>)</li>
  </ul>
</body>
</html>
`
