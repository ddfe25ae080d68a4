import { pino } from 'pino'

/** Quiet in tests; POPCORN_TEST_LOG=debug shows what the processes under test say. */
export const testLogger = pino({ level: process.env.POPCORN_TEST_LOG ?? 'silent' })
