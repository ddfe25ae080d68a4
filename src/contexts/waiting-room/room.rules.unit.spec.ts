import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { applyMode, statusOf, tickChanged, tickRoom, turnHasPassed, waitingIn, type Measures, type Place, type Room, type RoomSettings } from './room.rules.ts'

const t0 = new Date('2026-05-01T09:00:00.000Z')
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000)
const settings: RoomSettings = {
  admissionMs: 600_000, calmMs: 30_000, maxAdvanceMs: 5_000, arrivalWindowMs: 2_000, arrivalsSmoothingMs: 2_000,
  floor: 5, targetWaitMs: 500, increasePerSecond: 10, decreasePerSecond: 0.5,
}

const room = (overrides: Partial<Room> = {}): Room => ({
  showtimeId: 'dune-breda-1', mode: 'auto', fixedRate: null, active: false, rate: 0, rateCeiling: null, admittedThrough: 0, credit: 0,
  numberAtTick: 0, arrivalsPerSecond: 0, calmSince: null, tickedAt: t0, ...overrides,
})
const place = (number: number, overrides: Partial<Place> = {}): Place => ({
  showtimeId: 'dune-breda-1', number, browserSession: 's', joinedAt: t0, throughAtJoin: 0, admittedAt: null, ...overrides,
})

/** given a room, when ticks happen (seconds after t0, with what was measured then), then it is in this state. */
const given = (state: Room) => ({
  when: (...ticks: [seconds: number, measures: Measures][]) => ({
    then: (expected: Partial<Room>) => {
      const after = ticks.reduce((r, [seconds, measures]) => tickRoom(r, measures, at(seconds), settings), state)
      assert.deepEqual(Object.fromEntries(Object.keys(expected).map((k) => [k, after[k as keyof Room]])), expected)
      return after
    },
  }),
})

describe('a place\'s status', () => {
  const active = room({ active: true, rate: 2, admittedThrough: 10 })

  test('position is the people still waiting ahead plus one; the wait is position over rate', () => {
    const status = statusOf(active, place(15, { throughAtJoin: 5 }), settings)
    assert.deepEqual(status, { showtimeId: 'dune-breda-1', active: true, admitted: false, position: 5, etaSeconds: 3, progress: 0.5, ratePerSecond: 2, admittedUntil: null })
  })

  test('progress runs from 0 on joining to 1 at one\'s turn', () => {
    assert.equal(statusOf(room({ active: true, rate: 1, admittedThrough: 5 }), place(15, { throughAtJoin: 5 }), settings).progress, 0)
    assert.equal(statusOf(room({ active: true, rate: 1, admittedThrough: 14 }), place(15, { throughAtJoin: 5 }), settings).progress, 0.9)
  })

  test('a paused room (outflow 0) says it cannot estimate', () => {
    assert.equal(statusOf(room({ active: true, rate: 0 }), place(3), settings).etaSeconds, -1)
  })

  test('admitted: position 0, done, and until when it may order', () => {
    const status = statusOf(active, place(4, { admittedAt: at(60) }), settings)
    assert.deepEqual([status.admitted, status.position, status.etaSeconds, status.progress, status.admittedUntil], [true, 0, 0, 1, at(660).toISOString()])
  })

  test('a place the watermark passed is in, even before its admission time is written', () => {
    const status = statusOf(active, place(9), settings)
    assert.deepEqual([status.admitted, status.position, status.admittedUntil], [true, 0, null])
  })

  test('an inactive room lets everyone in', () => {
    const status = statusOf(room({ active: false, admittedThrough: 0 }), place(40), settings)
    assert.deepEqual([status.active, status.admitted, status.position], [false, true, 0])
  })

  test('a turn passes when the admission window is over', () => {
    assert.equal(turnHasPassed(place(1, { admittedAt: at(0) }), at(599), settings), false)
    assert.equal(turnHasPassed(place(1, { admittedAt: at(0) }), at(600), settings), true)
    assert.equal(turnHasPassed(place(1), at(10_000), settings), false, 'not let through yet: nothing has passed')
  })
})

describe('letting people through', () => {
  test('the watermark moves by elapsed time × rate, from the stored tick time', () => {
    given(room({ active: true, mode: 'on', fixedRate: 3 }))
      .when([2, { lastNumber: 100, capacity: 50, waitedMs: null }])
      .then({ admittedThrough: 6, credit: 0, tickedAt: at(2) })
  })

  test('fractions of a person carry over to the next tick', () => {
    given(room({ active: true, mode: 'on', fixedRate: 0.4, numberAtTick: 100 }))
      .when([1, { lastNumber: 100, capacity: 50, waitedMs: null }], [2, { lastNumber: 100, capacity: 50, waitedMs: null }], [3, { lastNumber: 100, capacity: 50, waitedMs: null }])
      .then({ admittedThrough: 1 })
  })

  test('two web nodes ticking the same moment let the same people through, not twice as many', () => {
    const state = room({ active: true, mode: 'on', fixedRate: 10, numberAtTick: 100 })
    const first = tickRoom(state, { lastNumber: 100, capacity: 50, waitedMs: null }, at(1), settings)
    const again = tickRoom(first, { lastNumber: 100, capacity: 50, waitedMs: null }, at(1), settings)
    assert.equal(first.admittedThrough, 10)
    assert.equal(again.admittedThrough, 10)
  })

  test('never past the last number given out, and no credit saved up while nobody waits', () => {
    given(room({ active: true, mode: 'on', fixedRate: 10, admittedThrough: 95, numberAtTick: 100 }))
      .when([3, { lastNumber: 100, capacity: 50, waitedMs: null }])
      .then({ admittedThrough: 100, credit: 0 })
  })

  test('a room nobody ticked for a long time lets through at most a few seconds\' worth', () => {
    given(room({ active: true, mode: 'on', fixedRate: 10, numberAtTick: 1_000 }))
      .when([3_600, { lastNumber: 1_000, capacity: 50, waitedMs: null }])
      .then({ admittedThrough: 50 })
  })

  test('a clock behind the stored tick moves nothing back', () => {
    given(room({ active: true, mode: 'on', fixedRate: 10, admittedThrough: 7, tickedAt: at(10), numberAtTick: 100 }))
      .when([9, { lastNumber: 100, capacity: 50, waitedMs: null }])
      .then({ admittedThrough: 7, tickedAt: at(10) })
  })

  test('the admin\'s fixed rate is the outflow, whatever the writers do', () => {
    given(room({ active: true, mode: 'on', fixedRate: 0, numberAtTick: 1_000 })).when([1, { lastNumber: 1_000, capacity: 40, waitedMs: null }]).then({ rate: 0, admittedThrough: 0 })
    given(room({ active: true, mode: 'on', fixedRate: 5, numberAtTick: 1_000 })).when([1, { lastNumber: 1_000, capacity: 40, waitedMs: 9_000 }]).then({ rate: 5, admittedThrough: 5 })
  })
})

describe('the outflow follows what the writers take (AIMD)', () => {
  const waiting = room({ active: true, rate: 40, numberAtTick: 10_000 })
  const measured = (waitedMs: number | null): Measures => ({ lastNumber: 10_000, capacity: 40, waitedMs })

  test('switched on, it starts at the measured capacity', () => {
    given(room()).when([1, { lastNumber: 100, capacity: 20, waitedMs: null }]).then({ active: true, rate: 20, rateCeiling: null })
  })

  test('while people wait and the writers keep up, it doubles each second, letting through at the rate before each tick', () => {
    given(waiting).when([1, measured(50)], [2, measured(null)]).then({ rate: 160, rateCeiling: null, admittedThrough: 40 + 80 })
  })

  test('when the writers\' orders wait longer than the target, it is cut, and grows by steps from there', () => {
    const cut = given(waiting).when([1, measured(50)], [2, measured(50)], [3, measured(900)]).then({ rate: 80, rateCeiling: 80 })
    given(cut).when([4, measured(400)], [5, measured(300)]).then({ rate: 100, rateCeiling: 80 })
    given(cut).when([4, measured(2_000)]).then({ rate: 40, rateCeiling: 40 })
  })

  test('once the writers\' orders wait less than half the target again, the cut is forgotten and it doubles each second', () => {
    // A connection storm on the web node made the orders wait on their way to an idle writer; then it passed.
    const cut = given(waiting).when([1, measured(900)]).then({ rate: 20, rateCeiling: 20 })
    given(cut).when([2, measured(250)], [3, measured(40)]).then({ rate: 80, rateCeiling: null })
    given(cut).when([2, measured(251)]).then({ rate: 30, rateCeiling: 20 })
  })

  test('never below the floor', () => {
    given(room({ active: true, rate: 6, numberAtTick: 10_000 })).when([3, measured(60_000)]).then({ rate: 5, rateCeiling: 5 })
  })

  test('while nobody waits it stays where it is: an outflow nobody uses proves nothing', () => {
    given(room({ active: true, rate: 40, admittedThrough: 10_000, numberAtTick: 10_000 })).when([1, measured(10)], [2, measured(10)]).then({ rate: 40, rateCeiling: null })
  })
})

describe('switching on and off by itself (auto)', () => {
  test('arrivals above capacity switch it on; those already in stay in, the queue starts behind them', () => {
    given(room())
      .when([1, { lastNumber: 100, capacity: 20, waitedMs: null }])
      .then({ active: true, admittedThrough: 100, arrivalsPerSecond: 100 * (1 - Math.exp(-0.5)) })
  })

  test('one visitor on an idle system does not switch it on (the capacity floor)', () => {
    given(room()).when([1, { lastNumber: 1, capacity: 20, waitedMs: null }], [2, { lastNumber: 1, capacity: 20, waitedMs: null }]).then({ active: false, admittedThrough: 1 })
  })

  test('arrivals after a long idle stretch are counted over the last tick, not the whole stretch', () => {
    given(room()).when([3_600, { lastNumber: 200, capacity: 20, waitedMs: null }]).then({ active: true })
  })

  test('switches off once drained and calm for a while, not before', () => {
    const crowded = room({ active: true, rate: 50, admittedThrough: 100, numberAtTick: 120, arrivalsPerSecond: 0, tickedAt: at(0) })
    const drained = given(crowded).when([1, { lastNumber: 120, capacity: 50, waitedMs: null }]).then({ active: true, admittedThrough: 120, calmSince: at(1) })
    given(drained).when([20, { lastNumber: 120, capacity: 50, waitedMs: null }]).then({ active: true })
    given(drained).when([20, { lastNumber: 120, capacity: 50, waitedMs: null }], [31, { lastNumber: 120, capacity: 50, waitedMs: null }]).then({ active: false, calmSince: null })
  })

  test('a new crowd while calm starts the calm over', () => {
    const calm = room({ active: true, admittedThrough: 120, numberAtTick: 120, calmSince: at(0), tickedAt: at(0) })
    given(calm).when([1, { lastNumber: 300, capacity: 50, waitedMs: null }]).then({ active: true, calmSince: null })
  })

  test('once its showing is sold out it switches off and lets everyone waiting through: there is nothing to queue for', () => {
    const crowded = room({ active: true, rate: 50, admittedThrough: 100, numberAtTick: 900, arrivalsPerSecond: 800, tickedAt: at(0) })
    given(crowded).when([1, { lastNumber: 1_000, capacity: 50, waitedMs: null, soldOut: true }]).then({ active: false, admittedThrough: 1_000 })
  })

  test('a sold-out showing\'s crowd does not switch it on', () => {
    given(room()).when([1, { lastNumber: 5_000, capacity: 20, waitedMs: null, soldOut: true }]).then({ active: false, admittedThrough: 5_000 })
  })
})

describe('what the admin sets', () => {
  test('on with rate 0: everyone after now waits; those before are in', () => {
    const on = applyMode(room({ numberAtTick: 7 }), { mode: 'on', fixedRate: 0 }, { lastNumber: 7, capacity: 50, waitedMs: null }, at(1), settings)
    assert.deepEqual([on.active, on.admittedThrough, on.rate, on.mode], [true, 7, 0, 'on'])
    assert.equal(waitingIn(on, 12), 5)
  })

  test('a new rate counts from now: the time before was at the old rate', () => {
    const paused = room({ mode: 'on', active: true, fixedRate: 0, numberAtTick: 50, tickedAt: at(0) })
    const resumed = applyMode(paused, { mode: 'on', fixedRate: 5 }, { lastNumber: 50, capacity: 50, waitedMs: null }, at(100), settings)
    assert.equal(resumed.admittedThrough, 0)
    assert.equal(tickRoom(resumed, { lastNumber: 50, capacity: 50, waitedMs: null }, at(102), settings).admittedThrough, 10)
  })

  test('off lets everyone waiting in', () => {
    const off = applyMode(room({ mode: 'on', active: true, admittedThrough: 3, numberAtTick: 40 }), { mode: 'off', fixedRate: null }, { lastNumber: 40, capacity: 50, waitedMs: null }, at(1), settings)
    assert.deepEqual([off.active, off.admittedThrough, waitingIn(off, 40)], [false, 40, 0])
  })

  test('forced on stays on, even when its showing is sold out: the admin decides', () => {
    const forced = room({ mode: 'on', active: true, rate: 10, admittedThrough: 10, tickedAt: at(0) })
    given(forced).when([1, { lastNumber: 500, capacity: 50, waitedMs: null, soldOut: true }]).then({ active: true })
  })

  test('forced on stays on when calm; forced off stays off when crowded', () => {
    given(room({ mode: 'on', active: true, numberAtTick: 0 })).when([60, { lastNumber: 0, capacity: 50, waitedMs: null }], [120, { lastNumber: 0, capacity: 50, waitedMs: null }]).then({ active: true })
    given(room({ mode: 'off' })).when([1, { lastNumber: 5_000, capacity: 50, waitedMs: null }]).then({ active: false, admittedThrough: 5_000 })
  })
})

describe('which ticks are written', () => {
  test('an idle inactive room is left alone; anything happening is written', () => {
    const idle = room({ numberAtTick: 4, admittedThrough: 4 })
    assert.equal(tickChanged(idle, tickRoom(idle, { lastNumber: 4, capacity: 50, waitedMs: null }, at(5), settings)), false)
    assert.equal(tickChanged(idle, tickRoom(idle, { lastNumber: 5, capacity: 50, waitedMs: null }, at(5), settings)), true)
    const active = room({ active: true, mode: 'on' })
    assert.equal(tickChanged(active, tickRoom(active, { lastNumber: 0, capacity: 50, waitedMs: null }, at(5), settings)), true)
  })

  test('an active room ticked by a node whose clock is behind its last tick is left alone', () => {
    const ticked = tickRoom(room({ active: true, mode: 'on', numberAtTick: 10 }), { lastNumber: 30, capacity: 5, waitedMs: null }, at(10), settings)
    assert.equal(tickChanged(ticked, tickRoom(ticked, { lastNumber: 30, capacity: 5, waitedMs: null }, at(9), settings)), false)
    assert.equal(tickChanged(ticked, tickRoom(ticked, { lastNumber: 30, capacity: 5, waitedMs: null }, at(11), settings)), true)
  })

  test('so is one in auto while the writers\' orders wait too long: no time has passed for it, so it cuts nothing', () => {
    // Its write would take the turn of the node whose clock is ahead, and whose tick lets people through.
    const ticked = room({ active: true, rate: 100, admittedThrough: 0, numberAtTick: 300, tickedAt: at(10) })
    const behind = tickRoom(ticked, { lastNumber: 300, capacity: 20, waitedMs: 3_000 }, at(9), settings)
    assert.deepEqual([behind.rate, behind.rateCeiling], [100, null])
    assert.equal(tickChanged(ticked, behind), false)
  })
})
