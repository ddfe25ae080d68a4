import { fileURLToPath } from 'node:url'
import type { ContextModule } from '../index.ts'
import { waitingRoomWeb } from './api.ts'
import { waitingRoomEndpoint } from './endpoint.ts'
import { admissionGate } from './gate.ts'
import { peopleInRooms } from './rooms.ts'
import { roomDeps } from './settings.ts'
import { waitingRoomSocket } from './socket.ts'

/** Admission control in front of a hot showing's ordering: a fair queue, a signed place, and the gate ordering asks. */
export const waitingRoom: ContextModule = {
  name: 'waiting-room',
  messages: [],
  migrations: { owner: 'waiting-room', dir: fileURLToPath(new URL('./migrations', import.meta.url)) },
  endpoint: waitingRoomEndpoint,
  web: waitingRoomWeb,
  socket: waitingRoomSocket,
  admission: (deps) => admissionGate(roomDeps(deps)),
  readings: async (db) => [{ name: 'popcorn_waiting_room_people', help: 'People in the waiting rooms: waiting for their turn, or let through', samples: await peopleInRooms(db) }],
}
