import { mkdirSync, writeFileSync } from 'node:fs'

export const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error))

/** A bench's settings, or its message and exit code 2 when a flag or variable is wrong. */
export const settingsOrExit = <Settings>(read: () => Settings): Settings => {
  try {
    return read()
  } catch (error) {
    console.error(messageOf(error))
    return process.exit(2)
  }
}

/** Writes bench/results/<name>.json, .md and .svg, and says so. */
export const writeResults = (name: string, results: { readonly report: unknown; readonly markdown: string; readonly svg: string }) => {
  const outDir = new URL('../results/', import.meta.url)
  mkdirSync(outDir, { recursive: true })
  writeFileSync(new URL(`${name}.json`, outDir), `${JSON.stringify(results.report, null, 2)}\n`)
  writeFileSync(new URL(`${name}.md`, outDir), results.markdown)
  writeFileSync(new URL(`${name}.svg`, outDir), results.svg)
}
