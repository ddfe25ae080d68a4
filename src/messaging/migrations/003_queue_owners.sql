-- The database queue's single active consumer: the one consumer (across every process) that may take messages from
-- a queue, for as long as it keeps renewing its lease. A row whose lease ran out may be taken by another consumer.
create table messaging.queue_owners (
  queue      text        primary key,
  owner      text        not null,
  expires_at timestamptz not null
);
