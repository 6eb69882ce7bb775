"""Drives slixmpp's XEP-0198 and XEP-0352 plugins (Debian's python3-slixmpp) against Parley.

Run with /usr/bin/python3:

  slixmpp_sm.py resume HOST PORT JID PASSWORD PEER PEER_PASSWORD N
      A "mobile" client of JID enables stream management with resumption (xep_0198) and client
      state indication (xep_0352). The peer sends N messages; the mobile goes inactive after the
      first half and active again, then its TCP connection is aborted (no </stream:stream>) while
      the peer sends N more. The mobile connects again and resumes (slixmpp sends <resume/> with
      its own count): it must get all 2*N messages, in order, each once.

Every step is one JSON object on its own stdout line; the last line is {"result": "ok"} (exit 0)
or {"result": "fail", "reason": ...} (exit 1).
"""

import asyncio
import logging
import sys

import slixmpp

from slixmpp_base import emit
import slixmpp_base

TIMEOUT = 60


class Client(slixmpp_base.Client):
    def __init__(self, label, jid, password):
        super().__init__(label, jid, password, ("xep_0030", "xep_0198", "xep_0199", "xep_0352"))
        loop = asyncio.get_event_loop()
        self.enabled = loop.create_future()
        self.resumed = loop.create_future()
        self.messages = asyncio.Queue()
        self.add_event_handler("sm_enabled", lambda s: self.enabled.done() or self.enabled.set_result(s["id"]))
        self.add_event_handler("session_resumed", lambda s: self.resumed.done() or self.resumed.set_result(True))
        self.add_event_handler("message", self.on_message)

    def on_message(self, msg):
        if msg["type"] in ("chat", "normal") and msg["body"]:
            self.messages.put_nowait(msg["body"])


async def receive(client, count):
    return [await asyncio.wait_for(client.messages.get(), TIMEOUT) for _ in range(count)]


async def resume(host, port, jid, password, peer_jid, peer_password, n):
    n, port = int(n), int(port)
    mobile = Client("mobile", jid + "/mobile", password)
    peer = Client("peer", peer_jid + "/desk", peer_password)
    await mobile.online(host, port)
    sm_id = await asyncio.wait_for(mobile.enabled, TIMEOUT)
    emit(client="mobile", event="sm_enabled", resumable=bool(sm_id))
    await peer.online(host, port)
    target = mobile.boundjid.full


    got = []
    half = n // 2
    for i in range(half):
        peer.send_message(mto=target, mbody=f"m{i}", mtype="chat")
    got += await receive(mobile, half)
    mobile.plugin["xep_0352"].send_inactive()
    for i in range(half, n):
        peer.send_message(mto=target, mbody=f"m{i}", mtype="chat")
    got += await receive(mobile, n - half)
    mobile.plugin["xep_0352"].send_active()
    emit(client="mobile", event="before_loss", bodies=got)

    # The network goes away: no </stream:stream>, the socket just closes.
    disconnected = asyncio.get_event_loop().create_future()
    mobile.add_event_handler("disconnected", lambda _: disconnected.done() or disconnected.set_result(True), disposable=True)
    mobile.transport.abort()
    await asyncio.wait_for(disconnected, TIMEOUT)
    for i in range(n, 2 * n):
        peer.send_message(mto=target, mbody=f"m{i}", mtype="chat")

    mobile.connect((host, port), force_starttls=True)
    await asyncio.wait_for(mobile.resumed, TIMEOUT)
    emit(client="mobile", event="resumed", jid=mobile.boundjid.full)
    got += await receive(mobile, n)
    # Nothing more: the answer to a ping comes after anything the server had left to send.
    await mobile.plugin["xep_0199"].ping(jid=slixmpp.JID(mobile.boundjid.domain), timeout=TIMEOUT)
    extra = []
    while not mobile.messages.empty():
        extra.append(mobile.messages.get_nowait())
    emit(client="mobile", event="received", bodies=got, extra=extra)
    expected = [f"m{i}" for i in range(2 * n)]
    if got != expected or extra:
        raise RuntimeError(f"received {got} + {extra}, expected {expected}")
    for client in (mobile, peer):
        await client.disconnect(wait=10)


COMMANDS = {"resume": resume}


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
