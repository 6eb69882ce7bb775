-- XEP-0357: each account's push registrations. node is '' when the client gave none;
-- publish_options is the client's XEP-0004 form as XML (often a secret for that app server only);
-- enabled_at in Unix milliseconds orders them (the oldest is forgotten first).
CREATE TABLE push_registrations (
    jid TEXT NOT NULL REFERENCES accounts (jid) ON DELETE CASCADE,
    app_server TEXT NOT NULL,
    node TEXT NOT NULL,
    publish_options TEXT,
    enabled_at INTEGER NOT NULL,
    PRIMARY KEY (jid, app_server, node)
);
