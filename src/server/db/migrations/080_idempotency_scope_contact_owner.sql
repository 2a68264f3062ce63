-- 1. Idempotency keys belong to the caller. A key was unique across all callers, so one CSR's
-- key answered another CSR's request with the first CSR's outcome and dropped the second's.
-- Keys are now unique per agent (the token's agent name, not the token, so a replacement token
-- issued after a revocation still finds what the outbox sent before), and each outcome keeps a
-- SHA-256 of its canonical request body so a reuse of the key with another body is refused.
ALTER TABLE outcomes DROP CONSTRAINT outcomes_idempotency_key_key;
CREATE UNIQUE INDEX outcomes_agent_idempotency_key ON outcomes (agent, idempotency_key);
-- Existing outcomes stay NULL, meaning "body unknown: a replay is accepted as a duplicate", the
-- rule they were stored under. Their bodies cannot be re-derived: occurredAt was stored as a
-- timestamp, not as the text the client sent, so a computed hash could refuse a true replay
-- from an outbox that was still retrying across the upgrade.
ALTER TABLE outcomes ADD COLUMN request_fingerprint text;

-- 2. A contact belongs to whoever wrote it first: the agent (token's agent name) for
-- POST /v1/contacts, NULL for imports and the demo seed. NULL rather than a name such as
-- 'import' because agent names are free text and an agent could be called that. Imports need
-- no change: the column's default marks their rows.
ALTER TABLE contacts ADD COLUMN created_by text;
-- Contacts created through the API before this migration: the audit entry that inserted the
-- row names the agent (one pass over the audit log).
UPDATE contacts k SET created_by = first.actor
FROM (
  SELECT DISTINCT ON (target) target, actor FROM audit_log
  WHERE action = 'contact.create' AND details ->> 'inserted' = '1'
  ORDER BY target, at, id
) first
WHERE k.contact_id = first.target;
