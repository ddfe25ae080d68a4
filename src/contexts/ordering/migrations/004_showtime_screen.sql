-- The screen (hall) of a showing, on the web's view of it: the order page says where to go.
alter table ordering.showtimes add column if not exists screen text;
