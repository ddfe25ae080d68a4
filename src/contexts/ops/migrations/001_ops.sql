-- Ops' own read models. The same SQL runs on PGlite and PostgreSQL.
create schema if not exists ops;

-- One row per order cancelled as oversold, filled from whichever of its events comes first: ordering's cancellation,
-- billing's refund, notifications' apology. Counting per showtime is then a query, and a redelivery changes nothing.
create table ops.compensations (
  order_id         uuid primary key,
  showtime_id      text,
  movie_title      text,
  theater_name     text,
  starts_at        timestamptz,
  tickets          integer,
  refund_due_cents integer,
  cancelled_at     timestamptz,
  refunded_cents   integer,
  refunded_at      timestamptz,
  apologized_at    timestamptz
);
create index compensations_by_showtime on ops.compensations (showtime_id);
