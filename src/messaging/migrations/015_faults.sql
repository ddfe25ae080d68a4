-- Faults ops injects on purpose while the system runs (when the configuration allows it: POPCORN_FAULTS=on), shared
-- by every process on the database: an endpoint's messages delayed, failing with a probability, or left waiting in
-- its queue (paused). One row per endpoint and message type ('' for all of its messages); no row, no fault.
create table if not exists messaging.faults (
  endpoint     text        not null,
  message_type text        not null default '',
  delay_ms     integer     not null default 0 check (delay_ms between 0 and 600000),
  fail_percent integer     not null default 0 check (fail_percent between 0 and 100),
  paused       boolean     not null default false check (not paused or message_type = ''),
  since        timestamptz not null,
  primary key (endpoint, message_type)
);
