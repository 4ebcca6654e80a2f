using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Saima.Data;
using Xunit.Abstractions;

namespace Saima.Cli.Tests;

/// <summary>One <c>saima serve</c> process on a free port.</summary>
public sealed class ServeProcess : IDisposable
{
    private readonly Process _process;
    private readonly ITestOutputHelper _log;
    private readonly string _name;
    private readonly Task<string> _out;
    private readonly Task<string> _err;
    private readonly string _home;

    private ServeProcess(Process process, Uri address, ITestOutputHelper log, string name, string home)
    {
        _home = home;
        _process = process;
        Address = address;
        _log = log;
        _name = name;
        _out = process.StandardOutput.ReadToEndAsync();
        _err = process.StandardError.ReadToEndAsync();
    }

    public Uri Address { get; }

    public static ServeProcess Start(StoreOptions store, ITestOutputHelper log, string name, string adminPassword)
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        string url = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}");
        string dotnet = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var psi = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { Path.Combine(AppContext.BaseDirectory, "saima.dll"), "serve" }.Concat(Target(store)).Concat(["--urls", url]))
        {
            psi.ArgumentList.Add(arg);
        }

        psi.Environment["SAIMA_ADMIN_PASSWORD"] = adminPassword;

        // A home of its own, as a node on another machine has: nothing is shared through
        // files (ASP.NET Core would otherwise keep its keys under ~/.aspnet on both).
        string home = Path.Combine(Path.GetTempPath(), "saima-node-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(home);
        psi.Environment["HOME"] = home;
        psi.Environment["DOTNET_CLI_HOME"] = home;
        return new ServeProcess(Process.Start(psi)!, new Uri(url), log, name, home);
    }

    /// <summary>The command line's store options for a store.</summary>
    public static string[] Target(StoreOptions store) => store.Provider == StoreProvider.Sqlite
        ? ["--db", new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(store.ConnectionString).DataSource]
        : ["--postgres", store.ConnectionString];

    /// <summary>Kills the process at once (SIGKILL), as a power cut would stop it.</summary>
    public void KillNine()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async Task ReadyAsync()
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromMinutes(3))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"node {_name} exited {_process.ExitCode.ToString(CultureInfo.InvariantCulture)}: {await _err}{await _out}");
            }

            try
            {
                if ((await client.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"node {_name} did not become healthy");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _log.WriteLine($"node {_name} stdout:\n{_out.Result}\nstderr:\n{_err.Result}");
        _process.Dispose();
        Directory.Delete(_home, recursive: true);
    }
}
