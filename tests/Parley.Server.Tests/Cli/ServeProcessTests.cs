using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Threading.Channels;
using Parley.Server.Tests.Infrastructure;
using Parley.Server.Tests.Storage;

namespace Parley.Server.Tests.Cli;

/// <summary>
/// `parley serve` as an operator runs it: a real process (parley.dll), its console log, and
/// signals (issue 12: SIGHUP reloads the certificates instead of killing the server).
/// </summary>
public sealed class ServeProcessTests : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task With_log_format_json_every_log_line_is_one_json_object_with_an_iso_8601_utc_timestamp()
    {
        var certificate = WriteCertificate("first");
        await using var serve = await ServeProcess.StartAsync(_data.Path, certificate, "--log-format", "json");

        var loaded = await serve.LogLineAsync(line => line.Contains("\"EventId\":690", StringComparison.Ordinal));
        Assert.All(serve.LogLines, line =>
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            var timestamp = root.GetProperty("Timestamp").GetString()!;
            Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", timestamp);
            Assert.False(string.IsNullOrEmpty(root.GetProperty("Category").GetString()));
            Assert.False(string.IsNullOrEmpty(root.GetProperty("LogLevel").GetString()));
        });
        using var document = JsonDocument.Parse(loaded);
        Assert.Equal(certificate.Path, document.RootElement.GetProperty("State").GetProperty("Path").GetString());
    }

    [Fact]
    public async Task Sighup_reloads_a_certificate_renewed_on_disk_and_the_server_keeps_running()
    {
        var first = WriteCertificate("first");
        await using var serve = await ServeProcess.StartAsync(_data.Path, first);
        Assert.Equal(first.Thumbprint, await PresentedThumbprintAsync(serve.TlsPort));

        var renewed = WriteCertificate("renewed");
        serve.Signal("HUP");
        var reloaded = await serve.LogLineAsync(line => line.Contains("Reloaded the TLS certificates", StringComparison.Ordinal));
        Assert.Contains(first.Thumbprint + " -> " + renewed.Thumbprint, reloaded, StringComparison.Ordinal);

        Assert.Equal(renewed.Thumbprint, await PresentedThumbprintAsync(serve.TlsPort));
        Assert.False(serve.HasExited);
    }

    [Fact]
    public async Task Sighup_with_a_broken_certificate_on_disk_keeps_the_previous_one()
    {
        var first = WriteCertificate("first");
        await using var serve = await ServeProcess.StartAsync(_data.Path, first);

        await File.WriteAllTextAsync(first.Path, "not a certificate");
        serve.Signal("HUP");
        await serve.LogLineAsync(line => line.Contains("Could not reload the TLS certificates", StringComparison.Ordinal));

        Assert.Equal(first.Thumbprint, await PresentedThumbprintAsync(serve.TlsPort));
        Assert.False(serve.HasExited);
    }

    /// <summary>A self-signed certificate for localhost, written over the same file each time (as a renewal does).</summary>
    private (string Path, string Thumbprint) WriteCertificate(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        // Beside the data folder, which the server makes itself on its first start.
        var folder = System.IO.Path.GetDirectoryName(_data.Path)!;
        Directory.CreateDirectory(folder);
        var path = System.IO.Path.Combine(folder, "server.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx));
        return (path, certificate.Thumbprint);
    }

    /// <summary>The thumbprint of the certificate a direct-TLS handshake (XEP-0368) is given.</summary>
    private static async Task<string> PresentedThumbprintAsync(int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }).WaitAsync(TimeSpan.FromSeconds(30));
        using var presented = new X509Certificate2(tls.RemoteCertificate!);
        return presented.Thumbprint;
    }

    /// <summary>`dotnet parley.dll serve` on free loopback ports; stopped (SIGTERM, then killed) at dispose.</summary>
    private sealed class ServeProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly List<string> _log = [];
        private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();

        private ServeProcess(Process process, int tlsPort)
        {
            _process = process;
            TlsPort = tlsPort;
        }

        public int TlsPort { get; }

        public bool HasExited => _process.HasExited;

        public IReadOnlyList<string> LogLines
        {
            get
            {
                lock (_log)
                {
                    return [.. _log];
                }
            }
        }

        public static async Task<ServeProcess> StartAsync(string data, (string Path, string Thumbprint) certificate, params string[] more)
        {
            var tlsPort = LoopbackPort.Free();
            // env resets SIGHUP to its default first: a test run started under nohup (or by anything
            // else that ignores SIGHUP) passes the ignored disposition down, and .NET then never
            // delivers the signal to the server's handler. env execs dotnet, so the pid is the server's.
            var start = new ProcessStartInfo("env")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            string[] arguments =
            [
                "--default-signal=HUP", "dotnet", System.IO.Path.Combine(AppContext.BaseDirectory, "parley.dll"), "serve", "--data", data, "--bind", "127.0.0.1",
                "--c2s-port", "0", "--c2s-tls-port", tlsPort.ToString(CultureInfo.InvariantCulture), "--s2s-port", "0", .. more,
            ];
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["PARLEY_Tls__CertificatePath"] = certificate.Path;
            var process = Process.Start(start)!;
            var serve = new ServeProcess(process, tlsPort);
            var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data == "Parley is ready")
                {
                    ready.TrySetResult();
                }
            };
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is { } line)
                {
                    lock (serve._log)
                    {
                        serve._log.Add(line);
                    }

                    serve._lines.Writer.TryWrite(line);
                }
            };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                await Task.WhenAny(ready.Task, process.WaitForExitAsync()).Unwrap().WaitAsync(TimeSpan.FromSeconds(90));
                Assert.True(ready.Task.IsCompleted, "serve exited before it was ready: " + string.Join('\n', serve.LogLines));
            }
            catch
            {
                await serve.DisposeAsync();
                throw;
            }

            return serve;
        }

        /// <summary>The first log line (from the start) that matches.</summary>
        public async Task<string> LogLineAsync(Func<string, bool> match)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await foreach (var line in _lines.Reader.ReadAllAsync(timeout.Token))
            {
                if (match(line))
                {
                    return line;
                }
            }

            throw new InvalidOperationException("the log ended");
        }

        public void Signal(string name) => Assert.Equal(0, Send(name));

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                Send("TERM");
                try
                {
                    await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
                }
                catch (TimeoutException)
                {
                    _process.Kill(entireProcessTree: true);
                }
            }

            _process.Dispose();
        }

        private int Send(string name)
        {
            using var kill = Process.Start("kill", ["-" + name, _process.Id.ToString(CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
            return kill.ExitCode;
        }
    }
}
