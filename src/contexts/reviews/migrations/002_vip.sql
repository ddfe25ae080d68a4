-- Who is VIP now, as reviews hear it from accounts (VipGranted, VipConfirmed, VipRevoked): a VIP member's reviews
-- carry a mark, read when they are shown, so that a membership revoked takes the mark off every review at once while
-- the reviews stay. One row per person: their latest subscription and whether it stands.
create table reviews.vip_members (
  account_id      uuid        primary key,
  subscription_id uuid        not null,
  vip             boolean     not null,
  -- A revoked subscription stays revoked, whatever of its events comes late.
  revoked         boolean     not null default false
);
