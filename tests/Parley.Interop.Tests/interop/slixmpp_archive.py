"""Drives slixmpp's XEP-0280 and XEP-0313 plugins (Debian's python3-slixmpp) against Parley.

Run with /usr/bin/python3:

  slixmpp_archive.py catchup HOST PORT JID PASSWORD PEER PEER_PASSWORD N
      Two devices of JID ("laptop", "phone") enable carbons (xep_0280) and a peer talks to the
      account: the laptop sees the peer's message and the phone's reply (as a sent carbon), asks
      the archive metadata (xep_0313) for the newest id, and goes offline. Then the phone and the
      peer exchange N messages each. The laptop comes back and catches up through the archive
      (xep_0313 iterate, XEP-0059 pages of 3 after the id it knew): it must get the 2*N messages
      of the conversation it missed, in order, each once.

Every step is one JSON object on its own stdout line; the last line is {"result": "ok"} (exit 0)
or {"result": "fail", "reason": ...} (exit 1).
"""

import asyncio
import logging
import sys

import slixmpp

from slixmpp_base import TIMEOUT, emit
import slixmpp_base


class Device(slixmpp_base.Client):
    def __init__(self, label, jid, password):
        super().__init__(label, jid, password, ("xep_0030", "xep_0059", "xep_0280", "xep_0297", "xep_0313", "xep_0359"))
        self.messages = asyncio.Queue()
        self.sent_carbons = asyncio.Queue()
        self.add_event_handler("message", self.on_message)
        self.add_event_handler("carbon_sent", self.on_carbon_sent)

    def on_message(self, msg):
        if msg["type"] in ("chat", "normal") and msg["body"]:
            emit(client=self.label, event="message", body=msg["body"], stanza_id=msg["stanza_id"]["id"])
            self.messages.put_nowait(msg)

    def on_carbon_sent(self, msg):
        inner = msg["carbon_sent"]
        emit(client=self.label, event="carbon_sent", body=inner["body"], to=inner["to"].full, stanza_id=inner["stanza_id"]["id"])
        self.sent_carbons.put_nowait(inner)

    async def online(self, host, port):
        await super().online(host, port)
        await self.plugin["xep_0280"].enable(timeout=TIMEOUT)
        emit(client=self.label, event="carbons_enabled", jid=self.boundjid.full)

    async def expect(self, queue, body):
        msg = await asyncio.wait_for(queue.get(), TIMEOUT)
        if msg["body"] != body:
            raise RuntimeError(f"{self.label}: expected {body!r}, got {msg['body']!r}")
        return msg

    async def close(self):
        await self.disconnect(wait=10)


async def catchup(host, port, jid, password, peer_jid, peer_password, n):
    n, port = int(n), int(port)
    bare = slixmpp.JID(jid).bare
    laptop = Device("laptop", bare + "/laptop", password)
    phone = Device("phone", bare + "/phone", password)
    peer = Device("peer", peer_jid + "/desk", peer_password)
    await laptop.online(host, port)
    await phone.online(host, port)
    await peer.online(host, port)

    # Both devices online: the peer writes to the account, the phone answers.
    peer.send_message(mto=bare, mbody="before 1", mtype="chat")
    await laptop.expect(laptop.messages, "before 1")
    await phone.expect(phone.messages, "before 1")
    phone.send_message(mto=peer_jid, mbody="before 2", mtype="chat")
    await peer.expect(peer.messages, "before 2")
    await laptop.expect(laptop.sent_carbons, "before 2")

    metadata = await laptop.plugin["xep_0313"].get_archive_metadata(timeout=TIMEOUT)
    last_seen = metadata["mam_metadata"]["end"]["id"]
    emit(client="laptop", event="offline", last_seen=last_seen)
    await laptop.close()

    # The laptop is away: the conversation goes on between the phone and the peer.
    expected = []
    for i in range(n):
        body = f"peer {i}"
        peer.send_message(mto=bare, mbody=body, mtype="chat")
        await phone.expect(phone.messages, body)
        expected.append(body)
        body = f"phone {i}"
        phone.send_message(mto=peer_jid, mbody=body, mtype="chat")
        await peer.expect(peer.messages, body)
        expected.append(body)

    laptop = Device("laptop", bare + "/laptop", password)
    await laptop.online(host, port)
    caught_up = []
    ids = []
    async for result in laptop.plugin["xep_0313"].iterate(rsm={"max": 3, "after": last_seen}):
        forwarded = result["mam_result"]["forwarded"]["stanza"]
        caught_up.append(forwarded["body"])
        ids.append(result["mam_result"]["id"])
    emit(client="laptop", event="caught_up", bodies=caught_up, ids=ids)
    if caught_up != expected:
        raise RuntimeError(f"caught up {caught_up}, expected {expected}")
    if len(set(ids)) != len(ids):
        raise RuntimeError("an archive id came twice")
    for device in (laptop, phone, peer):
        await device.close()


COMMANDS = {"catchup": catchup}


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
