namespace Parley.Server.Modules.Pep;

/// <summary>One published item: its id, its &lt;item/&gt; as serialized XML (payload inside), and who published it.</summary>
internal sealed record PepItem(string Id, string Xml, string Publisher);
