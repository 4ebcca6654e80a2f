using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Saima.Data.Intake;

namespace Saima.Data.Tests.Intake;

/// <summary>
/// A small scheme for intake tests: three units in two tracks, a statistics bureau that supplies GDP,
/// a unit outside the scheme, indicators with plausible ranges (one cumulative, one derived, one
/// quarterly), periods 2025-04 (published), 2025-05 and 2025-06, targets and some stored figures.
/// Optionally many more units and indicators for the 10,000-row files.
/// </summary>
internal sealed class IntakeWorld
{
    public const string Scheme = "S1";
    public const string Reporter = "reporter01";
    // UTC, as the store keeps it (PostgreSQL's timestamptz takes only offset 0); 09:30 in Beijing.
    public static readonly DateTimeOffset Now = new(2025, 7, 3, 1, 30, 0, TimeSpan.Zero);

    private IntakeWorld(StoreOptions store) => Store = store;

    public StoreOptions Store { get; }
    public TimeProvider Clock { get; } = TestClocks.InChina(Now.ToUniversalTime());
    public long SchemeId { get; private set; }
    public Dictionary<string, long> Units { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, long> Indicators { get; } = new(StringComparer.Ordinal);

    public SaimaDb Open() => SaimaDb.Open(Store);

    public FigureImporter Importer(SaimaDb db) => new(db, Clock);

    /// <summary>Who uploads: the office (every unit and indicator) unless a test says otherwise.</summary>
    public static Saima.Data.Store.Actor Uploader { get; } = Saima.Data.Store.Actor.Office(Reporter);

    public ImportResult Import(string path, ImportOptions? options = null, Saima.Data.Store.Actor? actor = null)
    {
        using SaimaDb db = Open();
        return Importer(db).Import(Scheme, IntakeFile.Read(path), actor ?? Uploader, options);
    }

    public ImportResult Import(byte[] content, string fileName, ImportOptions? options = null, Saima.Data.Store.Actor? actor = null)
    {
        using SaimaDb db = Open();
        return Importer(db).Import(Scheme, new MemoryStream(content), fileName, actor ?? Uploader, options);
    }

    public static IntakeWorld Create(StoreOptions store, int bulkUnits = 0, int bulkIndicators = 0)
    {
        var world = new IntakeWorld(store);
        DateTimeOffset at = Now.AddDays(-60);
        using SaimaDb db = SaimaDb.Open(store);
        var units = new List<Unit>
        {
            new() { Code = "001", Name = "青山区", Kind = UnitKind.District },
            new() { Code = "002", Name = "绿水县", Kind = UnitKind.County },
            new() { Code = "003", Name = "白云镇", Kind = UnitKind.Township },
            new() { Code = "900", Name = "市统计局", Kind = UnitKind.Department },
            new() { Code = "800", Name = "外市某县", Kind = UnitKind.County },
        };
        for (int i = 1; i <= bulkUnits; i++)
        {
            units.Add(new Unit { Code = "B" + i.ToString("D4", CultureInfo.InvariantCulture), Name = "单位" + i.ToString(CultureInfo.InvariantCulture), Kind = UnitKind.Township });
        }

        var scheme = new AssessmentScheme { Code = Scheme, Name = "县域赛马", CreatedAt = at, CreatedBy = "office" };
        db.AddRange(units);
        db.Add(scheme);
        db.SaveChanges();
        world.SchemeId = scheme.Id;
        foreach (Unit u in units)
        {
            world.Units[u.Code] = u.Id;
        }

        db.AddRange(units.Where(u => u.Code is not ("900" or "800")).Select(u => new SchemeUnit
        {
            SchemeId = scheme.Id,
            UnitId = u.Id,
            Track = u.Code == "003" ? "B" : "A",
        }));

        var gdp = new Indicator { SchemeId = scheme.Id, Code = "GDP", Name = "地区生产总值", UnitOfMeasure = "亿元", Cumulative = true, MinPlausible = 0, MaxPlausible = 100000, SourceUnitId = world.Units["900"], SortOrder = 1 };
        db.Add(gdp);
        db.SaveChanges();
        var indicators = new List<Indicator>
        {
            gdp,
            new() { SchemeId = scheme.Id, Code = "GDP_G", Name = "地区生产总值增速", UnitOfMeasure = "%", GrowthOfId = gdp.Id, SortOrder = 2 },
            new() { SchemeId = scheme.Id, Code = "AIR", Name = "空气质量优良天数比例", UnitOfMeasure = "%", MinPlausible = 0, MaxPlausible = 100, SortOrder = 3 },
            new() { SchemeId = scheme.Id, Code = "RD", Name = "研发经费投入强度", UnitOfMeasure = "%", MinPlausible = 0, MaxPlausible = 20, SortOrder = 4 },
            new() { SchemeId = scheme.Id, Code = "INV", Name = "固定资产投资", UnitOfMeasure = "亿元", Cumulative = true, MinPlausible = 0, Frequency = "quarter", SortOrder = 5 },
        };
        for (int i = 1; i <= bulkIndicators; i++)
        {
            indicators.Add(new Indicator { SchemeId = scheme.Id, Code = "X" + i.ToString("D3", CultureInfo.InvariantCulture), Name = "指标" + i.ToString(CultureInfo.InvariantCulture), SortOrder = 100 + i });
        }

        db.AddRange(indicators.Skip(1));
        db.AddRange(
            new ReportingPeriod { SchemeId = scheme.Id, Code = "2025-04", Status = PeriodStatus.Published, PublishedAt = at, PublishedBy = "office" },
            new ReportingPeriod { SchemeId = scheme.Id, Code = "2025-05" },
            new ReportingPeriod { SchemeId = scheme.Id, Code = "2025-06", Deadline = new DateTimeOffset(2025, 7, 10, 9, 0, 0, TimeSpan.Zero) });
        db.SaveChanges();
        foreach (Indicator i in indicators)
        {
            world.Indicators[i.Code] = i.Id;
        }

        db.AddRange(
            world.TargetOf("001", "GDP", 1200), world.TargetOf("002", "GDP", 2500), world.TargetOf("003", "GDP", 200),
            world.TargetOf("001", "AIR", 90), world.TargetOf("002", "AIR", 90), world.TargetOf("003", "AIR", 85));
        db.AddRange(
            world.FigureOf("001", "GDP", "2025-05", 500, FigureStatus.Approved),
            world.FigureOf("003", "GDP", "2025-05", 90, FigureStatus.Approved),
            world.FigureOf("001", "AIR", "2025-05", 85, FigureStatus.Approved),
            world.FigureOf("002", "RD", "2025-06", 2.0, FigureStatus.Submitted),
            world.FigureOf("003", "AIR", "2025-06", 88, FigureStatus.Draft));
        db.SaveChanges();
        return world;
    }

    public Target TargetOf(string unit, string indicator, double value) =>
        new() { SchemeId = SchemeId, UnitId = Units[unit], IndicatorId = Indicators[indicator], Year = 2025, Value = value };

    public Figure FigureOf(string unit, string indicator, string period, double value, FigureStatus status) => new()
    {
        SchemeId = SchemeId,
        UnitId = Units[unit],
        IndicatorId = Indicators[indicator],
        Period = period,
        Value = value,
        Status = status,
        EnteredBy = "earlier",
        EnteredAt = Now.AddDays(-20),
    };

    /// <summary>The current figure of a unit, indicator and period.</summary>
    public Figure? Current(string unit, string indicator, string period)
    {
        using SaimaDb db = Open();
        long u = Units[unit], i = Indicators[indicator];
        return db.Figures.AsNoTracking().SingleOrDefault(f => f.UnitId == u && f.IndicatorId == i && f.Period == period && f.IsCurrent);
    }

    /// <summary>The row count of every table of the store, to show that a refused upload wrote nothing.</summary>
    public SortedDictionary<string, long> CountRows()
    {
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        using DbConnection c = SchemaMigrator.OpenConnection(Store);
        var tables = new List<string>();
        using (DbCommand list = c.CreateCommand())
        {
            list.CommandText = Store.Provider == StoreProvider.Sqlite
                ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                : "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'";
            using DbDataReader r = list.ExecuteReader();
            while (r.Read())
            {
                tables.Add(r.GetString(0));
            }
        }

        foreach (string t in tables)
        {
            using DbCommand count = c.CreateCommand();
            count.CommandText = $"SELECT count(*) FROM \"{t}\"";
            counts[t] = Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture);
        }

        return counts;
    }
}

/// <summary>Where the intake fixtures are.</summary>
internal static class IntakeData
{
    /// <summary>
    /// A fixture file. Spreadsheets that scripts/test.sh has just converted with LibreOffice
    /// (SAIMA_LO_FIXTURES) are read in preference to the copies committed in TestData/intake.
    /// </summary>
    public static string Path(string name)
    {
        string? fresh = Environment.GetEnvironmentVariable("SAIMA_LO_FIXTURES");
        if (!string.IsNullOrEmpty(fresh) && File.Exists(System.IO.Path.Combine(fresh, name)))
        {
            return System.IO.Path.Combine(fresh, name);
        }

        return System.IO.Path.Combine(AppContext.BaseDirectory, "TestData", "intake", name);
    }
}
