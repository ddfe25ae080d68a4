-- Where a room's outflow stops doubling and grows by steps: the rate it was cut to when the writers last fell behind.
alter table waiting_room.rooms add column if not exists rate_ceiling double precision check (rate_ceiling >= 0);
