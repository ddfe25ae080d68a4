-- The waiting room: admission control in front of a hot showing's ordering.
create schema if not exists waiting_room;

-- What the waiting room knows of a showtime (from catalog's ShowtimeScheduled): enough to name it and link to its form.
create table waiting_room.showtimes (
  showtime_id  text primary key,
  movie_id     text        not null,
  movie_title  text        not null,
  theater_name text        not null,
  starts_at    timestamptz not null
);

-- One room per showtime, made when someone first joins it or an admin sets it. Each has its own sequence,
-- waiting_room.numbers_<room_no>, that numbers its places in order of joining without a lock on this row.
create table waiting_room.rooms (
  showtime_id         text primary key,
  room_no             serial unique,
  mode                text             not null default 'auto' check (mode in ('auto', 'on', 'off')),
  fixed_rate          double precision check (fixed_rate >= 0),
  active              boolean          not null default false,
  rate                double precision not null default 0,
  admitted_through    integer          not null default 0,
  credit              double precision not null default 0,
  number_at_tick      integer          not null default 0,
  arrivals_per_second double precision not null default 0,
  calm_since          timestamptz,
  ticked_at           timestamptz      not null,
  -- A tick or an admin change is written only over the version it read: two web nodes never both let the same second through.
  version             integer          not null default 0
);

create table waiting_room.places (
  showtime_id     text        not null references waiting_room.rooms (showtime_id),
  number          integer     not null,
  browser_session uuid        not null,
  joined_at       timestamptz not null,
  through_at_join integer     not null,
  admitted_at     timestamptz,
  primary key (showtime_id, number),
  -- One place per browser session per room.
  unique (showtime_id, browser_session)
);

-- The workers' remembered capacity (people per second), shared by every web node.
create table waiting_room.capacity (
  id          smallint primary key check (id = 1),
  rate        double precision not null,
  measured_at timestamptz      not null,
  version     integer          not null default 0
);
insert into waiting_room.capacity (id, rate, measured_at) values (1, 0, now());

-- The place-token signing secret when POPCORN_SECRET is not set: made once, then every web node reads the same.
create table waiting_room.secrets (
  name  text primary key,
  value text not null
);
