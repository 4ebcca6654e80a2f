using System.Globalization;
using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Saima.Data.Reports;

/// <summary>A report could not be made because a tool it needs (headless Chromium) is missing or failed.</summary>
public sealed class ReportToolException(string message) : Exception(message);

/// <summary>
/// Prints the circular's HTML print view (<see cref="CircularWriters.Html"/>) to PDF with headless
/// Chromium (Noto CJK fonts for the Chinese glyphs). The browser runs with a throw-away profile in
/// a temporary folder, which is removed afterwards.
/// </summary>
public static class CircularPdf
{
    /// <summary>The environment variable that names the Chromium executable.</summary>
    public const string ChromiumVariable = "SAIMA_CHROMIUM";

    /// <summary>Where Debian installs Chromium.</summary>
    public const string DefaultChromium = "/usr/bin/chromium";

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>The Chromium to use: <paramref name="given"/>, else $SAIMA_CHROMIUM, else /usr/bin/chromium.</summary>
    public static string ChromiumPath(string? given = null) =>
        given is { Length: > 0 } ? given
        : Environment.GetEnvironmentVariable(ChromiumVariable) is { Length: > 0 } env ? env
        : DefaultChromium;

    /// <summary>Writes the PDF of <paramref name="content"/> to <paramref name="output"/>.</summary>
    /// <exception cref="ReportToolException">Chromium is missing, fails or takes too long.</exception>
    public static void Write(CircularContent content, Stream output, string? chromium = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        Print(CircularWriters.Html(content), output, chromium);
    }

    /// <summary>Prints an HTML print view (any of the publications') to PDF on <paramref name="output"/>.</summary>
    /// <exception cref="ReportToolException">Chromium is missing, fails or takes too long.</exception>
    public static void Print(string html, Stream output, string? chromium = null) =>
        Render(html, output, chromium, "pdf", "print the PDF", file => ["--no-pdf-header-footer", "--print-to-pdf=" + file]);

    /// <summary>
    /// Renders an HTML page to a PNG image <paramref name="width"/> CSS pixels wide and
    /// <paramref name="height"/> high (the page's top; what is longer is cut) on <paramref name="output"/>.
    /// </summary>
    /// <exception cref="ReportToolException">Chromium is missing, fails or takes too long.</exception>
    public static void Screenshot(string html, Stream output, int width, int height, string? chromium = null) =>
        Render(html, output, chromium, "png", "take the picture", file =>
            ["--hide-scrollbars", "--force-device-scale-factor=1", string.Create(CultureInfo.InvariantCulture, $"--window-size={width},{height}"), "--screenshot=" + file]);

    private static void Render(string html, Stream output, string? chromium, string extension, string what, Func<string, string[]> args)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(output);
        string exe = ChromiumPath(chromium);
        if (!File.Exists(exe))
        {
            throw new ReportToolException($"headless Chromium is needed for a .{extension} and was not found at {exe}; install it (apt-get install chromium fonts-noto-cjk) or name it with --chromium or {ChromiumVariable}");
        }

        string work = Path.Combine(Path.GetTempPath(), "saima-pdf-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            string page = Path.Combine(work, "document.html");
            string pdf = Path.Combine(work, "document." + extension);
            File.WriteAllText(page, html, new UTF8Encoding(false));
            var start = new ProcessStartInfo(exe)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            string[] all =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-extensions", "--no-first-run", "--no-default-browser-check",
                "--user-data-dir=" + Path.Combine(work, "profile"), .. args(pdf),
                new Uri(page).AbsoluteUri,
            ];
            foreach (string arg in all)
            {
                start.ArgumentList.Add(arg);
            }

            start.Environment["HOME"] = work;
            using Process process = StartOrExplain(start, exe);
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new ReportToolException($"Chromium ({exe}) did not {what} within {Timeout.TotalSeconds:0} s");
            }

            process.WaitForExit();
            string errors = stderr.GetAwaiter().GetResult();
            _ = stdout.GetAwaiter().GetResult();
            if (process.ExitCode != 0 || !File.Exists(pdf) || new FileInfo(pdf).Length == 0)
            {
                string tail = errors.Length > 600 ? errors[^600..] : errors;
                throw new ReportToolException($"Chromium ({exe}) could not {what} (exit {process.ExitCode}): {tail.Trim()}");
            }

            using (FileStream printed = File.OpenRead(pdf))
            {
                printed.CopyTo(output);
            }
        }
        finally
        {
            try
            {
                Directory.Delete(work, recursive: true);
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

    private static Process StartOrExplain(ProcessStartInfo start, string exe)
    {
        try
        {
            return Process.Start(start) ?? throw new ReportToolException($"Chromium ({exe}) did not start");
        }
        catch (Win32Exception e)
        {
            throw new ReportToolException($"Chromium ({exe}) could not be started: {e.Message}");
        }
    }
}
