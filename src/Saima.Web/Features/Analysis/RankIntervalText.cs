using System.Globalization;

namespace Saima.Web.Features.Analysis;

/// <summary>How a stored 90% rank interval is written beside a rank: "(3–7)", compact enough for a phone's table.</summary>
public static class RankIntervalText
{
    /// <summary>"(low–high)", or null when there is no interval or it is the rank alone (a rank no perturbation moves).</summary>
    public static string? Of(int? low, int? high) =>
        low is { } l && high is { } h && l != h
            ? string.Create(CultureInfo.InvariantCulture, $"({l}–{h})")
            : null;
}
