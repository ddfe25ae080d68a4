-- The lab's profile service: its customers, whether they are subscribed, and what each was told and when.
create schema if not exists lab_profile;
create table lab_profile.customers (
  run_id       uuid        not null,
  customer     integer     not null,
  subscribed   boolean     not null,
  requested_at timestamptz,
  told         text,
  told_at      timestamptz,
  -- When its subscription last changed (unsubscribed, or subscribed again by the saga's compensation).
  changed_at   timestamptz,
  primary key (run_id, customer)
);
