-- Accounts keyed by the prepared bare JID (RFC 7622), so equivalent spellings meet one row.
CREATE TABLE accounts (
    jid TEXT NOT NULL PRIMARY KEY,
    domain TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE INDEX accounts_domain ON accounts (domain, jid);

-- What SCRAM needs per hash (RFC 5802 §3); never the password.
CREATE TABLE account_credentials (
    jid TEXT NOT NULL REFERENCES accounts (jid) ON DELETE CASCADE,
    hash TEXT NOT NULL,
    salt BLOB NOT NULL,
    iterations INTEGER NOT NULL,
    stored_key BLOB NOT NULL,
    server_key BLOB NOT NULL,
    PRIMARY KEY (jid, hash)
);
