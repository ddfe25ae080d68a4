-- Form tokens (web/csrf.ts) already used: each is good once. Kept for a token's lifetime (a day), then dropped.
create table if not exists messaging.spent_form_tokens (
  token    text        primary key,
  spent_at timestamptz not null
);
create index if not exists spent_form_tokens_by_age on messaging.spent_form_tokens (spent_at);
