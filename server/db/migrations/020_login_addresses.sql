-- Addresses a member has signed in from successfully (as a hash: no
-- addresses are stored). A login from one of them is exempt from the
-- account-wide limit on failed logins, so wrong passwords sent from
-- elsewhere never lock the member's own devices out.
CREATE TABLE login_addresses (
  member_id uuid NOT NULL REFERENCES members (id),
  address_hash text NOT NULL,
  last_at timestamptz NOT NULL,
  PRIMARY KEY (member_id, address_hash)
);
