-- Accounts keyed by the prepared bare JID (RFC 7622), so equivalent spellings meet one row.
-- Columns and versions match the sqlite folder step for step, which `parley storage copy` relies on.
-- Keys use the "C" collation: byte order, as SQLite sorts, whatever the database's locale.
CREATE TABLE accounts (
    jid TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    domain TEXT COLLATE "C" NOT NULL,
    created_at TEXT NOT NULL
);

CREATE INDEX accounts_domain ON accounts (domain, jid);

-- What SCRAM needs per hash (RFC 5802 §3); never the password.
CREATE TABLE account_credentials (
    jid TEXT COLLATE "C" NOT NULL REFERENCES accounts (jid) ON DELETE CASCADE,
    hash TEXT NOT NULL,
    salt BYTEA NOT NULL,
    iterations INTEGER NOT NULL,
    stored_key BYTEA NOT NULL,
    server_key BYTEA NOT NULL,
    PRIMARY KEY (jid, hash)
);
