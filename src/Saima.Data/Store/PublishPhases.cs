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
    private TimeSpan last;

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
    }

    /// <summary>The phases as one line: "inputs.figures 0.412, engine 0.733, …" (seconds, three decimals).</summary>
    public override string ToString() =>
        string.Join(", ", laps.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Phase} {l.Seconds:0.000}")));
}
