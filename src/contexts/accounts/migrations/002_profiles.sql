-- The shared read model of accounts: what everyone but the person sees (staff's list, a review's author), fed from
-- the accounts' streams by the ProjectAccount handler, possibly late (ops' projection delay). `version` is the last
-- event of the account's stream it has taken in; the person's own pages add the events after it (profile.ts).
create table accounts.profiles (
  account_id   uuid        primary key,
  email        text        not null,
  display_name text        not null,
  verified     boolean     not null,
  member_since timestamptz not null,
  version      integer     not null,
  projected_at timestamptz not null
);
create index profiles_newest on accounts.profiles (member_since desc);
