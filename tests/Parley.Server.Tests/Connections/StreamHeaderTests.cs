using Parley.Server.Connections;
using Parley.Xmpp;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Connections;

/// <summary>The one check of a peer's stream header, for every role (RFC 6120 §4.7.5, §4.8.1; XEP-0114 §3).</summary>
public sealed class StreamHeaderTests
{
    [Theory]
    [InlineData("stream", Namespaces.Streams, Namespaces.Client, "1.0", Namespaces.Client, true, null)]
    [InlineData("stream", Namespaces.Streams, Namespaces.Server, "1.1", Namespaces.Server, true, null)]
    [InlineData("stream", Namespaces.Streams, Namespaces.ComponentAccept, null, Namespaces.ComponentAccept, false, null)]
    [InlineData("stream", Namespaces.Streams, Namespaces.Server, "1.0", Namespaces.Client, true, StreamErrorCondition.InvalidNamespace)]
    [InlineData("stream", "urn:example", Namespaces.Client, "1.0", Namespaces.Client, true, StreamErrorCondition.InvalidNamespace)]
    [InlineData("open", Namespaces.Streams, Namespaces.Client, "1.0", Namespaces.Client, true, StreamErrorCondition.InvalidNamespace)]
    [InlineData("stream", Namespaces.Streams, Namespaces.Client, null, Namespaces.Client, true, StreamErrorCondition.UnsupportedVersion)]
    [InlineData("stream", Namespaces.Streams, Namespaces.Server, "0.9", Namespaces.Server, true, StreamErrorCondition.UnsupportedVersion)]
    [InlineData("stream", Namespaces.Streams, Namespaces.Client, "1.x", Namespaces.Client, true, StreamErrorCondition.UnsupportedVersion)]
    public void A_header_is_checked_for_its_element_namespace_and_version(string name, string ns, string declared, string? version, string expected, bool versionRequired, StreamErrorCondition? condition)
    {
        var element = new Element(name, ns).SetAttribute("to", "localhost").SetAttribute("from", "juliet@localhost").SetAttribute("id", "s1").SetAttribute("version", version);
        var header = StreamHeader.Read(element, declared);

        if (condition is null)
        {
            header.Check(expected, versionRequired);
            Assert.Equal(("localhost", "juliet@localhost", "s1", version), (header.To, header.From, header.Id, header.Version));
        }
        else
        {
            Assert.Equal(condition, Assert.Throws<StreamErrorException>(() => header.Check(expected, versionRequired)).Condition);
        }
    }
}
