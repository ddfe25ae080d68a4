-- Ops' alerts, e-mailed to whoever runs Popcorn. The check lists every kind of messages.ts `emailKinds`.
alter table notifications.mailbox drop constraint mailbox_kind_check;
alter table notifications.mailbox add constraint mailbox_kind_check
  check (kind in ('tickets', 'drawing-entry', 'not-drawn', 'apology', 'verification', 'password-reset', 'vip-confirmed', 'vip-revoked', 'ops-alert'));
