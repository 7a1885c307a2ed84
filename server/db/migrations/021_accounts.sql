-- Accounts a real programme ships: verified emails, codes sent by mail,
-- tokens that expire, and debts that outlive an erasure.

-- Set when the member typed the code mailed to the address; points are
-- spendable only after that.
ALTER TABLE members ADD COLUMN email_verified_at timestamptz;

-- A registration for an email that already has an account gets an account of
-- its own that holds no email (so the answer reveals nothing); the email it
-- was given is kept here only to show it back to that device.
ALTER TABLE members ADD COLUMN unclaimed_email text;

-- Tokens end after a time unused and after a time in all.
ALTER TABLE tokens ADD COLUMN last_used_at timestamptz NOT NULL DEFAULT now();

-- One-time codes sent by mail: email verification and password reset.
-- Stored as a hash; a few wrong tries use a code up.
CREATE TABLE email_codes (
  id uuid PRIMARY KEY,
  member_id uuid NOT NULL REFERENCES members (id),
  purpose text NOT NULL CHECK (purpose IN ('verify', 'reset')),
  code_hash text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  used_at timestamptz
);
CREATE INDEX email_codes_member ON email_codes (member_id, purpose, created_at DESC);

-- The mails the server would have sent, while no mail transport is
-- configured (development, tests): the operator reads them with
-- `GET /v1/admin/outbox`.
CREATE TABLE mail_outbox (
  id bigserial PRIMARY KEY,
  to_email text NOT NULL,
  subject text NOT NULL,
  body text NOT NULL,
  code text,
  sent_at timestamptz NOT NULL
);
CREATE INDEX mail_outbox_to ON mail_outbox (lower(to_email), id DESC);

-- An erased member's unpaid debt (available points below zero), kept under
-- the SHA-256 of the email alone: a new account with that email inherits it.
CREATE TABLE erased_debts (
  id uuid PRIMARY KEY,
  email_sha256 text NOT NULL,
  member_id uuid NOT NULL REFERENCES members (id),
  points bigint NOT NULL CHECK (points > 0),
  created_at timestamptz NOT NULL,
  inherited_by uuid REFERENCES members (id),
  inherited_at timestamptz
);
CREATE INDEX erased_debts_open ON erased_debts (email_sha256) WHERE inherited_by IS NULL;
