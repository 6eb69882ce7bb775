namespace Parley.Fuzz;

/// <summary>One fuzzing entry point: it throws only when the input exposes a bug.</summary>
internal delegate void FuzzTarget(ReadOnlySpan<byte> input);

/// <summary>
/// The targets by name. Each swallows the errors the library is meant to raise for hostile input
/// (stream errors, false results, SASL failures) and lets everything else escape, which
/// SharpFuzz reports to afl-fuzz as a crash.
/// </summary>
internal static class FuzzTargets
{
    public static IReadOnlyList<string> Names { get; } = ["xml", "jid", "sasl"];

    public static FuzzTarget? Find(string name) => name switch
    {
        "xml" => XmlTarget.Run,
        "jid" => JidTarget.Run,
        "sasl" => SaslTarget.Run,
        _ => null,
    };
}
