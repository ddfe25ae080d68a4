-- The drawing owns its drawings (one per drawing showtime) and their entries. The seed is not here until the draw:
-- it stays in the saga's state, so no query of these tables can reveal it early.
create schema if not exists drawing;

create table drawing.drawings (
  showtime_id   text primary key,
  movie_id      text        not null,
  movie_title   text        not null,
  theater_name  text        not null,
  starts_at     timestamptz not null,
  capacity      integer     not null check (capacity > 0),
  -- Entries close (ordering refuses them from then on); the draw runs at draw_at, a grace period later.
  drawing_at    timestamptz not null,
  draw_at       timestamptz not null,
  commitment    text        not null,
  algorithm     text        not null,
  status        text        not null default 'open' check (status in ('open', 'drawn')),
  opened_at     timestamptz not null,
  seed          text,
  held_at       timestamptz,
  winners       integer,
  seats_awarded integer,
  check ((status = 'drawn') = (seed is not null and held_at is not null and winners is not null and seats_awarded is not null))
);

create table drawing.entries (
  order_id    uuid        primary key,
  showtime_id text        not null references drawing.drawings (showtime_id),
  -- Public: sha256 of the order id. The order id and the address are never served.
  entry_id    text        not null,
  email       text        not null,
  tickets     integer     not null check (tickets > 0),
  entered_at  timestamptz not null,
  recorded_at timestamptz not null,
  -- Set by the draw: 1, 2, … for the winners in award order; null for everyone else.
  award_rank  integer
);
-- One entry per person per drawing.
create unique index entries_one_per_person on drawing.entries (showtime_id, lower(email));
create unique index entries_by_entry_id on drawing.entries (showtime_id, entry_id);
