using System.Diagnostics;
using System.Globalization;

namespace Saima.Data.Store;

/// <summary>
/// Where the time of one period's publication goes: the seconds of each phase (reading the inputs,
/// the engine, writing rows, warnings and traces, the stored analysis, the audit chain's digest,
/// the commit), in the order they ran. Given to <see cref="ResultService.Compute"/> by whoever
/// wants them (the demo's verbose log); nothing is measured when none is given.
/// </summary>
public sealed class PublishPhases
{
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly List<(string Phase, double Seconds)> laps = [];
    private readonly List<(string Phase, long PeakBytes)> peaks = [];
    private TimeSpan last;

    /// <summary>Starts the clock, and (on Linux) the process's resident high-water mark from here.</summary>
    public PublishPhases()
    {
        ResetPeak();
    }

    /// <summary>Each phase and its seconds, in order (a phase run twice appears twice).</summary>
    public IReadOnlyList<(string Phase, double Seconds)> Laps => laps;

    /// <summary>The seconds since the phases began.</summary>
    public double TotalSeconds => clock.Elapsed.TotalSeconds;

    /// <summary>Ends the phase running now under <paramref name="phase"/>; the next one starts.</summary>
    public void Lap(string phase)
    {
        TimeSpan now = clock.Elapsed;
        laps.Add((phase, (now - last).TotalSeconds));
        last = now;
        if (ReadPeak() is { } peak)
        {
            peaks.Add((phase, peak));
            ResetPeak();
        }
    }

    /// <summary>
    /// The most resident memory the process held during each phase, in bytes (Linux only, where the
    /// kernel keeps the high-water mark and lets a process reset it; empty elsewhere).
    /// </summary>
    public IReadOnlyList<(string Phase, long PeakBytes)> Peaks => peaks;

    /// <summary>The peaks as one line: "inputs.figures 812, engine 1033, …" (MB).</summary>
    public string PeaksLine() =>
        string.Join(", ", peaks.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Phase} {l.PeakBytes / (1024 * 1024)}")));

    private static long? ReadPeak()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                // "VmHWM:    204672 kB"
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }

    private static void ResetPeak()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            // "5" resets the high-water mark to the memory resident now (proc(5), clear_refs).
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>The phases as one line: "inputs.figures 0.412, engine 0.733, …" (seconds, three decimals).</summary>
    public override string ToString() =>
        string.Join(", ", laps.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Phase} {l.Seconds:0.000}")));
}
