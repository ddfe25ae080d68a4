-- Orders can end cancelled (accepted at the edge of an optimistic showtime, then found oversold) or not drawn.
alter table ordering.orders drop constraint orders_status_check;
alter table ordering.orders add constraint orders_status_check
  check (status in ('received', 'accepted', 'sold-out', 'entered-drawing', 'cancelled', 'not-drawn'));
-- The web node told the customer "accepted" before the writer decided (optimistic policy).
alter table ordering.orders add column accepted_at_edge boolean not null default false;
-- Alternatives for a cancelled order: later showings of the same movie with seats left.
create index showtimes_by_movie on ordering.showtimes (movie_title, starts_at);
