-- The partitions an instance handled batches from lately, with the last batch's time (a partition's queue → when): who
-- holds each partition's single writer, whatever the transport says of its consumers.
alter table messaging.instances add column if not exists writing jsonb not null default '{}';
