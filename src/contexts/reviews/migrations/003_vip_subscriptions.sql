-- Who is VIP, now one row per subscription rather than one per person: a person is VIP while one of their
-- subscriptions is not revoked (accounts let a person subscribe again only once the last one was revoked). With one
-- row per person, a revocation that arrived after the person's next subscription would have taken that one's mark.
-- Each subscription's row only ever goes from standing to revoked, so its events may come in any order, and twice.
create table reviews.vip_subscriptions (
  account_id      uuid    not null,
  subscription_id uuid    not null,
  revoked         boolean not null,
  primary key (account_id, subscription_id)
);
insert into reviews.vip_subscriptions (account_id, subscription_id, revoked)
  select account_id, subscription_id, revoked from reviews.vip_members;
drop table reviews.vip_members;
