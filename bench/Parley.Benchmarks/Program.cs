using BenchmarkDotNet.Running;

namespace Parley.Benchmarks;

/// <summary>Runs the benchmarks chosen on the command line (`--filter`, `--job`; see docs/performance.md).</summary>
internal static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
