using BenchmarkDotNet.Running;

namespace Parley.Benchmarks;

/// <summary>Runs the benchmarks chosen on the command line (`--filter`, `--job`), or `--cpu-time [OPS]` (<see cref="CpuTimeRun"/>); see docs/performance.md.</summary>
internal static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["--cpu-time", .. var rest])
        {
            CpuTimeRun.Run(rest is [var count] ? int.Parse(count, System.Globalization.CultureInfo.InvariantCulture) : 2_000_000);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
