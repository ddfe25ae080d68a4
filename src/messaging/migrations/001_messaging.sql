-- The messaging core's own tables. The same SQL runs on PGlite and PostgreSQL.
create schema if not exists messaging;

-- The database transport's queue: one row per message per destination queue.
create table messaging.queue (
  id            bigserial primary key,
  queue         text        not null,
  message_id    uuid        not null,
  headers       jsonb       not null,
  body          text        not null,
  visible_at    timestamptz not null default now(),
  locked_until  timestamptz,
  deliveries    integer     not null default 0,
  enqueued_at   timestamptz not null default now()
);
create index queue_ready on messaging.queue (queue, visible_at, id);

-- Which queues receive which event types (the database transport's topic routing).
create table messaging.subscriptions (
  message_type text not null,
  queue        text not null,
  primary key (message_type, queue)
);

-- Message ids handled from each queue: the inbox that makes redelivery harmless. Keyed by queue, not endpoint
-- name, because every web node has its own queue and its own copy of an event.
create table messaging.inbox (
  queue      text        not null,
  message_id uuid        not null,
  handled_at timestamptz not null default now(),
  primary key (queue, message_id)
);

-- Messages written in a handler's transaction, published to the broker after commit (RabbitMQ transport).
-- destination_kind: 'queue' (destination is a queue name) or 'topic' (destination is an event type).
create table messaging.outbox (
  id               bigserial primary key,
  message_id       uuid        not null,
  destination_kind text        not null check (destination_kind in ('queue', 'topic')),
  destination      text        not null,
  headers          jsonb       not null,
  body             text        not null,
  deliver_at       timestamptz not null default now(),
  created_at       timestamptz not null default now()
);
create index outbox_due on messaging.outbox (deliver_at, id);

-- The error queue: messages that failed every retry, or could never be handled, with the reason.
create table messaging.failed_messages (
  id          uuid        primary key,
  message_id  text,
  message_type text,
  queue       text        not null,
  headers     jsonb       not null,
  body        text        not null,
  code        text        not null,
  reason      text        not null,
  stack       text,
  attempts    integer     not null,
  failed_at   timestamptz not null default now(),
  status      text        not null default 'unresolved' check (status in ('unresolved', 'retried', 'discarded')),
  resolved_at timestamptz
);
create index failed_messages_status on messaging.failed_messages (status, failed_at desc);

-- Saga instances, correlated by a message property, with a version for optimistic concurrency.
create table messaging.sagas (
  saga           text        not null,
  correlation_id text        not null,
  state          jsonb       not null,
  version        integer     not null,
  started_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now(),
  primary key (saga, correlation_id)
);
