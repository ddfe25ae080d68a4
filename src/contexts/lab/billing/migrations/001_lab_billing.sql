-- The lab's billing service: each customer's subscription.
create schema if not exists lab_billing;
create table lab_billing.subscriptions (
  run_id   uuid        not null,
  customer integer     not null,
  active   boolean     not null,
  ended_at timestamptz,
  -- When it last changed (ended, or restored): the lab's convergence time is the last change of all three services.
  changed_at timestamptz,
  primary key (run_id, customer)
);
