-- Why an order was cancelled: oversold, or past its showing's per-buyer cap (rows from before were all oversold).
alter table ops.compensations add column reason text not null default 'oversold' check (reason in ('oversold', 'buyer-limit'));
