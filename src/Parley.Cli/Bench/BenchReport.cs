using System.Globalization;
using System.Text;

namespace Parley.Cli.Bench;

/// <summary>
/// A result as two lines: one for people, then "RESULT mode=... key=value ..." for scripts
/// (values never contain spaces; rates per second, times in milliseconds, CPU in cores).
/// </summary>
internal sealed class BenchReport(string mode)
{
    private readonly List<(string Key, string Value)> _fields = [("mode", mode)];

    public BenchReport Add(string key, string value)
    {
        _fields.Add((key, value));
        return this;
    }

    public BenchReport Add(string key, double value, string format = "F1") => Add(key, value.ToString(format, CultureInfo.InvariantCulture));

    public BenchReport Add(string key, long value) => Add(key, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>Adds the CPU of the generator and, when known, of the server.</summary>
    public BenchReport AddCpu((double Seconds, double Generator, double? Server) cpu)
    {
        Add("seconds", cpu.Seconds, "F2");
        Add("gen_cpu", cpu.Generator, "F2");
        return cpu.Server is { } server ? Add("server_cpu", server, "F2") : this;
    }

    public async Task WriteAsync(TextWriter output, string summary)
    {
        await output.WriteLineAsync(summary).ConfigureAwait(false);
        var line = new StringBuilder("RESULT");
        foreach (var (key, value) in _fields)
        {
            line.Append(' ').Append(key).Append('=').Append(value);
        }

        await output.WriteLineAsync(line.ToString()).ConfigureAwait(false);
        await output.FlushAsync().ConfigureAwait(false);
    }

    public static string Cores((double Seconds, double Generator, double? Server) cpu) =>
        string.Create(CultureInfo.InvariantCulture, $"generator {cpu.Generator:F2} cores") +
        (cpu.Server is { } server ? string.Create(CultureInfo.InvariantCulture, $", server {server:F2} cores") : "");
}
