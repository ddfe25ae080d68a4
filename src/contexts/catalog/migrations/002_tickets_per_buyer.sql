-- How many tickets one buyer may hold for a showing: ordering's writer enforces it (by e-mail address and browser session).
alter table catalog.showtimes add column tickets_per_buyer int not null default 10 check (tickets_per_buyer between 1 and 1000000);
