using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Saima.Data.Store;

namespace Saima.Data.Tests.Store;

/// <summary>
/// A small city on one store: the city, four counties (C01–C04, in tracks 城区 and 县 when asked),
/// the statistics bureau (TJJ), and the services acting on one context with a fake clock. Tests
/// say what they do in the words of the workflow: <c>Report</c>, <c>Publish</c>, <c>Correct</c>.
/// </summary>
public sealed class World : IDisposable
{
    public const string Revenue = "Rev";
    public const string RevenueGrowth = "RevG";

    /// <summary>Revenue (level, scored min-max) and its derived year-on-year growth (scored min-max), averaged.</summary>
    public const string GrowthSchemeJson = """
        { "name": "县域财政收入赛马",
          "indicators": [
            { "code": "Rev",  "name": "一般公共预算收入", "parent": "Total" },
            { "code": "RevG", "name": "一般公共预算收入增速", "parent": "Total" } ],
          "groups": [ { "code": "Total", "name": "综合得分" } ] }
        """;

    public static readonly IndicatorSpec[] GrowthIndicators =
    [
        new(Revenue, "一般公共预算收入") { UnitOfMeasure = "亿元", Dimension = "Total" },
        new(RevenueGrowth, "一般公共预算收入增速") { UnitOfMeasure = "%", GrowthOf = Revenue, Dimension = "Total" },
    ];

    private readonly Dictionary<string, long> _units = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _indicators = new(StringComparer.Ordinal);

    public World(StoreOptions store)
        : this(store, new DateTimeOffset(2025, 7, 1, 8, 0, 0, TimeSpan.Zero))
    {
        AddUnit("CITY", "江海市", UnitKind.City, null);
        AddUnit("C01", "青山区", UnitKind.District, "CITY");
        AddUnit("C02", "临江县", UnitKind.County, "CITY");
        AddUnit("C03", "北湖县", UnitKind.County, "CITY");
        AddUnit("C04", "南岭县", UnitKind.County, "CITY");
        AddUnit("TJJ", "市统计局", UnitKind.Department, "CITY");
    }

    private World(StoreOptions store, DateTimeOffset now)
    {
        Store = store;
        Db = SaimaDb.Open(store);
        Clock = TestClocks.At(now);
        Schemes = new SchemeService(Db, Clock);
        Figures = new FigureWorkflow(Db, Clock);
        Results = new ResultService(Db, Clock);
        Periods = new PeriodService(Db, Clock);
    }

    /// <summary>
    /// A world of its own, as <paramref name="seed"/> leaves a new one: the seed runs once per
    /// provider and key (<see cref="Stores.NewCopyOf{T}"/>), and each call gets a copy of that
    /// store, with the units, scheme S1 and indicators read back from it and the clock where the
    /// seed left it.
    /// </summary>
    public static World CopyOf(Stores stores, StoreProvider provider, string key, Action<World> seed) =>
        CopyOf<object?>(stores, provider, key, w =>
        {
            seed(w);
            return null;
        }).World;

    /// <summary>As <see cref="CopyOf(Stores, StoreProvider, string, Action{World})"/>, with what the seed returned (the same object for every copy: read it only).</summary>
    public static (World World, T State) CopyOf<T>(Stores stores, StoreProvider provider, string key, Func<World, T> seed)
    {
        (StoreOptions store, (DateTimeOffset Now, T State) seeded) = stores.NewCopyOf(provider, key, s =>
        {
            using var w = new World(s);
            T state = seed(w);
            return (w.Clock.GetUtcNow(), state);
        });
        var copy = new World(store, seeded.Now);
        foreach (Unit u in copy.Db.Units.AsNoTracking())
        {
            copy._units[u.Code] = u.Id;
        }

        if (copy.Db.Schemes.AsNoTracking().SingleOrDefault(s => s.Code == "S1") is { } scheme)
        {
            copy.Scheme = scheme;
            foreach (Indicator i in copy.Db.Indicators.AsNoTracking().Where(i => i.SchemeId == scheme.Id))
            {
                copy._indicators[i.Code] = i.Id;
            }
        }

        return (copy, seeded.State);
    }

    public StoreOptions Store { get; }
    public SaimaDb Db { get; }
    public FakeTimeProvider Clock { get; }
    public SchemeService Schemes { get; }
    public FigureWorkflow Figures { get; }
    public ResultService Results { get; }
    public PeriodService Periods { get; }
    public AssessmentScheme Scheme { get; private set; } = null!;

    public Actor Office { get; } = Actor.Office("office.wang");

    /// <summary>A second office user: approves what <see cref="Office"/> proposes (four eyes).</summary>
    public Actor Office2 { get; } = Actor.Office("office.li");
    public Actor Reviewer { get; } = Actor.Reviewer("reviewer.zhao");

    public Actor ReporterOf(string unit) => Actor.Reporter("reporter." + unit.ToLowerInvariant(), Unit(unit));

    public long Unit(string code) => _units[code];

    public long Indicator(string code) => _indicators[code];

    /// <summary>Creates the scheme S1 (monthly) over C01–C04 and records its indicator ids.</summary>
    public AssessmentScheme CreateScheme(string json = GrowthSchemeJson, IndicatorSpec[]? indicators = null, string[]? tracks = null)
    {
        string[] units = ["C01", "C02", "C03", "C04"];
        var spec = new NewScheme("S1", "2025年县域赛马", "month", units.Select((u, i) => new SchemeUnitSpec(u, tracks?[i])).ToList(), indicators ?? GrowthIndicators, json);
        Scheme = Schemes.CreateScheme(Office, spec);
        foreach (Indicator i in Db.Indicators.Where(i => i.SchemeId == Scheme.Id))
        {
            _indicators[i.Code] = i.Id;
        }

        return Scheme;
    }

    public ReportingPeriod Open(string period)
    {
        Clock.Advance(TimeSpan.FromMinutes(1));
        return Periods.OpenAsync(Office, Scheme.Id, period, Clock.GetUtcNow().AddDays(10)).GetAwaiter().GetResult();
    }

    /// <summary>The unit's reporter enters and submits a figure; the reviewer approves it.</summary>
    public Figure Report(string unit, string indicator, string period, double? value)
    {
        Clock.Advance(TimeSpan.FromMinutes(1));
        Figure f = Figures.SaveDraft(ReporterOf(unit), Scheme.Id, Unit(unit), Indicator(indicator), period, value);
        Clock.Advance(TimeSpan.FromMinutes(1));
        Figures.Submit(ReporterOf(unit), f.Id);
        Clock.Advance(TimeSpan.FromMinutes(1));
        return Figures.Approve(Reviewer, f.Id);
    }

    /// <summary>Opens a period, reports one indicator's figures of every unit given, and publishes it.</summary>
    public Publication PublishRevenue(string period, params (string Unit, double Value)[] figures)
    {
        Open(period);
        foreach ((string unit, double value) in figures)
        {
            Report(unit, Revenue, period, value);
        }

        Clock.Advance(TimeSpan.FromMinutes(1));
        return Figures.Publish(Office, Scheme.Id, period, MissingRules.Scheme);
    }

    /// <summary>The office proposes a bonus or penalty item and a second office user approves it.</summary>
    public AdjustmentItem Adjust(string unit, double points, string reason, string? period = null, string? node = null)
    {
        Clock.Advance(TimeSpan.FromMinutes(1));
        var service = new AdjustmentService(Db, Clock);
        AdjustmentItem item = service.ProposeAsync(Office, new AdjustmentProposal(Scheme.Id, Unit(unit), points, reason, period, node)).GetAwaiter().GetResult();
        Clock.Advance(TimeSpan.FromMinutes(1));
        return service.ApproveAsync(Office2, item.Id).GetAwaiter().GetResult();
    }

    public Figure CurrentFigure(string unit, string indicator, string period) =>
        Db.Figures.Single(f => f.SchemeId == Scheme.Id && f.UnitId == Unit(unit) && f.IndicatorId == Indicator(indicator) && f.Period == period && f.IsCurrent);

    /// <summary>A result row of a result set, read from a fresh context (what is stored, not what is tracked).</summary>
    public ResultRow Row(long resultSetId, string unit, string node)
    {
        using SaimaDb fresh = SaimaDb.Open(Store);
        long id = Unit(unit);
        return fresh.ResultRows.Single(r => r.ResultSetId == resultSetId && r.UnitId == id && r.Node == node);
    }

    public void Dispose() => Db.Dispose();

    private void AddUnit(string code, string name, UnitKind kind, string? parent)
    {
        _units[code] = Schemes.AddUnit(Office, code, name, kind, parent).Id;
    }
}
