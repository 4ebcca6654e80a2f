using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Saima.Data.Bulk;
using Saima.Scoring;

namespace Saima.Data.Demo;

/// <summary>What to build.</summary>
public sealed record DemoOptions
{
    /// <summary>The seed: the same seed gives the same city, figure for figure.</summary>
    public ulong Seed { get; init; } = 20240101;

    /// <summary>The first year of monthly figures; there are two years (the second's last period is left open).</summary>
    public int FirstYear { get; init; } = 2024;

    /// <summary>
    /// Months of figures (default 24: two years). Tests use fewer for speed; the last period of
    /// each scheme is always the open one.
    /// </summary>
    public int Months { get; init; } = 24;

    /// <summary>Store scored results for the published periods (through the Store's ResultService).</summary>
    public bool ComputeResults { get; init; } = true;

    /// <summary>Called with a step's name and the share of the whole build done (0–1).</summary>
    public Action<string, double>? Progress { get; init; }

    /// <summary>
    /// Called with a line of detail when given: per period's results, the seconds of each phase of
    /// its publication (<see cref="Store.PublishPhases"/>). The CLI's `demo --verbose` prints them.
    /// </summary>
    public Action<string>? Log { get; init; }
}

/// <summary>What the demo build wrote.</summary>
public sealed record DemoSummary(
    int Units,
    int Schemes,
    int Indicators,
    int Figures,
    int Targets,
    int Periods,
    int PublishedPeriods,
    int ResultSets,
    int LateFigures,
    int ReturnedFigures);

/// <summary>
/// The demo city 澜川市 (Lanchuan): a deterministic, invented prefecture city to run Saima on.
/// 12 counties and districts in two tracks (城区 districts, 县 counties), 150 townships and
/// streets under them, 40 city departments and 2 development zones; three schemes —
/// the county "six comparisons" arena (50 indicators, monthly), the township results arena
/// (12 indicators, monthly) and the departments' show-and-compare with the bureau chiefs' exam
/// (8 indicators, quarterly, departments and zones) — with targets, two years of figures with
/// seasonality and trends, every period published but the last, which is open with some late
/// (missing) and some returned submissions; bonus and penalty items; a GeoJSON map.
/// </summary>
/// <remarks>
/// The generator is SplitMix64 with a fixed seed, and every time written is fixed (derived from
/// the periods, not the clock), so two builds give identical tables.
/// </remarks>
public static partial class DemoCity
{
    public const string CountyScheme = "LC-COUNTY";
    public const string TownshipScheme = "LC-TOWN";
    public const string DepartmentScheme = "LC-DEPT";

    /// <summary>The office user the demo records as author of schemes, publications and results.</summary>
    public const string Office = "office";

    private static readonly double[] Season = [0.055, 0.05, 0.08, 0.08, 0.085, 0.095, 0.08, 0.08, 0.085, 0.085, 0.09, 0.135];

    private static readonly string[] ReturnComments =
    [
        "与统计快报数据不一致，请核实后重新报送",
        "疑似误用计量单位（万元/亿元），请核对",
        "超出合理范围，请说明原因并附佐证材料",
        "缺少佐证材料，请补充后重新提交",
        "口径与上年同期不一致，请说明",
    ];

    /// <summary>Builds the demo city into a store that has the latest schema and holds no data.</summary>
    /// <exception cref="InvalidOperationException">The store already holds units.</exception>
    public static DemoSummary Build(StoreOptions store, DemoOptions? options = null)
    {
        options ??= new DemoOptions();
        if (options.Months is < 2 or > 120)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Months, "months must be 2 to 120");
        }

        var rng = new DemoRandom(options.Seed);
        DemoRandom names = rng.Fork("names"), geoRng = rng.Fork("geo"), values = rng.Fork("values"), intake = rng.Fork("intake");
        var report = options.Progress ?? ((_, _) => { });
        DateTimeOffset created = new(options.FirstYear - 1, 12, 20, 1, 0, 0, TimeSpan.Zero);

        report("units", 0.02);
        using SaimaDb db = SaimaDb.Open(store);
        if (db.Units.Any())
        {
            throw new InvalidOperationException($"{store} already holds units; the demo city is built into an empty database");
        }

        // Units: the city, its counties and districts, their townships and streets, departments, zones.
        var city = new Unit { Code = "LC", Name = DemoNames.City, NameEn = DemoNames.CityEn, Kind = UnitKind.City };
        db.Units.Add(city);
        db.SaveChanges();
        var counties = DemoNames.Counties.Select(c => new Unit
        {
            Code = c.Code, Name = c.Name, NameEn = c.NameEn, Kind = c.District ? UnitKind.District : UnitKind.County, ParentId = city.Id,
        }).ToList();
        db.Units.AddRange(counties);
        db.SaveChanges();

        var townNames = DemoNames.TownshipNames(names, DemoNames.Counties.Sum(c => c.Townships));
        var townships = new List<(Unit Unit, string Track, string Kind)>();
        int next = 0;
        for (int c = 0; c < DemoNames.Counties.Length; c++)
        {
            var county = DemoNames.Counties[c];
            for (int t = 0; t < county.Townships; t++)
            {
                var (zh, py) = townNames[next++];
                // Districts have streets (街道); counties have towns (镇) and a few rural townships (乡).
                (string suffix, string en, UnitKind kind, string label) = county.District
                    ? ("街道", "Street", UnitKind.Street, "street")
                    : t % 5 == 4 ? ("乡", "Township", UnitKind.Township, "township") : ("镇", "Town", UnitKind.Township, "town");
                var unit = new Unit
                {
                    Code = $"{county.Code}-{(t + 1).ToString("00", CultureInfo.InvariantCulture)}",
                    Name = zh + suffix,
                    NameEn = $"{py} {en}",
                    Kind = kind,
                    ParentId = counties[c].Id,
                };
                townships.Add((unit, county.District ? "街道" : "乡镇", label));
            }
        }

        var departments = DemoNames.Departments.Select(d => new Unit
        {
            Code = d.Code, Name = DemoNames.City + d.Name, NameEn = $"Lanchuan {d.NameEn}", Kind = UnitKind.Department, ParentId = city.Id,
        }).ToList();
        var zones = DemoNames.Zones.Select(z => new Unit { Code = z.Code, Name = z.Name, NameEn = z.NameEn, Kind = UnitKind.Zone, ParentId = city.Id }).ToList();
        db.Units.AddRange(townships.Select(t => t.Unit));
        db.Units.AddRange(departments);
        db.Units.AddRange(zones);
        db.SaveChanges();
        var unitByCode = db.Units.ToDictionary(u => u.Code, u => u.Id, StringComparer.Ordinal);

        // The map.
        report("map", 0.06);
        var (countyAreas, townshipAreas) = DemoGeo.Layout(
            geoRng,
            DemoNames.Counties.Select(c => (c.Code, c.Name, c.NameEn, c.District)).ToList(),
            townships.Select(t => (t.Unit.Code, t.Unit.Name, t.Unit.NameEn!, t.Kind, counties.Single(c => c.Id == t.Unit.ParentId).Code)).ToList());
        InsertMap(db, DemoGeo.CountiesMap, "澜川市县（市、区）", DemoGeo.ToGeoJson("counties", countyAreas));
        InsertMap(db, DemoGeo.TownshipsMap, "澜川市乡镇（街道）", DemoGeo.ToGeoJson("townships", townshipAreas));

        // The three schemes and their participants.
        var schemes = new List<SchemePlan>
        {
            new(CountyScheme, "澜川市县（市、区）“六比”竞赛", "Lanchuan counties and districts: the six comparisons", "month",
                DemoCatalog.County,
                DemoNames.Counties.Select(c => (c.Code, c.District ? DemoNames.UrbanTrack : DemoNames.CountyTrack)).ToList(),
                new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal)
                {
                    [DemoNames.UrbanTrack] = new(StringComparer.Ordinal) { ["Retail"] = 1.5, ["DigitalEcon"] = 1.5, ["RuralIncome"] = 0.5, ["ForestCover"] = 0.5 },
                    [DemoNames.CountyTrack] = new(StringComparer.Ordinal) { ["RuralIncome"] = 1.5, ["IndInvest"] = 1.5, ["Retail"] = 0.7, ["ForestCover"] = 1.5 },
                }),
            new(TownshipScheme, "澜川市镇街亮绩赛马", "Lanchuan townships and streets: results arena", "month",
                DemoCatalog.Township,
                townships.Select(t => (t.Unit.Code, t.Track)).ToList(),
                new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal)
                {
                    ["街道"] = new(StringComparer.Ordinal) { ["TVillageIncome"] = 0.5, ["TNewFirms"] = 1.5 },
                    ["乡镇"] = new(StringComparer.Ordinal) { ["TVillageIncome"] = 1.5, ["TIndOutput"] = 1.2 },
                }),
            new(DepartmentScheme, "澜川市部门亮晒比拼暨局长问政", "Lanchuan departments: show and compare, bureau chiefs' exam", "quarter",
                DemoCatalog.Department,
                DemoNames.Departments.Select(d => (d.Code, d.Economic ? "经济发展类" : "社会管理类"))
                    .Concat(DemoNames.Zones.Select(z => (z.Code, "经济发展类"))).ToList(),
                new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal)
                {
                    ["经济发展类"] = new(StringComparer.Ordinal) { ["DFirmService"] = 1.5 },
                    ["社会管理类"] = new(StringComparer.Ordinal) { ["DSatisfaction"] = 1.5 },
                }),
        };

        var tally = new Tally();
        int resultSets = 0;
        for (int s = 0; s < schemes.Count; s++)
        {
            SchemePlan plan = schemes[s];
            report($"scheme {plan.Code}", 0.1 + (0.6 * s / schemes.Count));
            BuildScheme(db, store, plan, options, values, intake, unitByCode, created, tally);
        }

        report("results", 0.75);
        if (options.ComputeResults)
        {
            resultSets = ComputeResults(store, tally.Publications, report, options.Log);
        }

        if (tally.Publications.Count > 0)
        {
            report("lists", 0.99);
            BuildLists(store, tally.Publications.Max(p => p.At).AddDays(1));
            report("arena", 0.995);
            BuildArena(store, rng.Fork("arena"), tally.Publications.Max(p => p.At).AddDays(2));
            report("benchmarks", 0.997);
            BuildBenchmarks(store, tally.Publications.Max(p => p.At).AddDays(2));
        }

        report("done", 1.0);
        return new DemoSummary(db.Units.Count(), schemes.Count, schemes.Sum(s => s.Indicators.Count), tally.Figures, tally.Targets, tally.Periods, tally.Published, resultSets, tally.Late, tally.Returned);
    }

    /// <summary>What the schemes of a build wrote, summed as they are built.</summary>
    private sealed class Tally
    {
        public int Figures;
        public int Targets;
        public int Periods;
        public int Published;
        public int Late;
        public int Returned;
        public List<(long VersionId, string Period, DateTimeOffset At)> Publications { get; } = [];
    }

    /// <summary>
    /// One scheme of a build: its version, participants, indicators, periods (all published but the
    /// last), targets, adjustments and figures (the history and the open period's submissions, by
    /// the bulk path).
    /// </summary>
    private static void BuildScheme(
        SaimaDb db, StoreOptions store, SchemePlan plan, DemoOptions options, DemoRandom values, DemoRandom intake,
        Dictionary<string, long> unitByCode, DateTimeOffset created, Tally tally)
    {
        string json = DemoSchemeJson.Build(plan.Name, plan.Indicators, DemoCatalog.SixComparisons, plan.TrackWeights);
        SchemeParser.Parse(json); // the engine must accept it, or the demo is broken: fail loudly here.

        var scheme = new AssessmentScheme { Code = plan.Code, Name = plan.Name, NameEn = plan.NameEn, Frequency = plan.Frequency, CreatedAt = created, CreatedBy = Office };
        db.Schemes.Add(scheme);
        db.SaveChanges();
        var version = new SchemeVersion { SchemeId = scheme.Id, Version = 1, Json = json, Note = "演示方案 demo scheme", CreatedAt = created, CreatedBy = Office };
        db.SchemeVersions.Add(version);
        db.SchemeUnits.AddRange(plan.Units.Select(u => new SchemeUnit { SchemeId = scheme.Id, UnitId = unitByCode[u.Code], Track = u.Track }));
        var indicators = new Dictionary<string, Indicator>(StringComparer.Ordinal);
        for (int i = 0; i < plan.Indicators.Count; i++)
        {
            DemoIndicator d = plan.Indicators[i];
            var indicator = new Indicator
            {
                SchemeId = scheme.Id, Code = d.Code, Name = d.Name, NameEn = d.NameEn, Dimension = d.Dimension, Direction = d.Direction,
                UnitOfMeasure = d.Uom, Frequency = plan.Frequency, Cumulative = d.Cumulative,
                SourceUnitId = d.Source is null ? null : unitByCode[d.Source],
                MinPlausible = d.Min,
                MaxPlausible = d.Max,
                IsPublic = d.Public, SortOrder = i + 1,
            };
            indicators[d.Code] = indicator;
            db.Indicators.Add(indicator);
        }

        db.SaveChanges();
        foreach (DemoIndicator d in plan.Indicators.Where(d => d.GrowthOf is not null))
        {
            indicators[d.Code].GrowthOfId = indicators[d.GrowthOf!].Id;
        }

        // A synthetic store's context does not detect changes by itself (DemoScale): the links just set must be seen.
        db.ChangeTracker.DetectChanges();

        // Periods: all published but the last, which is open for intake.
        List<string> periodCodes = PeriodCodes(plan.Frequency, options.FirstYear, options.Months);
        var periods = new List<ReportingPeriod>();
        for (int p = 0; p < periodCodes.Count; p++)
        {
            DateTimeOffset end = PeriodEnd(periodCodes[p]);
            bool open = p == periodCodes.Count - 1;
            periods.Add(new ReportingPeriod
            {
                SchemeId = scheme.Id, Code = periodCodes[p], Status = open ? PeriodStatus.Open : PeriodStatus.Published,
                Deadline = end.AddDays(10),
                SchemeVersionId = open ? null : version.Id,
                PublishedAt = open ? null : end.AddDays(8),
                PublishedBy = open ? null : Office,
            });
        }

        db.Periods.AddRange(periods);
        db.SaveChanges();
        tally.Periods += periods.Count;
        tally.Published += periods.Count - 1;

        // Figures and targets, drawn unit by unit; the targets written in bulk (a large store
        // has 152,000 of them: minutes through the change tracker).
        DemoRandom draw = values.Fork(plan.Code);
        var drawn = DrawFigures(draw, plan, periodCodes, options.FirstYear);
        tally.Targets += Intake.TargetBulkInsert.Insert(db, scheme.Id,
            drawn.Targets.Select(t => new Intake.TargetBulkInsert.Row(unitByCode[t.Unit], indicators[t.Indicator].Id, t.Year, t.Value)));

        foreach (ReportingPeriod p in periods.Where(p => p.Status == PeriodStatus.Published))
        {
            db.Audit.Add(new AuditEntry
            {
                At = p.PublishedAt!.Value, User = Office, Action = "publish", Entity = "period", EntityKey = $"{plan.Code}/{p.Code}",
                Field = "status", OldValue = "open", NewValue = "published", Reason = "演示数据 demo history",
            });
            tally.Publications.Add((version.Id, p.Code, p.PublishedAt.Value));
        }

        foreach (var a in Adjustments(plan.Code, periodCodes))
        {
            db.Adjustments.Add(new AdjustmentItem
            {
                SchemeId = scheme.Id, UnitId = unitByCode[a.Unit], Period = a.Period, Node = a.Node, Points = a.Points, Reason = a.Reason,
                CreatedBy = Office, CreatedAt = a.Period is null ? created : PeriodEnd(a.Period).AddDays(6),
            });
        }

        db.SaveChanges();

        // Two import batches: the history (each period's figures entered a few days after it
        // ended, before it was published, as the reporters' monthly submissions would be)
        // and the open period's submissions so far. The history is written period by period
        // (every unit's figures of a month together, as a real store receives them), so that a
        // period's rows lie together in the table instead of scattered over all of it.
        DemoRandom intakeRng = intake.Fork(plan.Code);
        string openPeriod = periodCodes[^1];
        var history = periodCodes.ToDictionary(p => p, _ => new List<BulkFigure>(), StringComparer.Ordinal);
        var current = new List<BulkFigure>();
        var enteredAt = periodCodes.ToDictionary(p => p, p => PeriodEnd(p).AddDays(4), StringComparer.Ordinal);
        foreach (var f in drawn.Figures)
        {
            if (f.Period != openPeriod)
            {
                history[f.Period].Add(new BulkFigure(f.Unit, f.Indicator, f.Period, f.Value, FigureStatus.Published, EnteredAt: enteredAt[f.Period]));
                continue;
            }

            // The open period: some units are late (nothing yet), some figures are returned.
            if (drawn.LateUnits.Contains(f.Unit) && intakeRng.Chance(0.5))
            {
                tally.Late++;
                continue;
            }

            double roll = intakeRng.NextDouble();
            if (roll < 0.05)
            {
                DemoIndicator d = plan.Indicators.First(i => i.Code == f.Indicator);
                double bad = d.Model is ValueModel.Rate or ValueModel.Rank ? Math.Round(d.Max * 1.15, d.Decimals) : Math.Round(f.Value * 10, d.Decimals);
                current.Add(new BulkFigure(f.Unit, f.Indicator, f.Period, bad, FigureStatus.Returned, ReturnComments[intakeRng.Next(ReturnComments.Length)]));
                tally.Returned++;
            }
            else
            {
                current.Add(new BulkFigure(f.Unit, f.Indicator, f.Period, f.Value, roll < 0.6 ? FigureStatus.Approved : FigureStatus.Submitted));
            }
        }

        int historyCount = history.Values.Sum(h => h.Count);
        if (historyCount > 0)
        {
            FigureBulkLoader.Load(store, plan.Code, periodCodes.SelectMany(p => history[p]), new BulkLoadOptions
            {
                EnteredBy = "reporter", FileName = $"{periodCodes[0]}..{periodCodes[^2]} (demo history)", AllowPublishedPeriods = true,
                Clock = new FixedClock(enteredAt[periodCodes[^2]]),
            });
        }

        FigureBulkLoader.Load(store, plan.Code, current, new BulkLoadOptions
        {
            EnteredBy = "reporter", FileName = $"{openPeriod} (demo submissions)", Clock = new FixedClock(enteredAt[openPeriod]),
        });
        tally.Figures += historyCount + current.Count;
    }

    /// <summary>Scores every published period with the Store's result service, as of its publication.</summary>
    /// <remarks>
    /// With <paramref name="log"/>, each period's phases are logged after it as one line,
    /// "results 2025-02 phases: total 1.234; inputs.figures 0.412, …" (seconds), worded so that
    /// bench/scale/run.sh, which reads the step lines, does not take it for one.
    /// </remarks>
    private static int ComputeResults(StoreOptions store, List<(long VersionId, string Period, DateTimeOffset At)> publications, Action<string, double> report, Action<string>? log = null)
    {
        int done = 0;
        foreach (var (versionId, period, at) in publications)
        {
            using SaimaDb db = SaimaDb.Open(store);
            Store.PublishPhases? phases = log is null ? null : new();
            new Store.ResultService(db, new FixedClock(at)).Compute(Store.Actor.Office(Office), versionId, period, phases);
            if (phases is not null)
            {
                log!(string.Create(CultureInfo.InvariantCulture, $"           results {period} phases: total {phases.TotalSeconds:0.000}; {phases}"));
            }

            done++;
            report($"results {period}", 0.75 + (0.25 * done / publications.Count));
        }

        return done;
    }

    private static void InsertMap(SaimaDb db, string code, string name, string geoJson)
    {
        db.Database.ExecuteSql($"INSERT INTO geo_maps (code, name, geo_json) VALUES ({code}, {name}, {geoJson})");
    }

    internal static List<string> PeriodCodes(string frequency, int firstYear, int months)
    {
        var list = new List<string>();
        for (int m = 0; m < months; m++)
        {
            int year = firstYear + (m / 12), month = (m % 12) + 1;
            if (frequency == "quarter")
            {
                if (month % 3 == 0)
                {
                    list.Add(string.Create(CultureInfo.InvariantCulture, $"{year}-Q{month / 3}"));
                }
            }
            else
            {
                list.Add(string.Create(CultureInfo.InvariantCulture, $"{year}-{month:00}"));
            }
        }

        return list;
    }

    /// <summary>The last day of a period, 18:00 in China (UTC+8), as UTC.</summary>
    internal static DateTimeOffset PeriodEnd(string period)
    {
        int year = int.Parse(period.AsSpan(0, 4), CultureInfo.InvariantCulture);
        int month = period[5] == 'Q' ? (period[6] - '0') * 3 : int.Parse(period.AsSpan(5, 2), CultureInfo.InvariantCulture);
        var local = new DateTimeOffset(year, month, DateTime.DaysInMonth(year, month), 18, 0, 0, TimeSpan.FromHours(8));
        return local.ToUniversalTime();
    }

    private sealed record SchemePlan(
        string Code,
        string Name,
        string NameEn,
        string Frequency,
        IReadOnlyList<DemoIndicator> Indicators,
        IReadOnlyList<(string Code, string Track)> Units,
        Dictionary<string, Dictionary<string, double>> TrackWeights);

    private sealed record Drawn(
        List<(string Unit, string Indicator, string Period, double Value)> Figures,
        List<(string Unit, string Indicator, int Year, double Value)> Targets,
        HashSet<string> LateUnits);

    /// <summary>
    /// Each unit has a size, a strength (how well it performs across indicators) and a growth rate;
    /// each of its indicators a level of its own. Flows are monthly amounts with the year's
    /// seasonality (a slow start around the Spring Festival, a strong December) summed year to
    /// date, so they never fall within a year; rates drift with a trend around the unit's level.
    /// </summary>
    private static Drawn DrawFigures(DemoRandom rng, SchemePlan plan, List<string> periods, int firstYear)
    {
        var figures = new List<(string, string, string, double)>();
        var targets = new List<(string, string, int, double)>();
        int years = ((periods.Count - 1) / (plan.Frequency == "quarter" ? 4 : 12)) + 1;
        foreach (var (unit, _) in plan.Units)
        {
            double size = Math.Exp(0.35 * rng.Normal());
            double strength = rng.Normal();
            double growth = 0.055 + (0.015 * strength) + (0.008 * rng.Normal());
            foreach (DemoIndicator d in plan.Indicators)
            {
                double own = rng.Normal();
                double g = growth + (0.02 * rng.Normal());
                double perf = d.Direction * strength;
                if (d.Model == ValueModel.Derived)
                {
                    // Targets only: the growth itself is derived from the level indicator.
                    for (int y = 0; y < years; y++)
                    {
                        targets.Add((unit, d.Code, firstYear + y, 5.5 + (0.5 * rng.Next(4))));
                    }

                    continue;
                }

                double annual = d.Base * size * Math.Exp((0.25 * own) + (0.1 * perf));
                if (d.Model is ValueModel.Flow or ValueModel.Count && d.HasTarget)
                {
                    for (int y = 0; y < years; y++)
                    {
                        double expected = annual * Math.Pow(1 + g, y);
                        targets.Add((unit, d.Code, firstYear + y, Math.Round(expected * Math.Exp(0.03 + (0.04 * rng.Normal())), Math.Max(d.Decimals, 0))));
                    }
                }
                else if (d.HasTarget)
                {
                    for (int y = 0; y < years; y++)
                    {
                        double level = d.Base + (d.Spread * ((0.6 * perf) + (0.8 * own))) + (d.Trend * (y + 0.5));
                        double target = d.Code == "DGoals" ? 100 : level + (d.Direction * d.Spread * 0.3);
                        targets.Add((unit, d.Code, firstYear + y, Math.Round(Math.Clamp(target, d.Min, d.Max), d.Decimals)));
                    }
                }

                double ytd = 0;
                int lastYear = -1;
                for (int t = 0; t < periods.Count; t++)
                {
                    string p = periods[t];
                    int year = int.Parse(p.AsSpan(0, 4), CultureInfo.InvariantCulture) - firstYear;
                    int month = p[5] == 'Q' ? (p[6] - '0') * 3 : int.Parse(p.AsSpan(5, 2), CultureInfo.InvariantCulture);
                    double months = year * 12 + month;
                    double value;
                    switch (d.Model)
                    {
                        case ValueModel.Flow:
                        case ValueModel.Count:
                            if (year != lastYear)
                            {
                                ytd = 0;
                                lastYear = year;
                            }

                            double flow = annual * Math.Pow(1 + g, year) * Season[month - 1] * Math.Max(0.2, 1 + (0.08 * rng.Normal()));
                            ytd += flow;

                            // Rounding is monotone, so the rounded year-to-date figures never fall either.
                            value = Math.Round(ytd, d.Decimals);
                            break;
                        case ValueModel.Stock:
                            value = Math.Round(annual * (1 + (g * months / 12)) * (1 + (0.01 * rng.Normal())), d.Decimals);
                            break;
                        case ValueModel.Rank:
                            value = Math.Clamp(Math.Round(45 - (18 * strength) - (8 * own) + (6 * rng.Normal())), d.Min, d.Max);
                            break;
                        default:
                            double season = Math.Cos(2 * Math.PI * (month - 1) / 12); // 1 in January, −1 in July
                            double seasonal = d.Code switch
                            {
                                "GoodAir" => -0.6 * d.Spread * season,
                                "PM25" => 1.2 * d.Spread * season,
                                _ => 0,
                            };
                            value = d.Base + (d.Spread * ((0.6 * perf) + (0.8 * own))) + (d.Trend * months / 12) + seasonal + (0.25 * d.Spread * rng.Normal());
                            value = Math.Round(Math.Clamp(value, d.Min, d.Max), d.Decimals);
                            break;
                    }

                    figures.Add((unit, d.Code, p, value));
                }
            }
        }

        // Late units of the open period: about one in six.
        var late = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (unit, _) in plan.Units)
        {
            if (rng.Chance(1.0 / 6))
            {
                late.Add(unit);
            }
        }

        return new Drawn(figures, targets, late);
    }

    private static IEnumerable<(string Unit, string? Period, string? Node, double Points, string Reason)> Adjustments(string scheme, List<string> periods)
    {
        string P(int fromEnd) => periods[Math.Max(0, periods.Count - 1 - fromEnd)];
        return scheme switch
        {
            CountyScheme =>
            [
                ("C02", P(6), null, 1, "获省级营商环境改革试点表彰 provincial commendation for business-environment reform"),
                ("C07", P(9), "Responsibility", -1.5, "发生较大生产安全事故 a serious work-safety accident"),
                ("C04", P(3), "Projects", 2, "承办全省重大项目现场推进会 hosted the provincial major-projects site meeting"),
                ("C10", P(13), "Environment", -1, "环保督察反馈问题整改滞后 slow rectification of environmental-inspection findings"),
                ("C12", null, null, 0.5, "创新工作获省领导肯定性批示 innovation praised by provincial leaders"),
                ("C05", P(2), "Responsibility", -0.5, "信访积案化解不力被通报 named for slow petition handling"),
                ("C09", P(12), null, 1, "国家级农业产业强镇创建成功 national agricultural-industry town"),
                ("C01", P(6), "Projects", 1.5, "“海豚奖”：季度项目推进最快 dolphin award: fastest project progress"),
                ("C11", P(6), "Projects", -1, "“海龟奖”：季度项目推进最慢 turtle award: slowest project progress"),
            ],
            TownshipScheme =>
            [
                ("C03-02", P(4), null, 2, "获评省级文明街道 provincial civilised street"),
                ("C08-05", P(7), "Responsibility", -2, "发生一次死亡2人以上生产安全事故 a fatal work-safety accident"),
                ("C10-01", P(1), "Projects", 1, "引进亿元以上产业项目 attracted an industrial project over 100 million yuan"),
            ],
            _ =>
            [
                ("B05", P(2), "Responsibility", 1, "局长问政整改承诺按期兑现 exam commitments kept on time"),
                ("B23", P(1), "Responsibility", -2, "局长问政现场表态整改不力 exam: rectification not delivered"),
                ("Z01", P(3), null, 1.5, "开发区综合考评全省前列 development zone among the province's best"),
            ],
        };
    }

    /// <summary>A clock that always says the same time: the demo's times come from its periods.</summary>
    private sealed class FixedClock(DateTimeOffset at) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => at;
    }
}
