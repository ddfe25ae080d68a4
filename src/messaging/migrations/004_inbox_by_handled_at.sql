-- Throughput is read from the inbox by time (messages handled per second), and pruning deletes by time too.
create index if not exists inbox_by_handled_at on messaging.inbox (handled_at);
