-- outbox_enqueue and outbox_finish are PL/pgSQL so that each is one round trip while its
-- statements still run one after the other, each with a snapshot taken after the stream locks.
-- SET search_path FROM CURRENT binds the table names to the store's schema (set while this file
-- runs), whatever the search_path of the connection that calls them.

CREATE OR REPLACE FUNCTION outbox_enqueue(
  p_ids text[], p_streams text[], p_callbacks text[], p_targets text[], p_bodies text[],
  p_session_ids text[], p_now bigint
) RETURNS TABLE (r_stream text, r_last_seq bigint) LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
DECLARE
  v_streams text[];
  v_last bigint[];
BEGIN
  -- Allocate seqs, locking the stream rows in one global order so that calls cannot deadlock.
  WITH alloc AS (
    INSERT INTO outbox_streams AS s (stream, last_seq)
    SELECT u.stream, count(*) FROM unnest(p_streams) AS u(stream)
    GROUP BY u.stream ORDER BY u.stream COLLATE "C"
    ON CONFLICT (stream) DO UPDATE SET last_seq = s.last_seq + EXCLUDED.last_seq
    RETURNING s.stream, s.last_seq
  )
  SELECT array_agg(alloc.stream), array_agg(alloc.last_seq) INTO v_streams, v_last FROM alloc;
  -- A new statement, hence a new snapshot: it sees every entry committed before the locks were
  -- granted, so the first new entry of a stream is its head iff nothing else is pending.
  INSERT INTO outbox
    (id, stream, seq, callback, target, body, session_id, state, is_head, attempts, next_attempt_at, created_at)
  SELECT e.id, e.stream, a.last_seq - c.n + e.k, e.callback, e.target, e.body::json, e.session_id, 'pending',
         e.k = 1 AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.stream = e.stream AND p.state = 'pending'),
         0, p_now, p_now
  FROM (SELECT u.*, row_number() OVER (PARTITION BY u.stream ORDER BY u.ord) AS k
        FROM unnest(p_ids, p_streams, p_callbacks, p_targets, p_bodies, p_session_ids) WITH ORDINALITY
          AS u(id, stream, callback, target, body, session_id, ord)) e
  JOIN unnest(v_streams, v_last) AS a(stream, last_seq) ON a.stream = e.stream
  JOIN (SELECT u.stream, count(*) AS n FROM unnest(p_streams) AS u(stream) GROUP BY u.stream) c
    ON c.stream = e.stream;
  RETURN QUERY SELECT * FROM unnest(v_streams, v_last);
END
$fn$;

CREATE OR REPLACE FUNCTION outbox_finish(
  p_ids text[], p_states text[], p_attempts integer[], p_targets text[], p_ats bigint[],
  p_statuses integer[], p_errors text[]
) RETURNS void LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
DECLARE
  v_streams text[];
BEGIN
  -- Lock the streams concerned in the same global order as enqueue.
  SELECT array_agg(l.stream) INTO v_streams FROM (
    SELECT s.stream FROM outbox_streams s
    WHERE s.stream IN (SELECT o.stream FROM outbox o WHERE o.id = ANY (p_ids) AND o.state = 'pending')
    ORDER BY s.stream COLLATE "C"
    FOR UPDATE
  ) l;
  IF v_streams IS NULL THEN RETURN; END IF;
  UPDATE outbox o
  SET state = u.state, attempts = u.attempts, target = u.target, finished_at = u.at,
      last_status = u.status, last_error = u.error, lease_owner = NULL, lease_until = NULL, is_head = false
  FROM unnest(p_ids, p_states, p_attempts, p_targets, p_ats, p_statuses, p_errors)
    AS u(id, state, attempts, target, at, status, error)
  WHERE o.id = u.id AND o.state = 'pending';
  -- A new snapshot again: each stream's lowest pending entry becomes (or stays) its head.
  UPDATE outbox o SET is_head = true
  FROM unnest(v_streams) AS s(stream)
  CROSS JOIN LATERAL (SELECT p.id FROM outbox p WHERE p.stream = s.stream AND p.state = 'pending'
                      ORDER BY p.seq LIMIT 1) h
  WHERE o.id = h.id AND NOT o.is_head;
END
$fn$;
