-- The pictures an e-mail's HTML shows by cid: (a ticket's QR code), as what to draw: drawn when the e-mail is shown.
alter table notifications.mailbox add column inline_images jsonb not null default '[]';
