-- The place tokens' key now lives with the site's other keys (public.popcorn_secrets, see the core's 009).
insert into public.popcorn_secrets (name, value) select name, value from waiting_room.secrets on conflict (name) do nothing;
drop table waiting_room.secrets;
