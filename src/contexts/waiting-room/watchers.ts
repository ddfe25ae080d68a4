import type { Logger } from 'pino'
import type { Socket } from 'socket.io'
import { isAdmitted, statusOf, type Place } from './room.rules.ts'
import { admissionTimes, roomsByIds } from './rooms.ts'
import type { RoomDeps } from './settings.ts'

export const statusEvent = 'waiting-room:status'

/**
 * The sockets on this web node that watch a place, told its status every tick: one read of the watched rooms per
 * tick for all of them (and one more for the places just let through), never a read per socket. A place let
 * through is told so and no longer watched.
 */
export const startWatchers = (deps: RoomDeps, logger: Logger) => {
  const watching = new Map<Socket, Map<string, Place>>()
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined

  const unwatch = (socket: Socket, showtimeId: string) => {
    watching.get(socket)?.delete(showtimeId)
    if (watching.get(socket)?.size === 0) watching.delete(socket)
    if (watching.size === 0 && timer) timer = void clearInterval(timer)
  }

  const tell = async () => {
    const byRoom = new Map<string, [Socket, Place][]>()
    for (const [socket, places] of watching) for (const [showtimeId, place] of places) byRoom.set(showtimeId, [...(byRoom.get(showtimeId) ?? []), [socket, place]])
    if (byRoom.size === 0) return
    const now = deps.clock()
    for (const room of await roomsByIds(deps.db, [...byRoom.keys()])) {
      const watchers = byRoom.get(room.showtimeId)!
      const through = watchers.filter(([, place]) => !place.admittedAt && isAdmitted(room, place)).map(([, place]) => place.number)
      const admittedAt = await admissionTimes(deps.db, room.showtimeId, through, now)
      for (const [socket, watched] of watchers) {
        const place = { ...watched, admittedAt: watched.admittedAt ?? admittedAt.get(watched.number) ?? null }
        const status = statusOf(room, place, deps.settings)
        socket.emit(statusEvent, status)
        if (status.admitted) unwatch(socket, room.showtimeId)
      }
    }
  }

  return {
    watch(socket: Socket, place: Place) {
      if (!watching.has(socket)) {
        watching.set(socket, new Map())
        socket.once('disconnect', () => {
          watching.delete(socket)
          if (watching.size === 0 && timer) timer = void clearInterval(timer)
        })
      }
      watching.get(socket)!.set(place.showtimeId, place)
      timer ??= setInterval(() => {
        running ??= tell()
          .catch((error) => logger.warn({ err: error }, 'could not tell the waiting their places'))
          .finally(() => (running = undefined))
      }, deps.settings.tickMs).unref()
    },
    unwatch,
  }
}
