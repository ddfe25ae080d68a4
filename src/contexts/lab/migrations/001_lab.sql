-- The pattern lab's own tables: the runs, what was measured as they went, and the messages the lab's services
-- handled for each (the lab's instrument: every service writes a row per message, in its handler's transaction).
create schema if not exists lab;

create table lab.runs (
  id             uuid        primary key,
  -- Runs started together (one per pattern, the same customers and the same outage) to be compared side by side.
  batch_id       uuid        not null,
  pattern        text        not null check (pattern in ('background-sync', 'orchestration', 'choreography')),
  customers      integer     not null,
  down_service   text        check (down_service in ('profile', 'support', 'billing')),
  down_after_ms  integer     not null default 0,
  down_for_ms    integer     not null default 0,
  started_at     timestamptz not null,
  converged_at   timestamptz,
  finished_at    timestamptz,
  status         text        not null default 'running' check (status in ('running', 'converged', 'gave-up'))
);
create index runs_recent on lab.runs (started_at desc);
create index runs_by_batch on lab.runs (batch_id);

-- One row a sample (every quarter second of a run): how far each service had come, and how many customers all three agreed on.
create table lab.samples (
  run_id       uuid    not null references lab.runs (id) on delete cascade,
  at_ms        integer not null,
  requested    integer not null,
  unsubscribed integer not null,
  contracts_ended integer not null,
  subscriptions_ended integer not null,
  agreed       integer not null,
  told         integer not null,
  messages     integer not null,
  primary key (run_id, at_ms)
);

create table lab.handled (
  run_id       uuid        not null,
  service      text        not null,
  message_type text        not null,
  handled_at   timestamptz not null
);
create index handled_by_run on lab.handled (run_id);
