-- An instance says when it paused an endpoint (ops' pause fault) and when it consumes again: the console shows it,
-- and whoever paused an endpoint can wait until every instance has.
alter table messaging.instances add column if not exists paused boolean not null default false;
