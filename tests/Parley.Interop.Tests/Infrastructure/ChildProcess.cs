using System.Diagnostics;
using System.Text;

namespace Parley.Interop.Tests.Infrastructure;

/// <summary>
/// A process a test started: its output is collected line by line, a test can await a line,
/// and disposal always kills the whole process tree, so that no test leaves a process behind.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(Process process) => _process = process;

    public string Name => _process.StartInfo.FileName;

    public int Id => _process.Id;

    /// <summary>Everything the process wrote so far, stdout and stderr interleaved, for assertions and failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (workingDirectory is not null)
        {
            info.WorkingDirectory = workingDirectory;
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data, child._stdoutClosed, "");
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data, child._stderrClosed, "[stderr] ");
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Completes with the first stdout/stderr line that matches, past or future; fails if the process exits first or the timeout passes.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            foreach (var line in _output.ToString().Split('\n'))
            {
                if (match(line))
                {
                    return line;
                }
            }

            _waiters.Add((match, found));
        }

        var exited = WaitForExitCoreAsync();
        var winner = await Task.WhenAny(found.Task, exited, Task.Delay(timeout));
        if (winner == found.Task)
        {
            return await found.Task;
        }

        var reason = winner == exited ? $"exited with code {_process.ExitCode}" : $"did not print the expected line within {timeout}";
        throw new TimeoutException($"{Name} {reason}. Output:\n{Output}");
    }

    /// <summary>Waits for the process to exit (and its output to be drained) and returns the exit code; kills it on timeout.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        var exited = WaitForExitCoreAsync();
        if (await Task.WhenAny(exited, Task.Delay(timeout)) != exited)
        {
            Kill();
            throw new TimeoutException($"{Name} did not exit within {timeout}. Output:\n{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM, the polite stop a service manager sends, through kill(1).</summary>
    public async Task TerminateAsync()
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-s", "TERM", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>SIGKILL: the process dies at once, with no chance to flush or close anything.</summary>
    public async Task KillAsync()
    {
        Kill();
        await WaitForExitCoreAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        // Bounded: a killed process exits promptly; never hang a test run on cleanup.
        await Task.WhenAny(WaitForExitCoreAsync(), Task.Delay(TimeSpan.FromSeconds(30)));
        _process.Dispose();
    }

    private async Task WaitForExitCoreAsync()
    {
        await _process.WaitForExitAsync();
        await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task);
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already exited between the check and the kill.
        }
    }

    private void OnLine(string? line, TaskCompletionSource closed, string prefix)
    {
        if (line is null)
        {
            closed.TrySetResult();
            return;
        }

        List<TaskCompletionSource<string>>? matched = null;
        lock (_output)
        {
            _output.Append(prefix).Append(line).Append('\n');
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(line))
                {
                    (matched ??= []).Add(_waiters[i].Found);
                    _waiters.RemoveAt(i);
                }
            }
        }

        matched?.ForEach(tcs => tcs.TrySetResult(line));
    }
}
