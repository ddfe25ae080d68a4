-- The reviews context's tables. The same SQL runs on PGlite and PostgreSQL.
create schema if not exists reviews;

-- The movies reviews know: one row per movie the catalog has scheduled (ShowtimeScheduled), for its title.
create table reviews.movies (
  movie_id text primary key,
  title    text not null
);

-- The write model: each review as it was written, one per person and movie. The person's own pages read it at once.
create table reviews.reviews (
  review_id  uuid        primary key,
  movie_id   text        not null,
  account_id uuid        not null,
  author     text        not null,
  stars      integer     not null check (stars between 1 and 5),
  text       text        not null,
  written_at timestamptz not null,
  stored_at  timestamptz not null,
  unique (account_id, movie_id)
);

-- Reviews refused (empty, too long, a duplicate, an unknown movie): kept so that the person is told why, by id.
create table reviews.refusals (
  review_id  uuid        primary key,
  movie_id   text        not null,
  account_id uuid        not null,
  reason     text        not null,
  refused_at timestamptz not null
);

-- The shared read model, fed by ProjectReview (possibly late: ops' projection delay): what everyone sees of a movie.
create table reviews.shown (
  review_id    uuid        primary key,
  movie_id     text        not null,
  author       text        not null,
  stars        integer     not null,
  text         text        not null,
  written_at   timestamptz not null,
  projected_at timestamptz not null
);
create index shown_by_movie on reviews.shown (movie_id, written_at desc);

create table reviews.ratings (
  movie_id    text    primary key,
  reviews     integer not null,
  stars_total integer not null
);
