-- Each person's VIP membership is a stream of its own (vip.decider.ts): granted at once, confirmed or revoked by the
-- first payment's outcome. The person's pages fold it in the request; nothing else reads it.
create table accounts.vip_events (
  account_id uuid        not null,
  version    integer     not null,
  type       text        not null,
  data       jsonb       not null,
  at         timestamptz not null,
  primary key (account_id, version)
);
