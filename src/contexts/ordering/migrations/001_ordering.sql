-- Ordering owns the seat inventory (an append-only stream of deltas per showtime) and the orders.
create schema if not exists ordering;

create table ordering.seat_events (
  showtime_id text        not null,
  version     integer     not null,
  type        text        not null,
  delta       integer     not null,
  data        jsonb       not null,
  recorded_at timestamptz not null,
  caused_by   uuid,
  -- The expected-version guard: two writers can never both append version n.
  primary key (showtime_id, version)
);

-- Append-only snapshots, so rebuilding a busy showtime reads one snapshot and a few events.
create table ordering.seat_snapshots (
  showtime_id text    not null,
  version     integer not null,
  state       jsonb   not null,
  primary key (showtime_id, version)
);

-- What the web checks an order against before sending it, kept by the showtime's writer.
create table ordering.showtimes (
  showtime_id  text primary key,
  movie_title  text        not null,
  theater_name text        not null,
  starts_at    timestamptz not null,
  ticket_type  text        not null,
  policy       text        not null,
  price_cents  integer     not null,
  drawing_at   timestamptz,
  capacity     integer     not null,
  seats_left   integer     not null,
  version      integer     not null
);

create table ordering.orders (
  order_id       uuid primary key,
  showtime_id    text        not null,
  tickets        integer     not null check (tickets > 0),
  email          text        not null,
  client_session text,
  status         text        not null default 'received' check (status in ('received', 'accepted', 'sold-out', 'entered-drawing')),
  outcome        jsonb,
  created_at     timestamptz not null default now(),
  decided_at     timestamptz
);
create index orders_by_session on ordering.orders (client_session, created_at desc);
create index orders_by_showtime on ordering.orders (showtime_id, status);
