import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, test } from 'node:test'
import { browserSessions } from './browser-session.ts'

const pairOf = (setCookie: string) => setCookie.split(';')[0]!

describe('browser sessions are issued and signed by the server', () => {
  const sessions = browserSessions('k'.repeat(64))

  test('a session it issued is proved by its cookie, as an http-only, same-site cookie for the whole site', () => {
    const { id, setCookie } = sessions.issue()
    assert.equal(sessions.sessionOf(pairOf(setCookie)), id)
    assert.equal(sessions.sessionOf(`theme=dark; ${pairOf(setCookie)}`), id)
    assert.match(setCookie, /HttpOnly/)
    assert.match(setCookie, /SameSite=Lax/)
    assert.match(setCookie, /Path=\//)
  })

  test('an invented, copied-without-signature, tampered or foreign cookie proves nothing', () => {
    const { id, setCookie } = sessions.issue()
    const signed = decodeURIComponent(pairOf(setCookie).slice('popcorn_session='.length))
    const signature = signed.slice(signed.indexOf('.') + 1)
    for (const cookie of [
      undefined, '', `popcorn_session=${randomUUID()}`, `popcorn_session=${id}`, `popcorn_session=${id}.`,
      `popcorn_session=${randomUUID()}.${signature}`, `popcorn_session=${encodeURIComponent(`${id}.${signature.slice(1)}x`)}`,
      pairOf(browserSessions('another key, another site').issue().setCookie), `popcorn_session=${'a'.repeat(5_000)}`,
      `popcorn_session=${encodeURIComponent(`not-a-uuid.${signature}`)}`,
    ]) assert.equal(sessions.sessionOf(cookie), undefined, String(cookie))
  })

  test('each session is new', () => {
    assert.notEqual(sessions.issue().id, sessions.issue().id)
  })
})
