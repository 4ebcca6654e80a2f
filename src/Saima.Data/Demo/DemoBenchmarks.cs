using System.Globalization;
using Saima.Data.Store;

namespace Saima.Data.Demo;

/// <summary>
/// The demo city's benchmarking (对标先进): the county scheme's context indicators (size and
/// wealth: GDP, budget revenue, urban income), peers the office names for three counties, and three
/// advanced cities outside the assessment with published figures of the latest period, all through
/// the doors (<see cref="AnalysisService"/>, <see cref="PeerService"/>).
/// </summary>
public static partial class DemoCity
{
    /// <summary>The county scheme's context indicators.</summary>
    internal static readonly string[] ContextIndicators = ["GDP", "Revenue", "UrbanIncome"];

    /// <summary>The external benchmark cities, and how far ahead of the best county each is on the benchmarked indicators.</summary>
    private static readonly (string Name, double Lead, string Source)[] BenchmarkCities =
    [
        ("先进城市甲", 1.35, "先进城市甲统计局《统计月报》"),
        ("先进城市乙", 1.2, "先进城市乙人民政府网站“统计数据”栏目"),
        ("先进城市丙", 1.1, "先进城市丙统计局《国民经济和社会发展统计公报》"),
    ];

    private static readonly string[] BenchmarkedIndicators = ["GDP", "Revenue", "Retail", "FAI", "RDIntensity", "UrbanIncome", "RuralIncome", "GoodAir", "PM25", "NewFirms"];

    private static void BuildBenchmarks(StoreOptions store, DateTimeOffset at)
    {
        using SaimaDb db = SaimaDb.Open(store);
        var clock = new FixedClock(at);
        Actor office = Actor.Office(Office);
        AssessmentScheme county = db.Schemes.Single(s => s.Code == CountyScheme);
        new AnalysisService(db, clock).SetSettingsAsync(office, county.Id, db.AnalysisSettings.Where(s => s.SchemeId == county.Id).Select(s => s.AlternativesJson).SingleOrDefault(), ContextIndicators)
            .GetAwaiter().GetResult();

        var peers = new PeerService(db, clock);
        var units = db.Units.ToDictionary(u => u.Code, u => u.Id, StringComparer.Ordinal);
        string[] codes = [.. DemoNames.Counties.Select(c => c.Code)];
        // Three counties whose office named their peers: the two after them in the list, and the first.
        foreach (string code in codes.Take(3))
        {
            string[] named = [.. codes.Where(c => c != code).Skip(Array.IndexOf(codes, code)).Take(2).Append(codes[^1]).Distinct()];
            peers.SetNamedPeersAsync(office, county.Id, units[code], named, "同类县（市、区）对标").GetAwaiter().GetResult();
        }

        ResultSet? latest = db.ResultSets.Where(r => r.SchemeId == county.Id).OrderByDescending(r => r.Period).ThenByDescending(r => r.Id).FirstOrDefault();
        if (latest is null)
        {
            return;
        }

        var directions = db.SchemeVersions.Where(v => v.Id == latest.SchemeVersionId).Select(v => v.Json).Single() is string json
            ? Scoring.SchemeParser.Parse(json).Indicators.ToDictionary(i => i.Code, i => i.Direction, StringComparer.Ordinal)
            : [];
        foreach (string indicator in BenchmarkedIndicators.Where(directions.ContainsKey))
        {
            var values = db.ResultRows.Where(r => r.ResultSetId == latest.Id && r.Node == indicator && r.Value != null).Select(r => r.Value!.Value).ToList();
            if (values.Count == 0)
            {
                continue;
            }

            int dir = directions[indicator];
            double best = dir > 0 ? values.Max() : values.Min();
            foreach (var (name, lead, source) in BenchmarkCities)
            {
                double value = dir > 0 ? best * lead : best / lead;
                value = Math.Round(value, Math.Abs(value) >= 100 ? 0 : 2);
                peers.AddBenchmarkAsync(office, county.Id, name, indicator, latest.Period, value, source).GetAwaiter().GetResult();
            }
        }
    }
}
