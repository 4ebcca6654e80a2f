using System.ComponentModel;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Saima.Data.Reports;

/// <summary>
/// One headless Chromium that prints many HTML print views to PDF over the DevTools protocol
/// (Page.printToPDF, the same printing as <c>--print-to-pdf</c>), so that a batch (every unit's
/// feedback report) starts the browser once instead of once per document. A throw-away profile
/// in a temporary folder is removed on dispose, and the browser is ended.
/// </summary>
public sealed class ChromiumBatch : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly string _work;
    private readonly Process _process;
    private readonly ClientWebSocket _socket = new();
    private int _next;

    /// <exception cref="ReportToolException">Chromium is missing, does not start or does not open its DevTools port.</exception>
    public ChromiumBatch(string? chromium = null)
    {
        string exe = CircularPdf.ChromiumPath(chromium);
        if (!File.Exists(exe))
        {
            throw new ReportToolException($"headless Chromium is needed for a .pdf and was not found at {exe}; install it (apt-get install chromium fonts-noto-cjk) or name it with --chromium or {CircularPdf.ChromiumVariable}");
        }

        _work = Path.Combine(Path.GetTempPath(), "saima-pdf-" + Guid.NewGuid().ToString("N"));
        string profile = Path.Combine(_work, "profile");
        Directory.CreateDirectory(profile);
        var start = new ProcessStartInfo(exe) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string arg in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-extensions", "--no-first-run", "--no-default-browser-check",
            "--remote-debugging-port=0", "--user-data-dir=" + profile, "about:blank",
        })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["HOME"] = _work;
        try
        {
            _process = Process.Start(start) ?? throw new ReportToolException($"Chromium ({exe}) did not start");
        }
        catch (Win32Exception e)
        {
            throw new ReportToolException($"Chromium ({exe}) could not be started: {e.Message}");
        }

        _process.ErrorDataReceived += (_, _) => { };
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        string portFile = Path.Combine(profile, "DevToolsActivePort");
        var watch = Stopwatch.StartNew();
        string[] lines = [];
        while (watch.Elapsed < Timeout)
        {
            if (_process.HasExited)
            {
                throw new ReportToolException($"Chromium ({exe}) ended before opening its DevTools port (exit {_process.ExitCode})");
            }

            if (File.Exists(portFile))
            {
                try
                {
                    lines = File.ReadAllLines(portFile);
                }
                catch (IOException)
                {
                    lines = [];
                }

                if (lines.Length >= 2)
                {
                    break;
                }
            }

            Thread.Sleep(50);
        }

        if (lines.Length < 2)
        {
            Dispose();
            throw new ReportToolException($"Chromium ({exe}) did not open its DevTools port within {Timeout.TotalSeconds:0} s");
        }

        using var cancel = new CancellationTokenSource(Timeout);
        _socket.Options.KeepAliveInterval = TimeSpan.Zero;
        _socket.ConnectAsync(new Uri($"ws://127.0.0.1:{lines[0].Trim()}{lines[1].Trim()}"), cancel.Token).GetAwaiter().GetResult();
    }

    /// <summary>Prints <paramref name="html"/> to PDF on <paramref name="output"/>.</summary>
    /// <exception cref="ReportToolException">The browser fails or takes too long.</exception>
    public void Print(string html, Stream output)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(output);
        string page = Path.Combine(_work, "document-" + Interlocked.Increment(ref _next).ToString(System.Globalization.CultureInfo.InvariantCulture) + ".html");
        File.WriteAllText(page, html, new UTF8Encoding(false));
        try
        {
            string target = Call("Target.createTarget", new JsonObject { ["url"] = "about:blank" }, null)["targetId"]!.GetValue<string>();
            string session = Call("Target.attachToTarget", new JsonObject { ["targetId"] = target, ["flatten"] = true }, null)["sessionId"]!.GetValue<string>();
            Call("Page.navigate", new JsonObject { ["url"] = new Uri(page).AbsoluteUri }, session);
            var watch = Stopwatch.StartNew();
            while (true)
            {
                JsonNode ready = Call("Runtime.evaluate", new JsonObject
                {
                    ["expression"] = "document.readyState === 'complete' ? document.fonts.ready.then(() => 'complete') : document.readyState",
                    ["awaitPromise"] = true,
                    ["returnByValue"] = true,
                }, session);
                if (ready["result"]?["value"]?.GetValue<string>() == "complete")
                {
                    break;
                }

                if (watch.Elapsed > Timeout)
                {
                    throw new ReportToolException("Chromium did not load the print view in time");
                }

                Thread.Sleep(20);
            }

            JsonNode pdf = Call("Page.printToPDF", new JsonObject { ["preferCSSPageSize"] = true, ["printBackground"] = true }, session);
            output.Write(Convert.FromBase64String(pdf["data"]!.GetValue<string>()));
            Call("Target.closeTarget", new JsonObject { ["targetId"] = target }, null);
        }
        finally
        {
            File.Delete(page);
        }
    }

    /// <summary>Sends one DevTools command and waits for its answer (events in between are skipped).</summary>
    private JsonNode Call(string method, JsonObject parameters, string? session)
    {
        int id = Interlocked.Increment(ref _next);
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
        if (session is not null)
        {
            message["sessionId"] = session;
        }

        using var cancel = new CancellationTokenSource(Timeout);
        try
        {
            _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, cancel.Token).GetAwaiter().GetResult();
            var buffer = new byte[1 << 16];
            using var received = new MemoryStream();
            while (true)
            {
                received.SetLength(0);
                WebSocketReceiveResult result;
                do
                {
                    result = _socket.ReceiveAsync(buffer, cancel.Token).GetAwaiter().GetResult();
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        throw new ReportToolException("Chromium closed the DevTools connection");
                    }

                    received.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);

                JsonNode? answer = JsonNode.Parse(received.ToArray());
                if (answer?["id"]?.GetValue<int>() != id)
                {
                    continue;
                }

                if (answer["error"] is JsonNode error)
                {
                    throw new ReportToolException($"Chromium refused {method}: {error["message"]?.GetValue<string>()}");
                }

                return answer["result"] ?? new JsonObject();
            }
        }
        catch (OperationCanceledException)
        {
            throw new ReportToolException($"Chromium did not answer {method} within {Timeout.TotalSeconds:0} s");
        }
        catch (WebSocketException e)
        {
            throw new ReportToolException($"Chromium's DevTools connection failed: {e.Message}");
        }
        catch (JsonException e)
        {
            throw new ReportToolException($"Chromium's DevTools answer could not be read: {e.Message}");
        }
    }

    public void Dispose()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                try
                {
                    Call("Browser.close", [], null);
                }
                catch (ReportToolException)
                {
                    // The browser is ended below in any case.
                }
            }

            _socket.Dispose();
            if (_process is { HasExited: false })
            {
                if (!_process.WaitForExit(TimeSpan.FromSeconds(5)))
                {
                    _process.Kill(entireProcessTree: true);
                    _process.WaitForExit();
                }
            }

            _process?.Dispose();
        }
        finally
        {
            try
            {
                Directory.Delete(_work, recursive: true);
            }
            catch (IOException)
            {
                // A profile file still held by an exiting helper process: left in the temp folder.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
