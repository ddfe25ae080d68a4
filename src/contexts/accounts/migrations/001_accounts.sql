-- The accounts context's tables. The same SQL runs on PGlite and PostgreSQL.
create schema if not exists accounts;

-- Each account is a stream of events (account.decider.ts); its state is rebuilt from them for every command.
create table accounts.events (
  account_id uuid        not null,
  version    integer     not null,
  type       text        not null,
  data       jsonb       not null,
  at         timestamptz not null,
  primary key (account_id, version)
);

-- One account per e-mail address, compared without case: claimed in the transaction that registers it.
create table accounts.emails (
  email_key  text primary key,
  account_id uuid not null unique
);

-- Which account a link's token belongs to, by the token's hash (the token itself is only in the e-mail).
create table accounts.links (
  token_hash text primary key,
  account_id uuid not null
);

-- Logins: the id is in a signed, http-only cookie; a revoked or expired login is no login.
create table accounts.logins (
  id              uuid        primary key,
  account_id      uuid        not null,
  browser_session text        not null,
  created_at      timestamptz not null,
  expires_at      timestamptz not null,
  revoked_at      timestamptz
);
create index logins_of_account on accounts.logins (account_id) where revoked_at is null;

-- Failed logins, per account ("account:<e-mail>") and per client address ("address:<ip>"), for throttling.
create table accounts.login_failures (
  key text        not null,
  at  timestamptz not null
);
create index login_failures_by_key on accounts.login_failures (key, at);
