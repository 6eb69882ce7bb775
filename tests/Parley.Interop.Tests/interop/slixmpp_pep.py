"""Drives slixmpp's PEP plugins (Debian's python3-slixmpp 1.8.3: xep_0163, xep_0084, xep_0153, xep_0048,
xep_0223; it ships no xep_0402) against Parley's PEP service and its avatar and bookmark conversions.

Run with /usr/bin/python3:

  slixmpp_pep.py run HOST PORT OWNER PASSWORD CONTACT CONTACT_PASSWORD
      The two accounts subscribe to each other (slixmpp's auto_authorize/auto_subscribe). The contact
      registers its interest in avatars (xep_0084 register_pep, caps +notify through xep_0115).
      Avatar: the owner publishes an image with xep_0084 publish_avatar and publish_avatar_metadata;
      the contact gets the metadata event, reads the owner's vCard (xep_0054) and finds the image in its
      PHOTO, and sees the photo hash in the owner's next presence. Back: another resource of the owner
      sets a new avatar in its vCard with xep_0153 set_avatar; the contact gets the metadata event of the new image and
      retrieves its data (xep_0084 retrieve_avatar).
      Bookmarks: the owner stores a XEP-0048 list in private XML (xep_0048 set_bookmarks, xep_0049) and
      reads the room back as a XEP-0402 item (xep_0060 get_items on urn:xmpp:bookmarks:1); publishes a
      XEP-0402 item (xep_0060 publish with XEP-0402's publish-options) and reads the whole list back
      with xep_0048 through private XML and through PEP (xep_0223); the contact is refused the list.

Every step is one JSON object on its own stdout line; the last line is {"result": "ok"} (exit 0)
or {"result": "fail", "reason": ...} (exit 1).
"""

import asyncio
import hashlib
import xml.etree.ElementTree as ET

from slixmpp.exceptions import IqError

from slixmpp_base import TIMEOUT, emit
import slixmpp_base
import script_steps

NATIVE = "urn:xmpp:bookmarks:1"
UPDATE = "vcard-temp:x:update"


PEP_PLUGINS = ("xep_0030", "xep_0004", "xep_0060", "xep_0115", "xep_0163", "xep_0084", "xep_0054", "xep_0049", "xep_0223", "xep_0048")


class Client(slixmpp_base.Client):
    def __init__(self, label, jid, password, plugins=PEP_PLUGINS):
        super().__init__(label, jid, password, plugins)
        self.metadata = asyncio.Queue()
        self.presences = asyncio.Queue()
        self.roster_both = asyncio.Event()
        self.add_event_handler("avatar_metadata_publish", lambda msg: self.metadata.put_nowait(msg))
        self.add_event_handler("presence_available", lambda pres: self.presences.put_nowait(pres))
        self.add_event_handler("roster_update", self.on_roster)

    def on_roster(self, _):
        if any(self.client_roster[j]["subscription"] == "both" for j in self.client_roster if j != self.boundjid.bare):
            self.roster_both.set()


async def next_metadata(client, owner):
    while True:
        msg = await asyncio.wait_for(client.metadata.get(), TIMEOUT)
        if msg["from"].bare == owner:
            item = msg["pubsub_event"]["items"]["item"]
            infos = item["avatar_metadata"]["items"]
            return item["id"], [(i["id"], i["type"], int(i["bytes"])) for i in infos]


async def next_photo(client, owner, status):
    """The photo hash in the owner's presence with that status (None when the presence carries none)."""
    while True:
        pres = await asyncio.wait_for(client.presences.get(), TIMEOUT)
        if pres["from"].bare == owner and pres["status"] == status:
            photo = pres.xml.find(f"{{{UPDATE}}}x/{{{UPDATE}}}photo")
            return None if photo is None else (photo.text or "")


def native_form(client):
    form = client.plugin["xep_0004"].stanza.Form()
    form["type"] = "submit"
    form.add_field(var="FORM_TYPE", ftype="hidden", value="http://jabber.org/protocol/pubsub#publish-options")
    for var, value in (("pubsub#persist_items", "true"), ("pubsub#max_items", "max"),
                       ("pubsub#send_last_published_item", "never"), ("pubsub#access_model", "whitelist")):
        form.add_field(var=var, value=value)
    return form


async def run(host, port, owner_jid, owner_password, contact_jid, contact_password):
    port = int(port)
    owner = Client("owner", owner_jid + "/desk", owner_password)
    contact = Client("contact", contact_jid + "/desk", contact_password)
    await owner.online(host, port)
    await contact.online(host, port)
    owner_bare = owner.boundjid.bare

    # Roster pushes go to resources that asked for the roster (RFC 6121 §2.1.6).
    await owner.get_roster(timeout=TIMEOUT)
    await contact.get_roster(timeout=TIMEOUT)
    owner.send_presence_subscription(pto=contact.boundjid.bare)
    await asyncio.wait_for(owner.roster_both.wait(), TIMEOUT)
    await asyncio.wait_for(contact.roster_both.wait(), TIMEOUT)
    emit(client="owner", event="subscribed")
    info = await owner.plugin["xep_0030"].get_info(jid=owner_bare, timeout=TIMEOUT)
    emit(client="owner", event="account", features=sorted(info["disco_info"]["features"]))

    # Avatar through PEP, seen through the vCard and in presence.
    first = b"\x89PNG\r\n\x1a\n" + bytes(range(200))
    first_id = hashlib.sha1(first).hexdigest()
    avatar = owner.plugin["xep_0084"]
    await avatar.publish_avatar(first, timeout=TIMEOUT)
    await avatar.publish_avatar_metadata({"id": first_id, "type": "image/png", "bytes": len(first)}, timeout=TIMEOUT)
    item_id, infos = await next_metadata(contact, owner_bare)
    emit(client="contact", event="metadata", id=item_id, infos=infos, expected=first_id)
    vcard = await contact.plugin["xep_0054"].get_vcard(jid=owner_bare, timeout=TIMEOUT)
    photo = vcard["vcard_temp"]["PHOTO"]
    emit(client="contact", event="vcard", type=photo["TYPE"], sha1=hashlib.sha1(photo["BINVAL"]).hexdigest())
    owner.send_presence(pstatus="with avatar")
    emit(client="contact", event="presence", photo=await next_photo(contact, owner_bare, "with avatar"))

    # And back: a vCard avatar set by a XEP-0153 client (another resource: xep_0153 stamps its own
    # hash into presence, which the check above must not see) becomes the PEP avatar.
    phone = Client("phone", owner_jid + "/phone", owner_password, ("xep_0030", "xep_0054", "xep_0153"))
    await phone.online(host, port)
    second = b"\xff\xd8\xff\xe0" + bytes(reversed(range(256)))
    second_id = hashlib.sha1(second).hexdigest()
    await phone.plugin["xep_0153"].set_avatar(avatar=second, mtype="image/jpeg", timeout=TIMEOUT)
    item_id, infos = await next_metadata(contact, owner_bare)
    emit(client="contact", event="metadata-from-vcard", id=item_id, infos=infos, expected=second_id)
    data = await contact.plugin["xep_0084"].retrieve_avatar(owner.boundjid.bare, second_id, timeout=TIMEOUT)
    value = data["pubsub"]["items"]["item"]["avatar_data"]["value"]
    emit(client="contact", event="data", sha1=hashlib.sha1(value).hexdigest())

    # Bookmarks: a XEP-0048 list in private XML becomes XEP-0402 items, and a XEP-0402 item joins both lists.
    bookmarks = owner.plugin["xep_0048"].stanza.Bookmarks()
    bookmarks.add_conference("orchard@conference.localhost", "Romeo", name="Orchard", autojoin=True)
    await owner.plugin["xep_0048"].set_bookmarks(bookmarks, method="xep_0049", timeout=TIMEOUT)
    native = await owner.plugin["xep_0060"].get_items(owner_bare, NATIVE, timeout=TIMEOUT)
    rooms = {}
    for item in native["pubsub"]["items"]["substanzas"]:
        conference = item.xml.find(f"{{{NATIVE}}}conference")
        rooms[item["id"]] = {"name": conference.get("name"), "autojoin": conference.get("autojoin"), "nick": conference.findtext(f"{{{NATIVE}}}nick")}
    emit(client="owner", event="native", rooms=rooms)

    conference = ET.Element(f"{{{NATIVE}}}conference", {"name": "Balcony", "autojoin": "false"})
    ET.SubElement(conference, f"{{{NATIVE}}}nick").text = "Juliet"
    await owner.plugin["xep_0060"].publish(owner_bare, NATIVE, id="balcony@conference.localhost", payload=conference,
                                           options=native_form(owner), timeout=TIMEOUT)
    for method in ("xep_0049", "xep_0223"):
        result = await owner.plugin["xep_0048"].get_bookmarks(method=method, timeout=TIMEOUT)
        storage = result["private"]["bookmarks"] if method == "xep_0049" else result["pubsub"]["items"]["item"]["bookmarks"]
        emit(client="owner", event="legacy", method=method, rooms=sorted(str(c["jid"]) for c in storage["conferences"]))

    try:
        await contact.plugin["xep_0060"].get_items(owner_bare, "storage:bookmarks", timeout=TIMEOUT)
        emit(client="contact", event="private-list", refused=None)
    except IqError as error:
        emit(client="contact", event="private-list", refused=error.condition)

    for client in (owner, phone, contact):
        await client.disconnect(wait=10)


if __name__ == "__main__":
    script_steps.main({"run": run})
