namespace Parley.Xmpp;

/// <summary>The XML namespaces XMPP uses (RFC 6120 §4.8, §11.2 and the XEPs Parley implements).</summary>
public static class Namespaces
{
    public const string Xml = "http://www.w3.org/XML/1998/namespace";
    public const string Xmlns = "http://www.w3.org/2000/xmlns/";
    public const string Streams = "http://etherx.jabber.org/streams";
    public const string Client = "jabber:client";
    public const string Server = "jabber:server";

    /// <summary>XEP-0114 §3: the stream and stanza namespace of an external component's connection.</summary>
    public const string ComponentAccept = "jabber:component:accept";

    /// <summary>XEP-0220 §2: the Server Dialback elements (db:result, db:verify).</summary>
    public const string Dialback = "jabber:server:dialback";

    /// <summary>XEP-0220 §2.1: the stream feature announcing dialback (with dialback errors).</summary>
    public const string DialbackFeature = "urn:xmpp:features:dialback";
    public const string StreamErrors = "urn:ietf:params:xml:ns:xmpp-streams";
    public const string Stanzas = "urn:ietf:params:xml:ns:xmpp-stanzas";
    public const string Tls = "urn:ietf:params:xml:ns:xmpp-tls";
    public const string Sasl = "urn:ietf:params:xml:ns:xmpp-sasl";
    public const string Bind = "urn:ietf:params:xml:ns:xmpp-bind";
    public const string Session = "urn:ietf:params:xml:ns:xmpp-session";
    public const string SaslChannelBinding = "urn:xmpp:sasl-cb:0";
    public const string DiscoInfo = "http://jabber.org/protocol/disco#info";
    public const string DiscoItems = "http://jabber.org/protocol/disco#items";
    public const string Ping = "urn:xmpp:ping";

    /// <summary>XEP-0202 entity time.</summary>
    public const string Time = "urn:xmpp:time";

    /// <summary>XEP-0012 last activity.</summary>
    public const string LastActivity = "jabber:iq:last";
    public const string Blocking = "urn:xmpp:blocking";
    public const string BlockingErrors = "urn:xmpp:blocking:errors";
    public const string VCard = "vcard-temp";
    public const string PrivateXml = "jabber:iq:private";
    public const string Version = "jabber:iq:version";
    public const string Register = "jabber:iq:register";
    public const string RegisterFeature = "http://jabber.org/features/iq-register";
    public const string DataForms = "jabber:x:data";
    public const string Delay = "urn:xmpp:delay";
    public const string Hints = "urn:xmpp:hints";
    public const string ChatStates = "http://jabber.org/protocol/chatstates";
    public const string Carbons = "urn:xmpp:carbons:2";
    public const string Forward = "urn:xmpp:forward:0";
    public const string StanzaId = "urn:xmpp:sid:0";
    public const string Mam = "urn:xmpp:mam:2";
    public const string MamExtended = "urn:xmpp:mam:2#extended";
    public const string Rsm = "http://jabber.org/protocol/rsm";
    public const string Receipts = "urn:xmpp:receipts";
    public const string ChatMarkers = "urn:xmpp:chat-markers:0";

    /// <summary>XEP-0198 stream management.</summary>
    public const string StreamManagement = "urn:xmpp:sm:3";

    /// <summary>XEP-0352 client state indication.</summary>
    public const string ClientState = "urn:xmpp:csi:0";

    /// <summary>XEP-0045 §19.1: the join element, and the user, admin and owner namespaces.</summary>
    public const string Muc = "http://jabber.org/protocol/muc";
    public const string MucUser = "http://jabber.org/protocol/muc#user";
    public const string MucAdmin = "http://jabber.org/protocol/muc#admin";
    public const string MucOwner = "http://jabber.org/protocol/muc#owner";
    public const string MucRoomConfig = "http://jabber.org/protocol/muc#roomconfig";
    public const string MucRoomInfo = "http://jabber.org/protocol/muc#roominfo";

    /// <summary>XEP-0410 §4: the service answers self-pings itself.</summary>
    public const string MucSelfPing = "http://jabber.org/protocol/muc#self-ping-optimization";

    /// <summary>XEP-0249 direct invitations.</summary>
    public const string DirectInvite = "jabber:x:conference";

    /// <summary>XEP-0421 anonymous unique occupant identifiers.</summary>
    public const string OccupantId = "urn:xmpp:occupant-id:0";

    /// <summary>RFC 7395 §3.3.2: the &lt;open/&gt; and &lt;close/&gt; elements of a WebSocket stream.</summary>
    public const string Framing = "urn:ietf:params:xml:ns:xmpp-framing";

    /// <summary>XEP-0124 §4: the BOSH &lt;body/&gt; wrapper.</summary>
    public const string HttpBind = "http://jabber.org/protocol/httpbind";

    /// <summary>XEP-0206 §3: the xmpp:version, xmpp:restart and xmpp:restartlogic attributes of XMPP over BOSH.</summary>
    public const string XBosh = "urn:xmpp:xbosh";

    /// <summary>XEP-0363 HTTP File Upload.</summary>
    public const string HttpUpload = "urn:xmpp:http:upload:0";
}
