-- What the contract suite's handlers do: one row per effect, so a double effect shows as a second row.
create schema if not exists test;
create table test.effects (
  id      bigserial primary key,
  kind    text  not null,
  key     text  not null,
  detail  jsonb
);
