-- XEP-0191: the JIDs an account blocks, each held prepared (RFC 7622) so one spelling meets one row.
CREATE TABLE blocklist_items (
    jid TEXT COLLATE "C" NOT NULL REFERENCES accounts (jid) ON DELETE CASCADE,
    item TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (jid, item)
);

-- XEP-0054: one vCard per account, as serialized XML; size is its UTF-8 length, checked against Limits:MaxVCardBytes.
CREATE TABLE vcards (
    jid TEXT COLLATE "C" NOT NULL PRIMARY KEY REFERENCES accounts (jid) ON DELETE CASCADE,
    xml TEXT NOT NULL
);

-- XEP-0049: one element per account and qualified name, as serialized XML; size (UTF-8 bytes) sums to the account's quota.
CREATE TABLE private_xml (
    jid TEXT COLLATE "C" NOT NULL REFERENCES accounts (jid) ON DELETE CASCADE,
    name TEXT COLLATE "C" NOT NULL,
    namespace TEXT COLLATE "C" NOT NULL,
    xml TEXT NOT NULL,
    size INTEGER NOT NULL,
    PRIMARY KEY (jid, namespace, name)
);
