-- What each instance saw of its endpoints in the last minute, written at its heartbeat: retries, and its batches'
-- processing time (what only the process knows; the inbox tells the rest).
alter table messaging.instances add column if not exists tally jsonb not null default '{}';
