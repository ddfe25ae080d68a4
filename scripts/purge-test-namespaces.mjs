// Deletes the RabbitMQ queues and exchanges that test and bench runs left behind on this broker: those of a
// throw-away namespace (`t` and 8 hex digits, as the test worlds name theirs; `bench-…-<hex>`, as the benches do),
// never anything else. Usage: rabbitmqctl -q list_queues name | node scripts/purge-test-namespaces.mjs [amqp url]
// A process SIGKILLed by a crash test cannot remove its queues; hundreds of them once left RabbitMQ unable to answer.
import { createInterface } from 'node:readline'
import amqp from 'amqplib'

const throwaway = /^(t[0-9a-f]{8}|bench-[a-z-]+-[0-9a-f]{4,})\./
const url = process.argv[2] ?? 'amqp://guest:guest@127.0.0.1:5672'

const names = []
for await (const line of createInterface({ input: process.stdin })) if (throwaway.test(line.trim())) names.push(line.trim())
if (names.length === 0) {
  console.log('no queues of throw-away namespaces on the broker')
  process.exit(0)
}
const connection = await amqp.connect(url)
let deleted = 0
// A channel each: deleting what is already gone closes the channel, not the connection.
for (const queue of names) {
  const channel = await connection.createChannel()
  channel.on('error', () => {})
  await channel.deleteQueue(queue).then(() => deleted++, () => {})
  await channel.close().catch(() => {})
}
for (const namespace of new Set(names.map((name) => name.split('.')[0]))) {
  const channel = await connection.createChannel()
  channel.on('error', () => {})
  await channel.deleteExchange(`${namespace}.events`).catch(() => {})
  await channel.close().catch(() => {})
}
await connection.close()
console.log(`deleted ${deleted} of ${names.length} queues left by earlier test and bench runs`)
