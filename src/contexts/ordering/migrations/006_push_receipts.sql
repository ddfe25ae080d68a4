-- A page that showed an order's outcome says so (a push receipt): ops' books count the outcomes that reached a browser.
create table ordering.push_receipts (
  order_id uuid        primary key,
  seen_at  timestamptz not null
);
