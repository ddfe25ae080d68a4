-- The account an order belongs to: set when it is placed while logged in, or when its browser session logs in
-- later (accounts' SignedIn). Anonymous orders keep it null and stay their browser session's.
alter table ordering.orders add column account_id uuid;
create index orders_by_account on ordering.orders (account_id, created_at desc) where account_id is not null;
