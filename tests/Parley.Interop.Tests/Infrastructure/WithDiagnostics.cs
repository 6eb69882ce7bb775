namespace Parley.Interop.Tests.Infrastructure;

/// <summary>Runs a test body so that its failure carries the logs of the processes it drove.</summary>
internal static class WithDiagnostics
{
    public static async Task RunAsync(Func<Task> body, Func<string> diagnostics)
    {
        try
        {
            await body();
        }
        catch (Exception e)
        {
            Assert.Fail($"{e}\n{diagnostics()}");
        }
    }
}
