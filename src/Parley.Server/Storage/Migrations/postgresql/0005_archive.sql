-- XEP-0313 message archive, one row per archived message per account (a message between two local
-- accounts is in both archives). The id is the XEP-0359 stanza-id the server stamped: it grows with
-- time (Modules/Archive/ArchiveIds), so paging by id is paging by time and start/end become id bounds.
-- Columns match the sqlite folder step for step.
CREATE TABLE archive_messages (
    id BIGINT PRIMARY KEY,
    jid TEXT COLLATE "C" NOT NULL REFERENCES accounts (jid) ON DELETE CASCADE,
    with_bare TEXT COLLATE "C" NOT NULL,
    with_resource TEXT COLLATE "C" NOT NULL,
    received_at TEXT NOT NULL,
    stanza TEXT NOT NULL
);

-- Every query filters by account and pages by id; 'with' queries by the contact's bare JID first.
CREATE INDEX archive_messages_jid ON archive_messages (jid, id);
CREATE INDEX archive_messages_with ON archive_messages (jid, with_bare, id);

-- XEP-0313 §6 preferences; no row means the server's Archive:DefaultPolicy. JID lists are newline-separated.
CREATE TABLE archive_preferences (
    jid TEXT COLLATE "C" NOT NULL PRIMARY KEY REFERENCES accounts (jid) ON DELETE CASCADE,
    default_policy TEXT NOT NULL,
    always_jids TEXT NOT NULL,
    never_jids TEXT NOT NULL
);
