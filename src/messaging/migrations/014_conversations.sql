-- What ops needs to draw a conversation (every message of one correlation id, who sent it to whom, what caused it)
-- from the inbox, which until now knew only ids: the envelope's headers, as the inbox row is written anyway. Nulls for
-- rows written before, and for a saga's headers on any message not addressed to a saga (most): a null costs a bit.
alter table messaging.inbox add column if not exists message_type text;
alter table messaging.inbox add column if not exists correlation_id text;
alter table messaging.inbox add column if not exists causation_id text;
alter table messaging.inbox add column if not exists intent text;
alter table messaging.inbox add column if not exists sent_by text;
alter table messaging.inbox add column if not exists saga_name text;
alter table messaging.inbox add column if not exists saga_id text;
-- A conversation is looked up by its correlation id across a week of inbox (it is pruned after that): without an index
-- a seq scan of millions of rows. A hash index, because only equality is asked and its entries are a 4-byte hash, not
-- the id's text. Measured on the inbox's one insert of a batch of 200 rows (2 shared, noisy cores; PostgreSQL and
-- PGlite alike): the headers' columns +0.4–1 ms (2–5 µs a row), the hash index +0.2–0.5 ms more (1–2.5 µs a row), a
-- b-tree on the text +0.7–3 ms. Against the writer's 0.24–0.35 ms of work per decided order (bench/results/writer.md),
-- about 1–2% for the columns and under 1% for the index.
create index if not exists inbox_by_correlation on messaging.inbox using hash (correlation_id);
