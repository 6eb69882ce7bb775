-- XEP-0163: each account's PEP nodes with their XEP-0060 configuration. max_items NULL is "max";
-- send_last is SendLastPublishedItem (0 never, 1 on_sub, 2 on_sub_and_presence); roster_groups one per line.
CREATE TABLE pep_nodes (
    jid TEXT NOT NULL REFERENCES accounts (jid) ON DELETE CASCADE,
    node TEXT NOT NULL,
    access_model TEXT NOT NULL,
    max_items INTEGER,
    persist_items BOOLEAN NOT NULL,
    send_last INTEGER NOT NULL,
    notify_retract BOOLEAN NOT NULL,
    roster_groups TEXT NOT NULL,
    PRIMARY KEY (jid, node)
);

-- The nodes' items, each <item/> as serialized XML; seq orders them by publication (newest highest).
CREATE TABLE pep_items (
    jid TEXT NOT NULL,
    node TEXT NOT NULL,
    item_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    publisher TEXT NOT NULL,
    xml TEXT NOT NULL,
    PRIMARY KEY (jid, node, item_id),
    FOREIGN KEY (jid, node) REFERENCES pep_nodes (jid, node) ON DELETE CASCADE
);

CREATE INDEX pep_items_by_seq ON pep_items (jid, node, seq);
