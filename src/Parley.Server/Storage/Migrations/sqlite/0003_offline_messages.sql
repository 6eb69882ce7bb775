-- XEP-0160 offline messages, in arrival order per account. AUTOINCREMENT never reuses an id, so
-- "delete through the last delivered id" cannot remove a message stored after the read.
CREATE TABLE offline_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    jid TEXT NOT NULL REFERENCES accounts (jid) ON DELETE CASCADE,
    received_at TEXT NOT NULL,
    stanza TEXT NOT NULL
);

CREATE INDEX offline_messages_jid ON offline_messages (jid, id);
