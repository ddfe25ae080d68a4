-- A per-process queue (a web node's replies and live events) is kept alive by its process. When the process dies
-- without removing it, it expires: its subscriptions and waiting messages are deleted by whoever notices.
create table messaging.temporary_queues (
  queue      text primary key,
  expires_at timestamptz not null
);
