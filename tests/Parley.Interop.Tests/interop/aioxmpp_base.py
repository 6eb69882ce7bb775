"""What the aioxmpp interop scripts here share: a client that logs in over STARTTLS to the test
server (whose certificate is self-signed), available, and waits for its stream.

Imported by the scripts beside it (Python puts a script's own folder first on sys.path).
"""

import asyncio

import aioxmpp
import aioxmpp.connector

TIMEOUT = 90


def client(jid, password, host, port):
    """A presence-managed client for JID, reaching the server at host:port with STARTTLS."""
    return aioxmpp.PresenceManagedClient(
        jid,
        aioxmpp.make_security_layer(password, no_verify=True),
        override_peer=[(host, port, aioxmpp.connector.STARTTLSConnector())],
    )


async def online(xmpp, label):
    """Makes the client available and returns once its stream is established (or raises why not)."""
    established = xmpp.on_stream_established.future()
    failed = xmpp.on_failure.future()
    xmpp.presence = aioxmpp.PresenceState(True)
    await asyncio.wait([established, failed], timeout=TIMEOUT, return_when=asyncio.FIRST_COMPLETED)
    if not established.done():
        raise RuntimeError(f"{label}: no stream: {failed.exception() if failed.done() else 'timeout'}")
    failed.cancel()
