"""Drives slixmpp's XEP-0045 plugin (Debian's python3-slixmpp) against Parley's MUC service.

Run with /usr/bin/python3:

  slixmpp_muc.py room HOST PORT OWNER PASSWORD PEER PEER_PASSWORD ROOM
      The owner creates ROOM by joining it (xep_0045 join_muc_wait), fetches the configuration form
      (get_room_config) and submits it back (set_room_config), which unlocks the room. The peer joins;
      the owner's groupchat message reaches it; the owner kicks it (set_role none) and the peer sees
      its own unavailable presence with status 307. Before the kick, the peer reads the room's archive
      (xep_0313 iterate on the room JID, pages of 2): the three groupchat messages, their archive ids
      equal to the stanza-ids by the room it saw live (xep_0359).

Every step is one JSON object on its own stdout line; the last line is {"result": "ok"} (exit 0)
or {"result": "fail", "reason": ...} (exit 1).
"""

import asyncio
import logging
import sys

import slixmpp

from slixmpp_base import TIMEOUT, emit
import slixmpp_base


class Client(slixmpp_base.Client):
    def __init__(self, label, jid, password):
        super().__init__(label, jid, password, ("xep_0030", "xep_0004", "xep_0045", "xep_0059", "xep_0313", "xep_0359"))
        self.groupchat = asyncio.Queue()
        self.presences = asyncio.Queue()
        self.add_event_handler("groupchat_message", lambda msg: self.groupchat.put_nowait(msg))
        self.add_event_handler("groupchat_presence", lambda pres: self.presences.put_nowait(pres))


async def room(host, port, owner_jid, owner_password, peer_jid, peer_password, room_jid):
    port = int(port)
    room_jid = slixmpp.JID(room_jid)
    owner = Client("owner", owner_jid + "/desk", owner_password)
    peer = Client("peer", peer_jid + "/desk", peer_password)
    await owner.online(host, port)
    await peer.online(host, port)
    muc = owner.plugin["xep_0045"]

    self_presence, _, _, _ = await muc.join_muc_wait(room_jid, "Owner", timeout=TIMEOUT, maxchars=0)
    codes = sorted(int(s) for s in self_presence["muc"]["status_codes"])
    emit(client="owner", event="joined", codes=codes, affiliation=self_presence["muc"]["affiliation"])
    form = await muc.get_room_config(room_jid, timeout=TIMEOUT)
    await muc.set_room_config(room_jid, form, timeout=TIMEOUT)
    emit(client="owner", event="configured")

    _, _, occupants, _ = await peer.plugin["xep_0045"].join_muc_wait(room_jid, "Peer", timeout=TIMEOUT, maxchars=0)
    emit(client="peer", event="joined", occupants=sorted(p["from"].resource for p in occupants))

    live_ids = []
    for body in ("welcome", "second", "third"):
        owner.send_message(mto=room_jid, mbody=body, mtype="groupchat")
        while True:
            msg = await asyncio.wait_for(peer.groupchat.get(), TIMEOUT)
            if msg["body"] == body:
                if body == "welcome":
                    emit(client="peer", event="groupchat", body=msg["body"], nick=msg["mucnick"])
                if msg["stanza_id"]["by"] != room_jid:
                    raise RuntimeError(f"stanza-id by {msg['stanza_id']['by']}, expected the room")
                live_ids.append(msg["stanza_id"]["id"])
                break

    bodies, ids = [], []
    async for result in peer.plugin["xep_0313"].iterate(jid=room_jid, rsm={"max": 2}):
        bodies.append(result["mam_result"]["forwarded"]["stanza"]["body"])
        ids.append(result["mam_result"]["id"])
    emit(client="peer", event="archive", bodies=bodies, ids_match=ids == live_ids)

    await muc.set_role(room_jid, "Peer", "none", reason="Enough", timeout=TIMEOUT)
    while True:
        pres = await asyncio.wait_for(peer.presences.get(), TIMEOUT)
        if pres["type"] == "unavailable" and pres["from"].resource == "Peer":
            emit(client="peer", event="kicked", codes=sorted(int(s) for s in pres["muc"]["status_codes"]))
            break

    for client in (owner, peer):
        await client.disconnect(wait=10)


COMMANDS = {"room": room}


def main():
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    command = sys.argv[1]
    loop = asyncio.get_event_loop()
    try:
        loop.run_until_complete(COMMANDS[command](*sys.argv[2:]))
    except Exception as error:  # noqa: BLE001 - reported as the script's result
        emit(result="fail", reason=f"{type(error).__name__}: {error}")
        sys.exit(1)
    emit(result="ok")


if __name__ == "__main__":
    main()
