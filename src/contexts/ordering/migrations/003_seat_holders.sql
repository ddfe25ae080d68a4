-- The tickets each buyer holds per showtime, kept by the showtime's writer in the transaction that reserves them, so
-- that the per-buyer cap is checked against every earlier decision. A buyer is a key: a digest of the normalised
-- e-mail address ("e:…") or of the browser session ("s:…"); no address is stored here.
create table ordering.seat_holders (
  showtime_id text not null,
  buyer       text not null,
  tickets     int  not null check (tickets > 0),
  primary key (showtime_id, buyer)
);
alter table ordering.orders drop constraint orders_status_check;
alter table ordering.orders add constraint orders_status_check
  check (status in ('received', 'accepted', 'sold-out', 'entered-drawing', 'cancelled', 'not-drawn', 'limit-reached'));
