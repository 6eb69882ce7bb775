#!/usr/bin/env python3
"""BOSH long-poll sessions held (issue 18): N clients each log in over XEP-0206 (creation, PLAIN,
restart, bind, initial presence) on their own keep-alive HTTP connection and leave one empty
request held; with the server's pid, prints the server's RSS before and with all of them held.
Accounts are PREFIX1..PREFIXN with one password (`parley bench register`). Not part of CI.

Usage: bosh_held.py HOST HTTP_PORT DOMAIN SESSIONS SERVER_PID [PREFIX] [PASSWORD]"""
import asyncio, base64, re, sys, time

HOST, PORT, DOMAIN, N, PID = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
PREFIX = sys.argv[6] if len(sys.argv) > 6 else "user"
PASSWORD = sys.argv[7] if len(sys.argv) > 7 else "pw"
NS = "http://jabber.org/protocol/httpbind"

def rss_kib():
    with open(f"/proc/{PID}/status") as status:
        return int(next(l for l in status if l.startswith("VmRSS")).split()[1])

async def post(reader, writer, body):
    data = body.encode()
    writer.write(f"POST /http-bind HTTP/1.1\r\nHost: {HOST}:{PORT}\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: {len(data)}\r\n\r\n".encode() + data)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
    return (await reader.readexactly(length)).decode()

async def session(i, held):
    reader, writer = await asyncio.open_connection(HOST, PORT)
    rid = 1000 + i * 10
    created = await post(reader, writer, f"<body xmlns='{NS}' rid='{rid}' to='{DOMAIN}' wait='60' hold='1' ver='1.6' xmpp:version='1.0' xmlns:xmpp='urn:xmpp:xbosh'/>")
    sid = re.search(r"sid='([0-9a-f]+)'", created).group(1)
    def body(payload="", extra=""):
        nonlocal rid
        rid += 1
        return f"<body xmlns='{NS}' sid='{sid}' rid='{rid}' {extra}>{payload}</body>"
    plain = base64.b64encode(f"\0{PREFIX}{i + 1}\0{PASSWORD}".encode()).decode()
    answer = await post(reader, writer, body(f"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>{plain}</auth>"))
    assert "success" in answer, answer
    await post(reader, writer, body(extra=f"xmpp:restart='true' xmlns:xmpp='urn:xmpp:xbosh' to='{DOMAIN}'"))
    bound = await post(reader, writer, body("<iq xmlns='jabber:client' type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>"))
    assert "result" in bound, bound
    # Initial presence; its answer may carry the presence echo. Then one empty request stays held.
    await post(reader, writer, body("<presence xmlns='jabber:client'/>"))
    pending = asyncio.ensure_future(post(reader, writer, body()))
    held.append((writer, pending))

async def main():
    before = rss_kib()
    held = []
    started = time.monotonic()
    semaphore = asyncio.Semaphore(50)
    async def one(i):
        async with semaphore:
            await session(i, held)
    await asyncio.gather(*(one(i) for i in range(N)))
    elapsed = time.monotonic() - started
    await asyncio.sleep(0)  # the last held requests are on the wire
    after = rss_kib()
    answered = sum(1 for _, p in held if p.done())
    print(f"RESULT mode=bosh_held sessions={len(held)} answered_early={answered} rss_before_kib={before} rss_after_kib={after} "
          f"kib_per_session={(after - before) / max(len(held), 1):.1f} login_seconds={elapsed:.1f}")
    for writer, pending in held:
        pending.cancel()
        writer.close()

asyncio.run(main())
