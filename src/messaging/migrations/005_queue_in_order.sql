-- A consumer claims its queue's oldest messages by id. With (queue, visible_at, id) the planner, misjudging a queue
-- that filled up in seconds, sorted every ready row for each claim: under a backlog of thousands a claim cost more than
-- the batch it claimed. Walking (queue, id) finds the oldest at once; visible_at and leases are filtered on the way.
drop index if exists messaging.queue_ready;
create index if not exists queue_in_order on messaging.queue (queue, id);
