-- XEP-0045: persistent rooms, one snapshot per room JID (configuration, affiliations, subject) as serialized XML.
CREATE TABLE muc_rooms (
    jid TEXT NOT NULL PRIMARY KEY,
    xml TEXT NOT NULL
);
