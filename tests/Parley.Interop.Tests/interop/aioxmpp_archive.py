"""Drives aioxmpp (Debian's python3-aioxmpp) against Parley's carbons and archive.

Run with /usr/bin/python3:

  aioxmpp_archive.py catchup HOST PORT JID PASSWORD PEER PEER_PASSWORD N
      Two devices of JID ("laptop", "phone") enable carbons with aioxmpp's CarbonsClient (which
      first checks the server's disco#info for urn:xmpp:carbons:2) and a peer talks to the
      account: the laptop sees the peer's message and the phone's reply as a sent carbon, whose
      forwarded message carries the account's stanza-id (XEP-0359). The laptop goes offline; the
      phone and the peer exchange N messages each; the laptop comes back and pages the archive
      (XEP-0313 with XEP-0059 pages of 3) after the stanza-id of the sent carbon: it must get the
      2*N messages it missed, in order, each once, and the last page must say complete.

aioxmpp ships carbons, forwarding, stanza ids and RSM but no XEP-0313 classes: the few payload
classes below declare its elements with aioxmpp's own XSO machinery, the way an aioxmpp
application adds a protocol; the client library itself is used as it is.

Every step is one JSON object on its own stdout line; the last line is {"result": "ok"} (exit 0)
or {"result": "fail", "reason": ...} (exit 1).
"""

import asyncio
import json
import logging
import sys

import aioxmpp
import aioxmpp.carbons
import aioxmpp.dispatcher
import aioxmpp.forms
import aioxmpp.misc
import aioxmpp.rsm.xso as rsm
import aioxmpp.xso as xso

import aioxmpp_base

TIMEOUT = 90
MAM = "urn:xmpp:mam:2"


def emit(**fields):
    print(json.dumps(fields), flush=True)


class MamResult(xso.XSO):
    TAG = (MAM, "result")
    queryid = xso.Attr("queryid", default=None)
    id_ = xso.Attr("id")
    forwarded = xso.Child([aioxmpp.misc.Forwarded])


aioxmpp.Message.xep0313_result = xso.Child([MamResult])


@aioxmpp.IQ.as_payload_class
class MamQuery(xso.XSO):
    TAG = (MAM, "query")
    queryid = xso.Attr("queryid", default=None)
    form = xso.Child([aioxmpp.forms.Data])
    rsm = xso.Child([rsm.ResultSetMetadata])


@aioxmpp.IQ.as_payload_class
class MamFin(xso.XSO):
    TAG = (MAM, "fin")
    complete = xso.Attr("complete", type_=xso.Bool(), default=False)
    rsm = xso.Child([rsm.ResultSetMetadata])


def stanza_id(message, by):
    for item in message.xep0359_stanza_ids:
        if item.by == by:
            return item.id_
    return None


class Device:
    def __init__(self, label, jid, password, host, port):
        self.label = label
        self.jid = aioxmpp.JID.fromstr(jid)
        self.client = aioxmpp_base.client(self.jid, password, host, port)
        self.messages = asyncio.Queue()
        self.sent_carbons = asyncio.Queue()
        self.archive = asyncio.Queue()
        dispatcher = self.client.summon(aioxmpp.dispatcher.SimpleMessageDispatcher)
        dispatcher.register_callback(None, None, self.on_message)

    def on_message(self, message):
        if message.xep0313_result is not None:
            self.archive.put_nowait(message.xep0313_result)
        elif message.xep0280_sent is not None:
            inner = message.xep0280_sent.stanza
            body = inner.body.any() if inner.body else None
            emit(client=self.label, event="carbon_sent", body=body, stanza_id=stanza_id(inner, self.jid.bare()))
            self.sent_carbons.put_nowait(inner)
        elif message.type_ in (aioxmpp.MessageType.CHAT, aioxmpp.MessageType.NORMAL) and message.body:
            emit(client=self.label, event="message", body=message.body.any(), stanza_id=stanza_id(message, self.jid.bare()))
            self.messages.put_nowait(message)

    async def online(self):
        await aioxmpp_base.online(self.client, self.label)
        await asyncio.wait_for(self.client.summon(aioxmpp.carbons.CarbonsClient).enable(), TIMEOUT)
        emit(client=self.label, event="carbons_enabled", jid=str(self.client.local_jid))

    def send(self, to, body):
        message = aioxmpp.Message(type_=aioxmpp.MessageType.CHAT, to=aioxmpp.JID.fromstr(to))
        message.body[None] = body
        return self.client.enqueue(message)

    async def expect(self, queue, body):
        message = await asyncio.wait_for(queue.get(), TIMEOUT)
        got = message.body.any() if message.body else None
        if got != body:
            raise RuntimeError(f"{self.label}: expected {body!r}, got {got!r}")
        return message

    async def page(self, after, max_):
        """One archive page after an id: its results, then the fin."""
        query = MamQuery()
        query.queryid = f"q{after}"
        query.rsm = rsm.ResultSetMetadata()
        query.rsm.after = rsm.After(after)
        query.rsm.max_ = max_
        fin = await asyncio.wait_for(self.client.send(aioxmpp.IQ(type_=aioxmpp.IQType.SET, payload=query)), TIMEOUT)
        results = []
        while not self.archive.empty():
            result = self.archive.get_nowait()
            if result.queryid != query.queryid:
                raise RuntimeError(f"a result of another query: {result.queryid}")
            results.append(result)
        return results, fin

    async def close(self):
        self.client.presence = aioxmpp.PresenceState(False)
        await asyncio.sleep(0)
        self.client.stop()


async def catchup(host, port, jid, password, peer_jid, peer_password, n):
    n, port = int(n), int(port)
    bare = str(aioxmpp.JID.fromstr(jid).bare())
    laptop = Device("laptop", bare + "/laptop", password, host, port)
    phone = Device("phone", bare + "/phone", password, host, port)
    peer = Device("peer", peer_jid + "/desk", peer_password, host, port)
    for device in (laptop, phone, peer):
        await device.online()

    # Both devices online: the peer writes to the account, the phone answers.
    await peer.send(bare, "before 1")
    await laptop.expect(laptop.messages, "before 1")
    await phone.expect(phone.messages, "before 1")
    await phone.send(peer_jid, "before 2")
    await peer.expect(peer.messages, "before 2")
    carbon = await laptop.expect(laptop.sent_carbons, "before 2")
    last_seen = stanza_id(carbon, aioxmpp.JID.fromstr(bare))
    if last_seen is None:
        raise RuntimeError("the sent carbon carries no stanza-id of the account")
    emit(client="laptop", event="offline", last_seen=last_seen)
    await laptop.close()

    # The laptop is away: the conversation goes on between the phone and the peer.
    expected = []
    for i in range(n):
        body = f"peer {i}"
        await peer.send(bare, body)
        await phone.expect(phone.messages, body)
        expected.append(body)
        body = f"phone {i}"
        await phone.send(peer_jid, body)
        await peer.expect(peer.messages, body)
        expected.append(body)

    laptop = Device("laptop", bare + "/laptop", password, host, port)
    await laptop.online()
    bodies, ids, after, complete = [], [], last_seen, False
    while not complete:
        results, fin = await laptop.page(after, 3)
        for result in results:
            inner = result.forwarded.stanza
            bodies.append(inner.body.any())
            ids.append(result.id_)
        complete = fin.complete
        if not results:
            break
        after = fin.rsm.last.value
    emit(client="laptop", event="caught_up", bodies=bodies, ids=ids, complete=complete)
    if bodies != expected:
        raise RuntimeError(f"caught up {bodies}, expected {expected}")
    if len(set(ids)) != len(ids):
        raise RuntimeError("an archive id came twice")
    if not complete:
        raise RuntimeError("the last page did not say complete")
    for device in (laptop, phone, peer):
        await device.close()


COMMANDS = {"catchup": catchup}


def main():
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    command = sys.argv[1]
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(COMMANDS[command](*sys.argv[2:]))
    except Exception as error:  # noqa: BLE001 - reported as the script's result
        emit(result="fail", reason=f"{type(error).__name__}: {error}")
        sys.exit(1)
    emit(result="ok")


if __name__ == "__main__":
    main()
