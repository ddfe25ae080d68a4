create schema if not exists catalog;

create table catalog.movies (
  id text primary key check (id ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(id) <= 80),
  title text not null check (length(title) between 1 and 200),
  year int not null check (year between 1888 and 2200),
  runtime_minutes int not null check (runtime_minutes > 0),
  synopsis text not null,
  -- Kijkwijzer age rating: AL, 6, 9, 12, 14, 16 or 18
  rating text not null
);

create table catalog.theaters (
  id text primary key check (id ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(id) <= 80),
  name text not null check (length(name) between 1 and 200),
  city text not null,
  address text not null
);

create table catalog.showtimes (
  id text primary key check (id ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(id) <= 80),
  movie_id text not null references catalog.movies (id),
  theater_id text not null references catalog.theaters (id),
  screen text not null,
  starts_at timestamptz not null,
  capacity int not null check (capacity > 0),
  price_cents int not null check (price_cents >= 0),
  ticket_type text not null check (ticket_type in ('regular', 'drawing', 'morning')),
  policy text not null check (policy in ('strict', 'optimistic')),
  drawing_at timestamptz,
  check ((ticket_type = 'drawing') = (drawing_at is not null)),
  check (drawing_at is null or drawing_at < starts_at),
  unique (theater_id, screen, starts_at)
);

create index showtimes_by_movie on catalog.showtimes (movie_id, starts_at);
create index showtimes_by_theater on catalog.showtimes (theater_id, starts_at);
