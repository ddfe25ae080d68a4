-- The catalog's write model from here on: every change an admin makes (a movie added, a showing scheduled, seats
-- added) is a row here first, decided against this log and the shared tables together. The shared tables (movies,
-- showtimes: what every public page reads) take each change in later, through the ProjectCatalog handler, late on
-- purpose under ops' projection delay; the admin who made it sees it at once (their pages fold their own changes in).
create table catalog.changes (
  id           uuid        primary key,
  kind         text        not null check (kind in ('movie-added', 'showtime-scheduled', 'capacity-added')),
  data         jsonb       not null,
  -- Who made it: an admin account's id, or 'admin' for the site's admin password.
  made_by      text        not null,
  made_at      timestamptz not null,
  -- Set in the transaction that takes it into the shared tables.
  projected_at timestamptz
);
create index changes_not_projected on catalog.changes (made_at) where projected_at is null;
