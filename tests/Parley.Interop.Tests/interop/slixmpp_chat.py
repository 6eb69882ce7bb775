"""Drives slixmpp (Debian's python3-slixmpp) against a Parley server for Parley.Interop.Tests.

Run with /usr/bin/python3 (the Debian interpreter that can import python3-slixmpp):

  slixmpp_chat.py pair HOST PORT JID1 PASSWORD1 JID2 PASSWORD2 BODY
      two slixmpp clients log in; the first sends BODY to the second's full JID; the second
      must receive it; both close their streams.
  slixmpp_chat.py echo HOST PORT JID PASSWORD PEER BODY
      one client logs in, prints its JID, sends BODY to PEER (a full JID) and waits for one
      chat message back from PEER, then closes its stream.
  slixmpp_chat.py offline HOST PORT JID PASSWORD
      one client logs in, sends initial presence and waits for one message (one stored while
      it was offline, XEP-0160), reporting its XEP-0203 delay; then closes its stream.
  slixmpp_chat.py subscribe HOST PORT JID1 PASSWORD1 JID2 PASSWORD2
      both clients fetch their rosters and send initial presence; the first asks the second for
      a subscription; each approves the other's request by hand (slixmpp's auto-authorize off)
      and asks back; both must end with subscription "both" in their rosters and see each
      other's available presence; then the second goes offline and the first must see it.

  slixmpp_chat.py login HOST PORT JID PASSWORD TIMES
      logs in and out TIMES times in a row, reporting each login's mechanism, the failures
      slixmpp met before it and how long it took.

Every client is slixmpp as it ships (its own mechanism order and channel binding) over
STARTTLS, accepting the server's self-signed certificate. slixmpp 1.8 binds channels only with
tls-unique, which TLS 1.3 does not define, so there it meets refusals before the mechanism that
works (docs/security.md, "Channel binding"). Every step is one JSON object on its own stdout line; the last
line is {"result": "ok"} (exit 0) or {"result": "fail", "reason": ...} (exit 1).
"""

import asyncio
import json
import logging
import os
import ssl
import sys

import slixmpp

TIMEOUT = 90


def emit(**fields):
    print(json.dumps(fields), flush=True)


class Client(slixmpp.ClientXMPP):
    def __init__(self, label, jid, password):
        # slixmpp as it ships: every mechanism it knows, its own channel-binding behaviour.
        super().__init__(jid, password)
        self.label = label
        # The test server's certificate is self-signed for "localhost".
        self.ssl_context.check_hostname = False
        self.ssl_context.verify_mode = ssl.CERT_NONE
        self.started = asyncio.get_event_loop().create_future()
        self.messages = asyncio.Queue()
        self.stream_ended = False
        self.tls = False
        self.refused = 0
        self.add_event_handler("tls_success", self.on_tls)
        self.add_event_handler("auth_success", self.on_auth)
        self.add_event_handler("failed_auth", self.on_failed_auth)
        self.add_event_handler("failed_all_auth", self.on_failed_all_auth)
        self.add_event_handler("session_start", self.on_session_start)
        self.add_event_handler("message", self.on_message)
        self.add_event_handler("disconnected", self.on_disconnected)
        self.add_event_handler("connection_failed", self.on_connection_failed)

    def on_tls(self, _):
        self.tls = True

    def on_auth(self, _):
        mechanism = self["feature_mechanisms"].mech.name
        emit(client=self.label, event="auth", mechanism=mechanism, tls=self.tls, refused=self.refused)

    def on_failed_auth(self, _):
        # slixmpp moves on to its next mechanism after each <failure/>; count them.
        self.refused += 1

    def on_failed_all_auth(self, _):
        if not self.started.done():
            self.started.set_exception(RuntimeError(f"{self.label}: authentication failed"))

    def on_connection_failed(self, error):
        if not self.started.done():
            self.started.set_exception(RuntimeError(f"{self.label}: connection failed: {error}"))

    def on_session_start(self, _):
        emit(client=self.label, event="session_start", jid=self.boundjid.full)
        if not self.started.done():
            self.started.set_result(self.boundjid.full)

    def on_message(self, msg):
        if msg["type"] in ("chat", "normal"):
            delay = msg.xml.find("{urn:xmpp:delay}delay")
            emit(client=self.label, event="message", frm=msg["from"].full, body=msg["body"],
                 delay_from=None if delay is None else delay.get("from"),
                 delay_stamp=None if delay is None else delay.get("stamp"))
            self.messages.put_nowait(msg)

    def on_disconnected(self, reason):
        # slixmpp reports "End of stream" when the server's </stream:stream> arrived; otherwise it
        # aborted the connection after waiting (RFC 6120 §4.4).
        self.stream_ended = reason == "End of stream"

    async def start(self, host, port):
        self.connect((host, port), force_starttls=True)
        return await asyncio.wait_for(self.started, TIMEOUT)

    async def close(self):
        await self.disconnect(wait=10)
        emit(client=self.label, event="closed", clean=self.stream_ended)
        if not self.stream_ended:
            raise RuntimeError(f"{self.label}: the server did not close its stream")


async def pair(host, port, jid1, password1, jid2, password2, body):
    sender = Client("sender", jid1, password1)
    receiver = Client("receiver", jid2, password2)
    await sender.start(host, port)
    receiver_jid = await receiver.start(host, port)
    sender.send_message(mto=receiver_jid, mbody=body, mtype="chat")
    msg = await asyncio.wait_for(receiver.messages.get(), TIMEOUT)
    if msg["body"] != body or msg["from"].bare != slixmpp.JID(jid1).bare:
        raise RuntimeError(f"unexpected message {msg}")
    await sender.close()
    await receiver.close()


async def echo(host, port, jid, password, peer, body):
    client = Client("slixmpp", jid, password)
    await client.start(host, port)
    client.send_message(mto=peer, mbody=body, mtype="chat")
    msg = await asyncio.wait_for(client.messages.get(), TIMEOUT)
    if msg["from"].full != slixmpp.JID(peer).full:
        raise RuntimeError(f"reply came from {msg['from']}, not {peer}")
    await client.close()


async def login(host, port, jid, password, times):
    # One login after another from the same address, each timed from connect to session start.
    for attempt in range(int(times)):
        client = Client(f"login{attempt}", jid, password)
        started = asyncio.get_event_loop().time()
        await client.start(host, port)
        emit(client=client.label, event="session", seconds=asyncio.get_event_loop().time() - started)
        await client.close()


async def offline(host, port, jid, password):
    client = Client("slixmpp", jid, password)
    await client.start(host, port)
    client.send_presence()
    await asyncio.wait_for(client.messages.get(), TIMEOUT)
    await client.close()


class Subscriber(Client):
    """A client that approves requests by hand and records roster and presence changes."""

    def __init__(self, label, jid, password):
        super().__init__(label, jid, password)
        # Approval is the user's decision (RFC 6121 §3.1.4): None makes slixmpp leave requests to
        # this handler (True would approve them itself, False would deny them).
        self.roster.auto_authorize = None
        self.roster.auto_subscribe = False
        self.changed = asyncio.Event()
        self.available = set()
        self.unavailable = set()
        self.add_event_handler("presence_subscribe", self.on_subscribe)
        self.add_event_handler("roster_update", lambda _: self.changed.set())
        self.add_event_handler("presence_available", self.on_available)
        self.add_event_handler("presence_unavailable", self.on_unavailable)

    def on_subscribe(self, presence):
        contact = presence["from"].bare
        emit(client=self.label, event="subscribe", frm=contact)
        self.send_presence(pto=contact, ptype="subscribed")
        if self.client_roster[contact]["subscription"] not in ("to", "both"):
            self.send_presence(pto=contact, ptype="subscribe")

    def on_available(self, presence):
        if presence["from"].bare != self.boundjid.bare:
            emit(client=self.label, event="presence", frm=presence["from"].full)
            self.available.add(presence["from"].full)
            self.changed.set()

    def on_unavailable(self, presence):
        if presence["from"].bare != self.boundjid.bare:
            emit(client=self.label, event="unavailable", frm=presence["from"].full)
            self.unavailable.add(presence["from"].full)
            self.changed.set()

    async def online(self, host, port):
        await self.start(host, port)
        await self.get_roster()
        self.send_presence()

    async def until(self, condition, what):
        async def wait():
            while not condition():
                self.changed.clear()
                await self.changed.wait()

        try:
            await asyncio.wait_for(wait(), TIMEOUT)
        except asyncio.TimeoutError:
            raise RuntimeError(f"{self.label}: timed out waiting for {what}") from None


async def subscribe(host, port, jid1, password1, jid2, password2):
    first = Subscriber("first", jid1, password1)
    second = Subscriber("second", jid2, password2)
    await first.online(host, port)
    await second.online(host, port)
    first.send_presence(pto=slixmpp.JID(jid2).bare, ptype="subscribe")
    for client, peer in ((first, second), (second, first)):
        contact = peer.boundjid.bare
        await client.until(lambda c=client, j=contact: c.client_roster[j]["subscription"] == "both", f"subscription both with {contact}")
        emit(client=client.label, event="subscription", contact=contact, subscription=client.client_roster[contact]["subscription"])
        await client.until(lambda c=client, p=peer: p.boundjid.full in c.available, f"presence of {peer.boundjid.full}")
    gone = second.boundjid.full
    await second.close()
    await first.until(lambda: gone in first.unavailable, f"unavailable from {gone}")
    await first.close()


async def main(argv):
    mode, host, port = argv[1], argv[2], int(argv[3])
    if mode == "pair":
        await pair(host, port, *argv[4:9])
    elif mode == "echo":
        await echo(host, port, *argv[4:8])
    elif mode == "login":
        await login(host, port, *argv[4:7])
    elif mode == "offline":
        await offline(host, port, *argv[4:6])
    elif mode == "subscribe":
        await subscribe(host, port, *argv[4:8])
    else:
        raise RuntimeError(f"unknown mode {mode}")


if __name__ == "__main__":
    # PARLEY_DEBUG=1 logs every stanza slixmpp sends and receives (to stderr).
    logging.basicConfig(level=logging.DEBUG if os.environ.get("PARLEY_DEBUG") else logging.WARNING, stream=sys.stderr)
    try:
        asyncio.get_event_loop().run_until_complete(main(sys.argv))
    except Exception as error:  # noqa: BLE001 - every failure becomes the machine-readable result
        emit(result="fail", reason=f"{type(error).__name__}: {error}")
        sys.exit(1)
    emit(result="ok")
