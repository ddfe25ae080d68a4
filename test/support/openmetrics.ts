/**
 * Reads an OpenMetrics text exposition strictly enough to catch what a scraper would refuse: every line a comment
 * of a known kind or a sample; a family's TYPE before its samples and its samples together; counters' samples
 * `_total` (or `_created`), histograms' `_bucket` with `le` up to `+Inf`, `_count`, `_sum`; numbers that parse; and
 * `# EOF` last. Returns the samples, to read values from; throws on the first problem, naming the line.
 */
export interface Sample {
  readonly name: string
  readonly labels: Readonly<Record<string, string>>
  readonly value: number
}

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)( \S+)?$/
const labelPair = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\["\\n])*)"(,|$)/
const types = new Set(['counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset', 'unknown'])
const suffixes: Record<string, readonly string[]> = {
  counter: ['_total', '_created'], histogram: ['_bucket', '_count', '_sum', '_created'], summary: ['', '_count', '_sum', '_created'],
  gauge: [''], unknown: [''], info: ['_info'], stateset: [''], gaugehistogram: ['_bucket', '_gcount', '_gsum'],
}

const number = (text: string, where: string) => {
  if (/^[+-]?Inf$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity
  if (text === 'NaN') return NaN
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw new Error(`${where}: "${text}" is not a number`)
  return Number(text)
}

const labelsOf = (text: string, where: string) => {
  const labels: Record<string, string> = {}
  for (let rest = text; rest.length > 0;) {
    const match = labelPair.exec(rest)
    if (!match) throw new Error(`${where}: bad labels "${text}"`)
    if (match[1]! in labels) throw new Error(`${where}: label ${match[1]} twice`)
    labels[match[1]!] = match[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\')
    rest = rest.slice(match[0].length)
  }
  return labels
}

export const parseOpenMetrics = (text: string): Sample[] => {
  const lines = text.split('\n')
  if (lines.at(-1) !== '') throw new Error('the exposition does not end with a newline')
  lines.pop()
  if (lines.at(-1) !== '# EOF') throw new Error('the exposition does not end with "# EOF"')
  lines.pop()
  const families = new Map<string, string>()
  const finished = new Set<string>()
  let current: string | undefined
  const samples: Sample[] = []
  const buckets = new Map<string, string[]>()
  lines.forEach((line, i) => {
    const where = `line ${i + 1} (${line.slice(0, 80)})`
    if (line.startsWith('#')) {
      const [, kind, name, ...rest] = line.split(' ')
      if (!['TYPE', 'HELP', 'UNIT'].includes(kind ?? '') || !name || !metricName.test(name)) throw new Error(`${where}: not a TYPE, HELP or UNIT comment`)
      if (kind === 'TYPE') {
        if (families.has(name)) throw new Error(`${where}: family ${name} declared twice`)
        if (!types.has(rest.join(' '))) throw new Error(`${where}: unknown type`)
        families.set(name, rest.join(' '))
      }
      if (current && current !== name) finished.add(current)
      current = name
      return
    }
    const match = sampleLine.exec(line)
    if (!match) throw new Error(`${where}: not a sample`)
    const name = match[1]!
    const family = [...families.keys()].filter((f) => name.startsWith(f)).sort((a, b) => b.length - a.length)
      .find((f) => (suffixes[families.get(f)!] ?? ['']).includes(name.slice(f.length)))
    if (!family) throw new Error(`${where}: a sample of no declared family, or with a suffix its type does not have`)
    if (finished.has(family)) throw new Error(`${where}: ${family}'s samples are not together`)
    if (current !== family) throw new Error(`${where}: a sample of ${family} among another family's`)
    const labels = labelsOf(match[3] ?? '', where)
    const value = number(match[4]!, where)
    if (name.endsWith('_bucket') && families.get(family) === 'histogram') {
      if (!('le' in labels)) throw new Error(`${where}: a bucket without le`)
      const key = `${family}${JSON.stringify({ ...labels, le: undefined })}`
      buckets.set(key, [...(buckets.get(key) ?? []), labels.le!])
    }
    samples.push({ name, labels, value })
  })
  for (const [key, les] of buckets) if (les.at(-1) !== '+Inf') throw new Error(`${key}: its buckets do not end at +Inf`)
  return samples
}
