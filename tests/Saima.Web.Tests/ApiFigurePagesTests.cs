using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Web.Access;
using Saima.Web.Features.Api;
using StoreOptions = Saima.Data.StoreOptions;

namespace Saima.Web.Tests;

/// <summary>
/// The API's figures list a page at a time (<see cref="ApiFigurePages"/>): walked with the cursor
/// it gives exactly the figures the user may see, in the order unit code, indicator sort order,
/// indicator code, over units without figures; and a page reads rows for the page, not for the
/// period (counted by PostgreSQL's own counters of the transaction).
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class ApiFigurePagesTests(Stores stores)
{
    private const string Scheme = "F";
    private const string Published = "2025-01";
    private const string Open = "2025-02";

    /// <summary>Indicators whose sort order is not their code's order, with ties broken by code; D9 is supplied by department DEP.</summary>
    private static readonly (string Code, int Order)[] Indicators = [("Z1", 1), ("B2", 2), ("A2", 2), ("C0", 0), ("D9", 3)];

    public static TheoryData<StoreProvider, string, string> Walks()
    {
        var data = new TheoryData<StoreProvider, string, string>();
        foreach (StoreProvider provider in new[] { StoreProvider.Sqlite, StoreProvider.Postgres })
        {
            foreach (string scope in new[] { "all", "units", "department", "nothing" })
            {
                data.Add(provider, scope, Published);
                data.Add(provider, scope, Open);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Walks))]
    public async Task WalkedWithTheCursor_GivesEveryVisibleFigureOnce_InTheListsOrder(StoreProvider provider, string scopeName, string period)
    {
        StoreOptions store = stores.NewCopyOf(provider, "api-figures-30", s => Seed(s, 30));
        await using SaimaDb db = SaimaDb.Open(store);
        long scheme = await db.Schemes.Where(s => s.Code == Scheme).Select(s => s.Id).SingleAsync();
        UnitScope scope = await ScopeAsync(db, scopeName);

        var expected = await ExpectedAsync(db, scheme, period, scope, unit: null, indicator: null);
        (await WalkAsync(db, scheme, period, scope, null, null, size: 4)).ShouldBe(expected, $"{provider} {scopeName} {period}");
        (await WalkAsync(db, scheme, period, scope, null, null, size: 1)).ShouldBe(expected);
        (await WalkAsync(db, scheme, period, scope, null, null, size: 1000)).ShouldBe(expected);

        // One unit, one indicator, an unknown indicator.
        (await WalkAsync(db, scheme, period, scope, "U004", null, size: 2)).ShouldBe(await ExpectedAsync(db, scheme, period, scope, "U004", null));
        (await WalkAsync(db, scheme, period, scope, null, "B2", size: 3)).ShouldBe(await ExpectedAsync(db, scheme, period, scope, null, "B2"));
        (await WalkAsync(db, scheme, period, scope, null, "NONE", size: 3)).ShouldBeEmpty();

        // What the store holds makes the walk worth checking: units without a figure between others, non-current revisions left out.
        var units = expected.Select(e => e.Split('/')[0]).Distinct().ToList();
        if (scopeName is "all")
        {
            units.ShouldNotContain("U003", "a unit without figures");
            units.ShouldContain("U002");
            units.ShouldContain("U004");
            expected.Count.ShouldBeGreaterThan(60);
            string c0 = period == Published ? "U001/C0=2" : "U001/C0=1";
            expected.ShouldNotContain("U001/C0=1" == c0 ? "U001/C0=2" : "U001/C0=1", "the current revision only");
            expected.Take(6).ShouldBe([c0, "U001/Z1=1", "U001/A2=1", "U001/B2=1", "U001/D9=1", "U002/C0=1"]);
        }
        else if (scopeName is "units" && period == Open)
        {
            units.ShouldBe(["U004", "U007"]);
        }
        else if (scopeName is "nothing" && period == Open)
        {
            expected.ShouldBeEmpty();
        }
        else if (scopeName is "department" && period == Open)
        {
            expected.ShouldAllBe(e => e.Contains("/D9=", StringComparison.Ordinal));
            expected.ShouldNotBeEmpty();
        }
    }

    [Fact]
    public async Task APage_ReadsRowsForThePage_AsManyAt400UnitsAsAt50_DeepAsFirst()
    {
        const int size = 10;
        var counts = new Dictionary<int, (long First, long Deep, int Period)>();
        foreach (int units in new[] { 50, 400 })
        {
            StoreOptions store = stores.NewCopyOf(StoreProvider.Postgres, "api-figures-" + units.ToString(CultureInfo.InvariantCulture), s => Seed(s, units));
            await using SaimaDb db = SaimaDb.Open(store);
            long scheme = await db.Schemes.Where(s => s.Code == Scheme).Select(s => s.Id).SingleAsync();
            var all = await ExpectedKeysAsync(db, scheme);

            // A cursor at the end of a unit three quarters into the period (the same place in its pattern of units at both sizes).
            string deepUnit = "U" + (((units * 3 / 4) / 15 * 15) + 1).ToString("D3", CultureInfo.InvariantCulture);
            ApiFigureKey deep = all.Last(k => k.Unit == deepUnit);
            (long first, List<ApiFigureRow> firstRows) = await CountedAsync(db, scheme, null, size + 1);
            (long deepReads, List<ApiFigureRow> deepRows) = await CountedAsync(db, scheme, deep, size + 1);
            firstRows.Count.ShouldBe(size + 1);
            deepRows.Count.ShouldBe(size + 1);
            deepRows[0].Unit.ShouldBe("U" + (((units * 3 / 4) / 15 * 15) + 2).ToString("D3", CultureInfo.InvariantCulture));
            counts[units] = (first, deepReads, all.Count);
        }

        (long few, long many) = (counts[50].First, counts[400].First);
        string measured = string.Join("; ", counts.Select(c => $"{c.Key} units: first {c.Value.First}, deep {c.Value.Deep}, period {c.Value.Period}"));
        counts[400].Period.ShouldBeGreaterThan(7 * counts[50].Period, "the period holds eight times the figures");

        // The same rows, but for a unit's probe more or less where the planner joins in another order.
        many.ShouldBeInRange(few - 2, few + 2, "the first page reads as many rows at 400 units as at 50: " + measured);
        counts[400].Deep.ShouldBeInRange(counts[50].Deep - 2, counts[50].Deep + 2, "a page three quarters in reads as many rows at 400 units as at 50: " + measured);
        counts[400].Deep.ShouldBeLessThanOrEqualTo(2 * many, "a deep page costs what the first does: " + measured);
        (5 * counts[400].Deep).ShouldBeLessThan(counts[400].Period, "a page reads far fewer rows than the period holds: " + measured);
    }

    /// <summary>
    /// The rows PostgreSQL read for one page (index entries returned and rows read by sequential
    /// scans, over every table and index: this transaction's own counters), in the plan PostgreSQL
    /// chooses at country size (index walks and nested loops: docs/scale.md); on a store this small
    /// it would rather read the small tables whole, so the other plans are off for the count.
    /// </summary>
    private static async Task<(long Reads, List<ApiFigureRow> Rows)> CountedAsync(SaimaDb db, long scheme, ApiFigureKey? after, int take)
    {
        await db.Database.ExecuteSqlRawAsync("ANALYZE");
        await using var tx = await db.Database.BeginTransactionAsync();
        await db.Database.ExecuteSqlRawAsync(
            "SET LOCAL jit = off; SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off; SET LOCAL enable_sort = off");

        long before = await ReadsAsync(db);
        List<ApiFigureRow> rows = await ApiFigurePages.ReadAsync(db, scheme, Published, UnitScope.All, null, null, after, take, CancellationToken.None);
        long reads = await ReadsAsync(db) - before;
        await tx.RollbackAsync();
        return (reads, rows);
    }

    private static async Task<long> ReadsAsync(SaimaDb db) =>
        await db.Database.SqlQueryRaw<long>(
            """
            SELECT coalesce(sum(pg_stat_get_xact_tuples_returned(c.oid)), 0)::bigint AS "Value"
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i')
            """).SingleAsync();

    private static async Task<List<string>> WalkAsync(SaimaDb db, long scheme, string period, UnitScope scope, string? unit, string? indicator, int size)
    {
        var walked = new List<string>();
        ApiFigureKey? after = null;
        for (int pages = 0; pages < 10_000; pages++)
        {
            List<ApiFigureRow> rows = await ApiFigurePages.ReadAsync(db, scheme, period, scope, unit, indicator, after, size + 1, CancellationToken.None);
            rows.Count.ShouldBeLessThanOrEqualTo(size + 1);
            walked.AddRange(rows.Take(size).Select(Text));
            if (rows.Count <= size)
            {
                return walked;
            }

            after = new ApiFigureKey(rows[size - 1].Unit, rows[size - 1].SortOrder, rows[size - 1].Indicator);
        }

        throw new InvalidOperationException("the walk did not end");
    }

    /// <summary>Every visible current figure of the period, read whole and sorted here: what the pages must add up to.</summary>
    private static async Task<List<string>> ExpectedAsync(SaimaDb db, long scheme, string period, UnitScope scope, string? unit, string? indicator)
    {
        var all = await (from f in db.Figures.AsNoTracking().Visible(db, scope)
                         join u in db.Units on f.UnitId equals u.Id
                         join i in db.Indicators on f.IndicatorId equals i.Id
                         where f.SchemeId == scheme && f.Period == period && f.IsCurrent
                         select new { Unit = u.Code, Indicator = i.Code, i.SortOrder, f.Revision }).ToListAsync();
        return all.Where(r => (unit is null || r.Unit == unit) && (indicator is null || r.Indicator == indicator))
            .OrderBy(r => r.Unit, StringComparer.Ordinal).ThenBy(r => r.SortOrder).ThenBy(r => r.Indicator, StringComparer.Ordinal)
            .Select(r => $"{r.Unit}/{r.Indicator}={r.Revision}").ToList();
    }

    private static async Task<List<ApiFigureKey>> ExpectedKeysAsync(SaimaDb db, long scheme)
    {
        var all = await (from f in db.Figures.AsNoTracking()
                         join u in db.Units on f.UnitId equals u.Id
                         join i in db.Indicators on f.IndicatorId equals i.Id
                         where f.SchemeId == scheme && f.Period == Published && f.IsCurrent
                         select new { Unit = u.Code, Indicator = i.Code, i.SortOrder }).ToListAsync();
        return all.OrderBy(r => r.Unit, StringComparer.Ordinal).ThenBy(r => r.SortOrder).ThenBy(r => r.Indicator, StringComparer.Ordinal)
            .Select(r => new ApiFigureKey(r.Unit, r.SortOrder, r.Indicator)).ToList();
    }

    private static string Text(ApiFigureRow r) => $"{r.Unit}/{r.Indicator}={r.Revision}";

    private static async Task<UnitScope> ScopeAsync(SaimaDb db, string name) => name switch
    {
        "all" => UnitScope.All,
        "units" => UnitScope.Of(await db.Units.Where(u => u.Code == "U004" || u.Code == "U007").Select(u => u.Id).ToListAsync()),
        "department" => UnitScope.Department(await db.Units.Where(u => u.Code == "DEP").Select(u => u.Id).SingleAsync()),
        _ => UnitScope.Nothing,
    };

    /// <summary>
    /// Scheme F: units U001… (every third, U003, U006…, without a figure; every fifth, U005…, with
    /// B2 only), department DEP (supplies D9) and X01 outside the scheme; 2025-01 published, with
    /// U001's C0 in a second revision; 2025-02 open (submitted figures, X01 none).
    /// </summary>
    private static void Seed(StoreOptions store, int count)
    {
        using SaimaDb db = SaimaDb.Open(store);
        DateTimeOffset at = new(2025, 2, 5, 8, 0, 0, TimeSpan.Zero);
        var department = new Unit { Code = "DEP", Name = "统计局", Kind = UnitKind.Department };
        db.Units.Add(department);
        db.Units.Add(new Unit { Code = "X01", Name = "区外", Kind = UnitKind.County });
        var scheme = new AssessmentScheme { Code = Scheme, Name = "分页", CreatedAt = at, CreatedBy = "office.wang" };
        db.Schemes.Add(scheme);
        db.SaveChanges();
        var indicators = Indicators.Select(x => new Indicator
        {
            SchemeId = scheme.Id, Code = x.Code, Name = x.Code, SortOrder = x.Order, SourceUnitId = x.Code == "D9" ? department.Id : null,
        }).ToList();
        db.Indicators.AddRange(indicators);
        db.Periods.Add(new ReportingPeriod { SchemeId = scheme.Id, Code = Published, Status = PeriodStatus.Published, PublishedAt = at, PublishedBy = "office.wang" });
        db.Periods.Add(new ReportingPeriod { SchemeId = scheme.Id, Code = Open, Status = PeriodStatus.Open, Deadline = at.AddDays(30) });
        var units = Enumerable.Range(1, count)
            .Select(n => new Unit { Code = "U" + n.ToString("D3", CultureInfo.InvariantCulture), Name = "单位" + n.ToString(CultureInfo.InvariantCulture), Kind = UnitKind.County })
            .ToList();

        // Added in reverse code order, so that the units' ids do not follow their codes.
        units.Reverse();
        db.Units.AddRange(units);
        db.SaveChanges();
        db.SchemeUnits.AddRange(units.Select(u => new SchemeUnit { SchemeId = scheme.Id, UnitId = u.Id }));
        foreach (Unit u in units)
        {
            int n = int.Parse(u.Code[1..], CultureInfo.InvariantCulture);
            if (n % 3 == 0)
            {
                continue;
            }

            foreach (Indicator i in indicators.Where(i => n % 5 != 0 || i.Code == "B2"))
            {
                db.Figures.Add(new Figure
                {
                    SchemeId = scheme.Id, UnitId = u.Id, IndicatorId = i.Id, Period = Published, Value = n, Status = FigureStatus.Published,
                    IsCurrent = !(n == 1 && i.Code == "C0"), EnteredBy = "reporter", EnteredAt = at,
                });
                db.Figures.Add(new Figure
                {
                    SchemeId = scheme.Id, UnitId = u.Id, IndicatorId = i.Id, Period = Open, Value = n + 1,
                    Status = n % 2 == 0 ? FigureStatus.Submitted : FigureStatus.Draft, EnteredBy = "reporter", EnteredAt = at,
                });
            }
        }

        Unit first = units.Single(u => u.Code == "U001");
        db.Figures.Add(new Figure
        {
            SchemeId = scheme.Id, UnitId = first.Id, IndicatorId = indicators.Single(i => i.Code == "C0").Id, Period = Published, Value = 7,
            Status = FigureStatus.Published, Revision = 2, EnteredBy = "reporter", EnteredAt = at,
        });
        db.SaveChanges();
    }
}
