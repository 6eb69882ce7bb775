"""Drives aioxmpp's avatar service (Debian's python3-aioxmpp) against Parley's PEP and its XEP-0398
avatar conversion.

Run with /usr/bin/python3:

  aioxmpp_avatar.py run HOST PORT OWNER PASSWORD CONTACT CONTACT_PASSWORD
      The contact subscribes to the owner's presence (RosterClient; the owner approves on
      on_subscribe) and waits for the owner's presence. The owner publishes a PNG avatar with
      AvatarService.publish_avatar_set (XEP-0084 data and metadata, no vCard of its own). The
      contact reads it with AvatarService.get_avatar_metadata and get_image_bytes (PEP), and with
      VCardService.get_vcard (the server's conversion). The owner disables its avatar
      (AvatarService.disable_avatar: empty metadata); the contact's vCard read has no photo any more.

Every step is one JSON object on its own stdout line; the last line is {"result": "ok"} (exit 0)
or {"result": "fail", "reason": ...} (exit 1).
"""

import asyncio
import hashlib

import aioxmpp
import aioxmpp.avatar
import aioxmpp.vcard

import aioxmpp_base
import script_steps
from aioxmpp_base import TIMEOUT
from script_steps import emit


class Account:
    def __init__(self, label, jid, password, host, port):
        self.label = label
        self.jid = aioxmpp.JID.fromstr(jid)
        self.client = aioxmpp_base.client(self.jid, password, host, port)
        self.roster = self.client.summon(aioxmpp.RosterClient)
        self.presence = self.client.summon(aioxmpp.PresenceClient)
        self.avatar = self.client.summon(aioxmpp.avatar.AvatarService)
        self.vcard = self.client.summon(aioxmpp.vcard.VCardService)

    async def online(self):
        await aioxmpp_base.online(self.client, self.label)


async def run(host, port, owner_jid, owner_password, contact_jid, contact_password):
    port = int(port)
    owner = Account("owner", owner_jid + "/desk", owner_password, host, port)
    contact = Account("contact", contact_jid + "/desk", contact_password, host, port)
    await owner.online()
    await contact.online()
    owner_bare = owner.jid.bare()

    owner.roster.on_subscribe.connect(lambda stanza: owner.roster.approve(stanza.from_.bare()))
    available = asyncio.get_event_loop().create_future()
    contact.presence.on_bare_available.connect(
        lambda stanza: available.done() or stanza.from_.bare() != owner_bare or available.set_result(True))
    contact.roster.subscribe(owner_bare)
    await asyncio.wait_for(available, TIMEOUT)
    emit(client="contact", event="subscribed")

    image = b"\x89PNG\r\n\x1a\n" + bytes(range(120, 250))
    avatar_set = aioxmpp.avatar.AvatarSet()
    avatar_set.add_avatar_image("image/png", image_bytes=image)
    await asyncio.wait_for(owner.avatar.publish_avatar_set(avatar_set), TIMEOUT)
    emit(client="owner", event="published", id=avatar_set.png_id, sha1=hashlib.sha1(image).hexdigest())

    descriptors = await asyncio.wait_for(contact.avatar.get_avatar_metadata(owner_bare, require_fresh=True), TIMEOUT)
    via_pep = await asyncio.wait_for(descriptors[0].get_image_bytes(), TIMEOUT)
    emit(client="contact", event="pep", id=descriptors[0].id_, mime=descriptors[0].mime_type, sha1=hashlib.sha1(via_pep).hexdigest())
    card = await asyncio.wait_for(contact.vcard.get_vcard(owner_bare), TIMEOUT)
    photo = card.get_photo_data()
    emit(client="contact", event="vcard", mime=card.get_photo_mime_type(), sha1=None if photo is None else hashlib.sha1(photo).hexdigest())

    await asyncio.wait_for(owner.avatar.disable_avatar(), TIMEOUT)
    card = await asyncio.wait_for(contact.vcard.get_vcard(owner_bare), TIMEOUT)
    emit(client="contact", event="vcard-after-disable", photo=card.get_photo_data() is not None)

    for account in (owner, contact):
        account.client.stop()


if __name__ == "__main__":
    script_steps.main({"run": run})
