import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { parseOpenMetrics } from './openmetrics.ts'

describe('the OpenMetrics reader the metrics spec uses', () => {
  test('reads a good exposition', () => {
    const samples = parseOpenMetrics('# HELP a_total A.\n# TYPE a counter\na_total{q="x"} 3\n# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_sum 1.5\nh_count 2\n# EOF\n')
    assert.deepEqual(samples.map((s) => [s.name, s.value]), [['a_total', 3], ['h_bucket', 1], ['h_bucket', 2], ['h_sum', 1.5], ['h_count', 2]])
  })

  test('refuses what a scraper would', () => {
    for (const bad of [
      '# TYPE a counter\na_total 1\n', // no EOF
      '# TYPE a counter\na 1\n# EOF\n', // a counter sample without _total
      'b 1\n# EOF\n', // no TYPE
      '# TYPE a gauge\na{x=1} 1\n# EOF\n', // unquoted label
      '# TYPE a gauge\na one\n# EOF\n', // not a number
      '# TYPE h histogram\nh_bucket{le="1"} 1\nh_count 1\nh_sum 1\n# EOF\n', // no +Inf bucket
      '# TYPE a gauge\n# TYPE b gauge\na 1\n# EOF\n', // a's sample among b's
    ]) assert.throws(() => parseOpenMetrics(bad), Error, JSON.stringify(bad))
  })
})
