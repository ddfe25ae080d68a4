-- Ops' alerts: one row per alert raised, cleared when its reading is back within its threshold. At most one of a rule
-- and subject is open at a time, so that processes checking at once raise it (and e-mail it) once.
create table ops.alerts (
  id         uuid        primary key,
  rule       text        not null,
  subject    text        not null,
  summary    text        not null,
  raised_at  timestamptz not null,
  cleared_at timestamptz
);
create unique index alerts_open on ops.alerts (rule, subject) where cleared_at is null;
create index alerts_recent on ops.alerts (raised_at desc);

-- The thresholds, as an admin set them; a threshold without a row is at its default (alerts.rules.ts).
create table ops.alert_thresholds (
  name       text        primary key,
  value      integer     not null,
  changed_at timestamptz not null
);
