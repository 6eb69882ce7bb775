-- RFC 6121 §2.6: one version per roster, increased by every change of an item.
CREATE TABLE roster_versions (
    jid TEXT NOT NULL PRIMARY KEY REFERENCES accounts (jid) ON DELETE CASCADE,
    version INTEGER NOT NULL
);

-- RFC 6121 §2.1.2 items; pending_out is 'ask', approved is §3.4 pre-approval; groups is a JSON array.
CREATE TABLE roster_items (
    jid TEXT NOT NULL REFERENCES accounts (jid) ON DELETE CASCADE,
    contact TEXT NOT NULL,
    name TEXT,
    subscription TEXT NOT NULL,
    pending_out INTEGER NOT NULL,
    approved INTEGER NOT NULL,
    groups TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (jid, contact)
);

-- RFC 6121 §3.1.3: subscription requests awaiting the account's answer, redelivered at each login.
CREATE TABLE roster_pending (
    jid TEXT NOT NULL REFERENCES accounts (jid) ON DELETE CASCADE,
    contact TEXT NOT NULL,
    status TEXT NOT NULL,
    PRIMARY KEY (jid, contact)
);
