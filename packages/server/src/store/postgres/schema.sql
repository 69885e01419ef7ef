-- The tables of the PostgreSQL store, created idempotently at open (postgres-store.ts), in the
-- store's schema (search_path is set to it). A change that older servers cannot read bumps
-- SCHEMA_VERSION in schema.ts; a new table or index they can ignore does not.
--
--   sessions              session_id PK, version (compare-and-set), the record's other fields
--   outbox_streams        stream PK, last_seq: the per-stream seq allocator, and the row lock that
--                         serializes the writes that move a stream's head (enqueue, finish, retarget)
--   outbox                id PK, (stream, seq) UNIQUE, is_head: true on exactly the lowest pending
--                         entry of each stream, kept so by enqueue and finish under the stream lock
--   notification_targets  name PK: where notifications meant for a configured URI go since a 308
--   rate_limits           key PK (an AF), window_start (epoch ms, PostgreSQL's clock), hits: the
--                         per-AF rate limit's fixed window, shared by the instances
--   store_meta            key PK, value: the schema version and the ping row

CREATE TABLE IF NOT EXISTS sessions (
  session_id text PRIMARY KEY,
  owner text NOT NULL,
  version integer NOT NULL,
  features text NOT NULL,
  session json NOT NULL,
  created_at text NOT NULL,
  updated_at text NOT NULL
);

CREATE TABLE IF NOT EXISTS outbox_streams (
  stream text PRIMARY KEY,
  last_seq bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS outbox (
  id text PRIMARY KEY,
  stream text NOT NULL,
  seq bigint NOT NULL,
  callback text NOT NULL,
  target text NOT NULL,
  body json,
  session_id text,
  state text NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
  is_head boolean NOT NULL DEFAULT false,
  attempts integer NOT NULL,
  next_attempt_at bigint NOT NULL,
  created_at bigint NOT NULL,
  lease_owner text,
  lease_until bigint,
  last_status integer,
  last_error text,
  finished_at bigint,
  UNIQUE (stream, seq)
);
-- Claim: the due heads. List and the head search: a stream's pending entries. Prune: finished ones.
CREATE INDEX IF NOT EXISTS outbox_heads ON outbox (next_attempt_at) WHERE is_head;
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (stream, seq) WHERE state = 'pending';
CREATE INDEX IF NOT EXISTS outbox_finished ON outbox (finished_at) WHERE state <> 'pending';

CREATE TABLE IF NOT EXISTS notification_targets (
  name text PRIMARY KEY,
  configured text NOT NULL,
  target text NOT NULL
);

CREATE TABLE IF NOT EXISTS rate_limits (
  key text PRIMARY KEY,
  window_start bigint NOT NULL,
  hits integer NOT NULL
);

CREATE TABLE IF NOT EXISTS store_meta (
  key text PRIMARY KEY,
  value text NOT NULL
);
