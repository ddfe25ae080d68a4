-- The notifications context's tables. The same SQL runs on PGlite and PostgreSQL.
create schema if not exists notifications;

-- The dev mailbox: every e-mail "sent", standing in for the SMTP server. message_id is the message that caused
-- the e-mail: unique, so a redelivery stores nothing twice even if the inbox had forgotten it.
create table notifications.mailbox (
  id          uuid        primary key,
  message_id  uuid        not null unique,
  kind        text        not null check (kind in ('tickets', 'drawing-entry', 'apology', 'verification')),
  to_address  text        not null,
  subject     text        not null,
  text_body   text        not null,
  html_body   text        not null,
  order_id    uuid,
  sent_at     timestamptz not null
);
create index mailbox_newest on notifications.mailbox (sent_at desc, id desc);
create index mailbox_to on notifications.mailbox (lower(to_address), sent_at desc);
