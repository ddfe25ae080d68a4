import { defineEndpoint } from '../../messaging/endpoint.ts'
import { showtimeScheduled } from './handlers/showtime-scheduled.handler.ts'

export const waitingRoomEndpoint = defineEndpoint({ name: 'waiting-room', handlers: [showtimeScheduled] })
