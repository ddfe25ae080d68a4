-- The error queue grouped: failures of one cause share a fingerprint (the exception's type and the first frame of
-- Popcorn's own code it was thrown from), so that a person can look at, retry or discard them together.
alter table messaging.failed_messages add column if not exists exception_type text not null default '';
alter table messaging.failed_messages add column if not exists first_frame text not null default '';
alter table messaging.failed_messages add column if not exists fingerprint text not null default '';
update messaging.failed_messages set exception_type = code, fingerprint = md5(code) where fingerprint = '';
create index if not exists failed_messages_by_fingerprint on messaging.failed_messages (status, fingerprint);
create index if not exists failed_messages_by_correlation on messaging.failed_messages ((headers->>'correlationId'));
