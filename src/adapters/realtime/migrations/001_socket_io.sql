-- The Socket.IO PostgreSQL adapter keeps payloads too large for NOTIFY here. A migration, not a
-- "create table if not exists" at start, because two web nodes starting together race on the latter.
create table if not exists public.socket_io_attachments (
  id         bigserial unique,
  created_at timestamptz default now(),
  payload    bytea
);
