-- XEP-0012 §4: when each account's last resource went offline (Unix seconds, UTC) and the status
-- text of its last unavailable presence ('' when it left without one).
CREATE TABLE last_activity (
    jid TEXT COLLATE "C" NOT NULL PRIMARY KEY REFERENCES accounts (jid) ON DELETE CASCADE,
    logged_out BIGINT NOT NULL,
    status TEXT NOT NULL
);
