import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { isDatabaseUnavailable } from './unavailable.ts'

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code })

describe('telling an unreachable database from a failing statement', () => {
  test('refused, lost, shut down or starting up: unavailable', () => {
    for (const error of [
      withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
      withCode('57P01', 'terminating connection due to administrator command'),
      withCode('57P03', 'the database system is starting up'),
      withCode('08006', 'connection failure'),
      new Error('Connection terminated unexpectedly'),
      new Error('Client has encountered a connection error and is not queryable'),
      new Error('timeout exceeded when trying to connect'),
      new AggregateError([withCode('ECONNREFUSED')], 'connect failed'),
      new Error('the transaction failed', { cause: withCode('57P01') }),
    ]) assert.equal(isDatabaseUnavailable(error), true, String(error))
  })

  test('a statement or its data at fault: not unavailable', () => {
    for (const error of [
      withCode('23505', 'duplicate key value violates unique constraint'),
      withCode('40001', 'could not serialize access'),
      withCode('42P01', 'relation "nope" does not exist'),
      new Error('showtime x decided an order without being open'),
      undefined,
      'a string',
    ]) assert.equal(isDatabaseUnavailable(error), false, String(error))
  })
})
