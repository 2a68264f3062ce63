-- One decision per live interaction, for chats as for calls: a chat console shows several
-- conversations at once and the CSR switches between them, so a conversation keeps the first
-- decision made for its customer, as a call does (migration 120). The table and its key get a
-- name for both; keys name their kind: `call:<platform>:<call id>`,
-- `chat:<console>:<conversation id>`.
ALTER TABLE call_decisions RENAME TO interaction_decisions;
ALTER TABLE interaction_decisions RENAME COLUMN call_key TO interaction_key;
ALTER INDEX call_decisions_decision RENAME TO interaction_decisions_decision;
ALTER TABLE interaction_decisions RENAME CONSTRAINT call_decisions_pkey TO interaction_decisions_pkey;
UPDATE interaction_decisions SET interaction_key = 'call:' || interaction_key;
ALTER TABLE interaction_decisions
  RENAME CONSTRAINT call_decisions_customer_id_fkey TO interaction_decisions_customer_id_fkey;
ALTER TABLE interaction_decisions
  RENAME CONSTRAINT call_decisions_decision_id_fkey TO interaction_decisions_decision_id_fkey;
