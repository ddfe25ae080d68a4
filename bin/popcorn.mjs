#!/usr/bin/env node
// The `popcorn` command: runs src/main.ts through tsx, so no build step stands between a checkout and a run.
import { register } from 'tsx/esm/api'

register()
await import('../src/main.ts')
