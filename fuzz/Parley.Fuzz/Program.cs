using Parley.Fuzz;
using SharpFuzz;

// Usage:
//   Parley.Fuzz TARGET            run under afl-fuzz (SharpFuzz's out-of-process fork server);
//                                 outside afl-fuzz it runs once on standard input
//   Parley.Fuzz TARGET FILE...    replay inputs in-process and report each one (reproducing a crash)
// TARGET is one of FuzzTargets.Names: xml, jid, sasl.
if (args.Length == 0 || FuzzTargets.Find(args[0]) is not { } target)
{
    await Console.Error.WriteLineAsync("usage: Parley.Fuzz (" + string.Join('|', FuzzTargets.Names) + ") [FILE...]");
    return 2;
}

if (args.Length == 1)
{
    // Out of process, so that a crash that takes the runtime down (stack overflow, fail-fast)
    // is still reported to afl-fuzz as a crash of that input rather than of the fork server.
    Fuzzer.OutOfProcess.Run(stream =>
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        target(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    });
    return 0;
}

var failed = 0;
foreach (var path in args.Skip(1))
{
    try
    {
        target(File.ReadAllBytes(path));
        Console.WriteLine($"ok    {path}");
    }
#pragma warning disable CA1031 // Replay reports every failure, whatever its type, and goes on to the next input.
    catch (Exception e)
#pragma warning restore CA1031
    {
        failed++;
        Console.WriteLine($"CRASH {path}");
        Console.WriteLine(e);
    }
}

return failed == 0 ? 0 : 1;
