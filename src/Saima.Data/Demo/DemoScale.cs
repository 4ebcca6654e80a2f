using System.Globalization;
using Saima.Scoring;

namespace Saima.Data.Demo;

/// <summary>The sizes of synthetic store <see cref="DemoCity.BuildScale"/> builds.</summary>
public enum DemoScale
{
    /// <summary>100 counties × 100 indicators × 24 months.</summary>
    Province,

    /// <summary>1,000 counties × 200 indicators × 24 months.</summary>
    Large,

    /// <summary>3,000 counties × 200 indicators × 24 months, and 40,000 townships × 50 indicators in a second scheme.</summary>
    Country,
}

/// <summary>What a size means: counties and their indicators, townships and theirs (0: no township scheme).</summary>
public sealed record DemoScaleSize(int Counties, int CountyIndicators, int Townships, int TownshipIndicators)
{
    public static DemoScaleSize Of(DemoScale scale) => scale switch
    {
        DemoScale.Province => new(100, 100, 0, 0),
        DemoScale.Large => new(1_000, 200, 0, 0),
        DemoScale.Country => new(3_000, 200, 40_000, 50),
        _ => throw new ArgumentOutOfRangeException(nameof(scale), scale, "unknown scale"),
    };
}

public static partial class DemoCity
{
    /// <summary>The county scheme of a synthetic store.</summary>
    public const string ScaleCountyScheme = "SC-COUNTY";

    /// <summary>The township scheme of the country-sized store.</summary>
    public const string ScaleTownshipScheme = "SC-TOWN";

    /// <summary>
    /// Builds a synthetic store of the given size into an empty store, for measuring: counties (a
    /// third of them districts, the 城区 track; the rest the 县 track) named and drawn like the
    /// demo city's, the city's 40 departments as sources, one monthly scheme over the counties
    /// with the demo's indicators repeated up to the size (and, for the country, a second scheme
    /// over 40,000 townships), targets, figures for <see cref="DemoOptions.Months"/> months by the
    /// bulk path, every period published and scored but the last, which is open. The same seed
    /// gives the same store.
    /// </summary>
    /// <exception cref="InvalidOperationException">The store already holds units.</exception>
    public static DemoSummary BuildScale(StoreOptions store, DemoScale scale, DemoOptions? options = null) =>
        BuildScale(store, DemoScaleSize.Of(scale), options);

    /// <summary>As <see cref="BuildScale(StoreOptions, DemoScale, DemoOptions?)"/>, of any size (tests build small ones).</summary>
    public static DemoSummary BuildScale(StoreOptions store, DemoScaleSize size, DemoOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(size);
        options ??= new DemoOptions();
        if (size.Counties < 2 || size.CountyIndicators < 1 || size.Townships < 0 || (size.Townships > 0 && size.TownshipIndicators < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "at least 2 counties and 1 indicator per scheme");
        }

        var rng = new DemoRandom(options.Seed);
        DemoRandom names = rng.Fork("names"), values = rng.Fork("values"), intake = rng.Fork("intake");
        var report = options.Progress ?? ((_, _) => { });
        DateTimeOffset created = new(options.FirstYear - 1, 12, 20, 1, 0, 0, TimeSpan.Zero);

        report("units", 0.02);
        using SaimaDb db = SaimaDb.Open(store);
        if (db.Units.Any())
        {
            throw new InvalidOperationException($"{store} already holds units; a synthetic store is built into an empty database");
        }

        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var root = new Unit { Code = "SC", Name = "赛马省", NameEn = "Saima Province", Kind = UnitKind.City };
        db.Units.Add(root);
        db.SaveChanges();

        var pool = DemoNames.TownshipNames(names, Math.Max(size.Counties, size.Townships));
        (string Zh, string Py) Named(int i) => i < pool.Count
            ? pool[i]
            : (pool[i % pool.Count].Zh + (i / pool.Count).ToString(CultureInfo.InvariantCulture), pool[i % pool.Count].Py + (i / pool.Count).ToString(CultureInfo.InvariantCulture));

        var counties = new List<(Unit Unit, string Track)>();
        for (int c = 0; c < size.Counties; c++)
        {
            bool district = c % 3 == 0;
            var (zh, py) = Named(c);
            counties.Add((new Unit
            {
                Code = "X" + (c + 1).ToString("0000", CultureInfo.InvariantCulture),
                Name = zh + (district ? "区" : "县"),
                NameEn = py + (district ? " District" : " County"),
                Kind = district ? UnitKind.District : UnitKind.County,
                ParentId = root.Id,
            }, district ? DemoNames.UrbanTrack : DemoNames.CountyTrack));
        }

        db.Units.AddRange(counties.Select(c => c.Unit));
        db.Units.AddRange(DemoNames.Departments.Select(d => new Unit
        {
            Code = d.Code, Name = d.Name, NameEn = d.NameEn, Kind = UnitKind.Department, ParentId = root.Id,
        }));
        db.Units.AddRange(DemoNames.Zones.Select(z => new Unit { Code = z.Code, Name = z.Name, NameEn = z.NameEn, Kind = UnitKind.Zone, ParentId = root.Id }));
        db.SaveChanges();

        var townships = new List<(Unit Unit, string Track)>();
        for (int t = 0; t < size.Townships; t++)
        {
            var (county, _) = counties[t % counties.Count];
            bool street = county.Kind == UnitKind.District;
            var (zh, py) = Named(size.Counties + t);
            townships.Add((new Unit
            {
                Code = county.Code + "-" + ((t / counties.Count) + 1).ToString("00", CultureInfo.InvariantCulture),
                Name = zh + (street ? "街道" : "镇"),
                NameEn = py + (street ? " Street" : " Town"),
                Kind = street ? UnitKind.Street : UnitKind.Township,
                ParentId = county.Id,
            }, street ? "街道" : "乡镇"));
        }

        foreach (var chunk in townships.Chunk(5_000))
        {
            db.Units.AddRange(chunk.Select(t => t.Unit));
            db.SaveChanges();
            db.ChangeTracker.Clear();
        }

        var unitByCode = db.Units.ToDictionary(u => u.Code, u => u.Id, StringComparer.Ordinal);
        var plans = new List<SchemePlan>
        {
            new(ScaleCountyScheme, "赛马省县（市、区）综合考核", "Saima Province counties: comprehensive assessment", "month",
                Repeated(DemoCatalog.County, size.CountyIndicators),
                counties.Select(c => (c.Unit.Code, c.Track)).ToList(),
                new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal)
                {
                    [DemoNames.UrbanTrack] = new(StringComparer.Ordinal) { ["Retail"] = 1.5, ["RuralIncome"] = 0.5 },
                    [DemoNames.CountyTrack] = new(StringComparer.Ordinal) { ["RuralIncome"] = 1.5, ["Retail"] = 0.7 },
                }),
        };
        if (size.Townships > 0)
        {
            plans.Add(new(ScaleTownshipScheme, "赛马省乡镇（街道）亮绩赛马", "Saima Province townships and streets: results arena", "month",
                Repeated(DemoCatalog.Township, size.TownshipIndicators),
                townships.Select(t => (t.Unit.Code, t.Track)).ToList(),
                new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal)));
        }

        var tally = new Tally();
        for (int s = 0; s < plans.Count; s++)
        {
            report($"scheme {plans[s].Code}", 0.1 + (0.6 * s / plans.Count));
            db.ChangeTracker.Clear();
            BuildScheme(db, store, plans[s], options, values, intake, unitByCode, created, tally);
        }

        int resultSets = 0;
        report("results", 0.75);
        if (options.ComputeResults)
        {
            resultSets = ComputeResults(store, tally.Publications, report, options.Log);
        }

        report("done", 1.0);
        return new DemoSummary(unitByCode.Count, plans.Count, plans.Sum(p => p.Indicators.Count), tally.Figures, tally.Targets, tally.Periods, tally.Published,
            resultSets, tally.Late, tally.Returned);
    }

    /// <summary>
    /// The catalogue's indicators repeated up to <paramref name="count"/>: the second round's codes
    /// end in 2 (GDP2, its growth GDPGrowth2 of GDP2), the third's in 3, and so on.
    /// </summary>
    private static List<DemoIndicator> Repeated(IReadOnlyList<DemoIndicator> catalogue, int count)
    {
        var list = new List<DemoIndicator>(count);
        var codes = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; list.Count < count; i++)
        {
            DemoIndicator d = catalogue[i % catalogue.Count];
            int round = i / catalogue.Count;
            string suffix = round == 0 ? string.Empty : (round + 1).ToString(CultureInfo.InvariantCulture);
            DemoIndicator copy = round == 0 ? d : d with
            {
                Code = d.Code + suffix,
                Name = d.Name + "（" + suffix + "）",
                NameEn = d.NameEn + " (" + suffix + ")",
                GrowthOf = d.GrowthOf is null ? null : d.GrowthOf + suffix,
            };

            // A growth indicator comes only after its level indicator.
            if (copy.GrowthOf is null || codes.Contains(copy.GrowthOf))
            {
                list.Add(copy);
                codes.Add(copy.Code);
            }
        }

        return list;
    }
}
