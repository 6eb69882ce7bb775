using System.Text.Json;

namespace Parley.Interop.Tests.Infrastructure;

/// <summary>
/// One run of an interop script (tests/Parley.Interop.Tests/interop): its exit code and the JSON
/// objects it printed one per line, for assertions on what the third-party client did.
/// </summary>
internal sealed class ScriptRun
{
    private ScriptRun(int exitCode, string output, IReadOnlyList<JsonElement> events)
    {
        ExitCode = exitCode;
        Output = output;
        Events = events;
    }

    public int ExitCode { get; }

    public string Output { get; }

    public IReadOnlyList<JsonElement> Events { get; }

    public static async Task<ScriptRun> CompleteAsync(ChildProcess process, TimeSpan timeout)
    {
        var exit = await process.WaitForExitAsync(timeout);
        var output = process.Output;
        var events = new List<JsonElement>();
        foreach (var line in output.Split('\n'))
        {
            if (line.StartsWith('{'))
            {
                using var document = JsonDocument.Parse(line);
                events.Add(document.RootElement.Clone());
            }
        }

        return new ScriptRun(exit, output, events);
    }

    /// <summary>The events one client of the script reported, of one kind.</summary>
    public IEnumerable<JsonElement> For(string client, string kind) =>
        Events.Where(e => e.TryGetProperty("client", out var c) && c.GetString() == client
            && e.TryGetProperty("event", out var k) && k.GetString() == kind);

    public JsonElement Single(string client, string kind)
    {
        var found = For(client, kind).ToList();
        Assert.True(found.Count == 1, $"expected one '{kind}' event from {client}, got {found.Count}. Output:\n{Output}");
        return found[0];
    }

    public void AssertSucceeded()
    {
        var last = Events.LastOrDefault();
        Assert.True(
            ExitCode == 0 && last.ValueKind == JsonValueKind.Object && last.TryGetProperty("result", out var r) && r.GetString() == "ok",
            $"the script failed (exit {ExitCode}). Output:\n{Output}");
    }
}
