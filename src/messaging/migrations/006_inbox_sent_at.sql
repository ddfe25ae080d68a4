-- When each handled message was sent: handled_at − sent_at is how long it waited for its handler, which the waiting
-- room reads as the writers' congestion signal. Null for rows written before this column.
alter table messaging.inbox add column if not exists sent_at timestamptz;
