-- RFC 6121 §2.6: one version per roster, increased by every change of an item.
CREATE TABLE roster_versions (
    jid TEXT COLLATE "C" NOT NULL PRIMARY KEY REFERENCES accounts (jid) ON DELETE CASCADE,
    version BIGINT NOT NULL
);

-- RFC 6121 §2.1.2 items; pending_out is 'ask', approved is §3.4 pre-approval; groups is a JSON array.
CREATE TABLE roster_items (
    jid TEXT COLLATE "C" NOT NULL REFERENCES accounts (jid) ON DELETE CASCADE,
    contact TEXT COLLATE "C" NOT NULL,
    name TEXT,
    subscription TEXT NOT NULL,
    pending_out BOOLEAN NOT NULL,
    approved BOOLEAN NOT NULL,
    groups TEXT NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (jid, contact)
);

-- RFC 6121 §3.1.3: subscription requests awaiting the account's answer, redelivered at each login.
CREATE TABLE roster_pending (
    jid TEXT COLLATE "C" NOT NULL REFERENCES accounts (jid) ON DELETE CASCADE,
    contact TEXT COLLATE "C" NOT NULL,
    status TEXT NOT NULL,
    PRIMARY KEY (jid, contact)
);
