-- The lab's support service: each customer's support contract.
create schema if not exists lab_support;
create table lab_support.contracts (
  run_id   uuid        not null,
  customer integer     not null,
  active   boolean     not null,
  ended_at timestamptz,
  -- When it last changed (ended, or reopened): the lab's convergence time is the last change of all three services.
  changed_at timestamptz,
  primary key (run_id, customer)
);
