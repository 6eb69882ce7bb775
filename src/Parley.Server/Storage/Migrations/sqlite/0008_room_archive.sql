-- XEP-0313 archives of MUC rooms (XEP-0045), one row per archived groupchat message. Rooms are not
-- accounts (archive_messages references accounts and goes with them), so a room's archive has its
-- own table: the same columns, jid being the room's bare JID, with_bare/with_resource the occupant
-- JID (room@service/nick). Ids come from the same sequence as the accounts' archives.
CREATE TABLE room_archive_messages (
    id INTEGER PRIMARY KEY,
    jid TEXT NOT NULL,
    with_bare TEXT NOT NULL,
    with_resource TEXT NOT NULL,
    received_at TEXT NOT NULL,
    stanza TEXT NOT NULL
);

-- Every query filters by room and pages by id; 'with' names an occupant (its nick is the resource).
CREATE INDEX room_archive_messages_jid ON room_archive_messages (jid, id);
CREATE INDEX room_archive_messages_with ON room_archive_messages (jid, with_resource, id);
