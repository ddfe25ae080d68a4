-- Which processes run which endpoints, and when each was last heard of: each process beats every few seconds for
-- the endpoints it consumes; one not heard of for three beats is down (killed, or cut off), one that stopped says so.
create table if not exists messaging.instances (
  instance_id text        not null,
  endpoint    text        not null,
  -- The queues it consumes for the endpoint: its own, and its partitions.
  queues      text[]      not null,
  started_at  timestamptz not null,
  last_seen   timestamptz not null,
  stopped_at  timestamptz,
  primary key (instance_id, endpoint)
);
create index if not exists instances_by_endpoint on messaging.instances (endpoint, last_seen desc);
