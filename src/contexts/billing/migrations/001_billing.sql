-- Billing owns the payments ledger. The same SQL runs on PGlite and PostgreSQL.
create schema if not exists billing;

-- One row per paid order: its payment's state, kept by payment.decider.ts. The row is also the order's lock: every
-- handler touching an order's payment takes it first, so a capture and a refund of one order never interleave.
create table billing.payments (
  order_id          uuid primary key,
  showtime_id       text        not null,
  status            text        not null check (status in ('none', 'captured', 'refund-owed', 'refunded')),
  payment_id        uuid unique,
  amount_cents      integer     check (amount_cents > 0),
  captured_at       timestamptz,
  capture_reference text,
  refund_reason     text,
  refund_owed_since timestamptz,
  refunded_at       timestamptz,
  refund_reference  text
);
create index payments_by_showtime on billing.payments (showtime_id, status);

-- The dev payment provider's own record of what it was asked to do, standing in for a PSP: one capture and at most
-- one refund per payment (the payment id is the idempotency key a real PSP would get).
create table billing.provider_operations (
  reference    text        primary key,
  kind         text        not null check (kind in ('capture', 'refund')),
  payment_id   uuid        not null,
  order_id     uuid        not null,
  amount_cents integer     not null check (amount_cents > 0),
  at           timestamptz not null,
  unique (payment_id, kind)
);
