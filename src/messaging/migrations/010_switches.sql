-- Switches a person turns while the system runs (ops), shared by every process on the database: the delay put on
-- shared projections, to show the lag on purpose. A switch with no row is off.
create table if not exists messaging.switches (
  name       text primary key,
  value      jsonb       not null,
  changed_at timestamptz not null
);
