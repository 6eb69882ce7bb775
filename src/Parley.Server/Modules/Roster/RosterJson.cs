using System.Text.Json.Serialization;

namespace Parley.Server.Modules.Roster;

/// <summary>Source-generated JSON for the groups column: no reflection at run time.</summary>
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class RosterJson : JsonSerializerContext;
