-- Keys the web nodes sign with (browser sessions, waiting-room place tokens) when POPCORN_SECRET is not set: each
-- made once, at random, by whichever process first needs it, and then shared by every process on the database.
create table if not exists public.popcorn_secrets (
  name  text primary key,
  value text not null
);
