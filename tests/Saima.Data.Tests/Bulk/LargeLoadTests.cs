using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Data.Bulk;

namespace Saima.Data.Tests.Bulk;

/// <summary>
/// Loads of at least <see cref="FigureBulkLoader.LargeLoadRows"/> figures: on PostgreSQL they drop the
/// foreign keys and secondary indexes of <c>figures</c> for the COPY and rebuild them in the same
/// transaction. After a load, good or bad, the table's constraints and indexes must be exactly the
/// ones the schema script made.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class LargeLoadTests(Stores stores)
{
    private const int Units = 200, Indicators = 30, Periods = 10; // 60,000 figures

    private static readonly DateTimeOffset At = new(2025, 7, 1, 8, 0, 0, TimeSpan.Zero);

    private static string Period(int p) => $"2024-{p + 1:00}";

    private static double ValueOf(int u, int i, int p) => (u * 1_000_003.0) + (i * 101.25) + p - 0.5;

    private static string LargeCsv(string dir, string name = "large.csv")
    {
        var lines = new List<string>(Units * Indicators * Periods + 1) { "unit,indicator,period,value" };
        for (int p = 0; p < Periods; p++)
        {
            for (int u = 0; u < Units; u++)
            {
                for (int i = 0; i < Indicators; i++)
                {
                    lines.Add(string.Create(CultureInfo.InvariantCulture, $"U{u:000},I{i:00},{Period(p)},{ValueOf(u, i, p):R}"));
                }
            }
        }

        return BulkLoaderTests.Csv(dir, name, lines);
    }

    /// <summary>Every constraint (with its definition and whether it is validated), every index and every constraint trigger on <c>figures</c>.</summary>
    private static List<string> FiguresSchema(StoreOptions store)
    {
        using DbConnection c = SchemaMigrator.OpenConnection(store);
        using DbCommand cmd = c.CreateCommand();
        cmd.CommandText = store.Provider == StoreProvider.Postgres
            ? """
              SELECT 'constraint ' || conname || ' ' || contype::text || ' ' || pg_get_constraintdef(oid) || ' validated=' || convalidated::text || ' deferrable=' || condeferrable::text
                FROM pg_constraint WHERE conrelid = 'figures'::regclass
              UNION ALL
              SELECT 'index ' || indexname || ': ' || indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'figures'
              UNION ALL
              SELECT 'trigger of ' || k.conname || ' on ' || t.tgrelid::regclass || ' type ' || t.tgtype::text || ' enabled ' || t.tgenabled::text
                FROM pg_trigger t JOIN pg_constraint k ON k.oid = t.tgconstraint WHERE k.conrelid = 'figures'::regclass OR k.confrelid = 'figures'::regclass
              ORDER BY 1
              """
            : "SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master WHERE tbl_name = 'figures' ORDER BY 1";
        using DbDataReader r = cmd.ExecuteReader();
        var rows = new List<string>();
        while (r.Read())
        {
            rows.Add(r.GetString(0));
        }

        return rows;
    }

    private static long Scalar(StoreOptions store, string sql)
    {
        using DbConnection c = SchemaMigrator.OpenConnection(store);
        return Convert.ToInt64(SchemaMigrator.Scalar(c, null, sql), CultureInfo.InvariantCulture);
    }

    private static void Execute(StoreOptions store, string sql)
    {
        using DbConnection c = SchemaMigrator.OpenConnection(store);
        SchemaMigrator.Execute(c, null, sql);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void LargeLoad_StoresEveryFigure_AndLeavesConstraintsAndIndexesAsTheSchemaMadeThem(StoreProvider provider)
    {
        StoreOptions store = stores.NewMigrated(provider);
        BulkLoaderTests.Seed(store, units: Units, indicators: Indicators);
        List<string> before = FiguresSchema(store);
        if (provider == StoreProvider.Postgres)
        {
            // The schema script's four foreign keys, its unique key and ix_figures_current, by their real names.
            before.Count(s => s.StartsWith("constraint ", StringComparison.Ordinal) && s.Contains(" f FOREIGN KEY", StringComparison.Ordinal)).ShouldBe(4);
            before.ShouldContain("constraint figures_scheme_id_period_unit_id_indicator_id_revision_key u UNIQUE (scheme_id, period, unit_id, indicator_id, revision) validated=true deferrable=false");
            before.ShouldContain(s => s.StartsWith("index ix_figures_current: CREATE INDEX ix_figures_current ON ", StringComparison.Ordinal));
        }

        string dir = Directory.CreateTempSubdirectory("saima-bulk-large").FullName;
        BulkLoadResult result = FigureBulkLoader.LoadCsv(store, "S", LargeCsv(dir), new BulkLoadOptions { Clock = TestClocks.At(At) });

        result.Rows.ShouldBe(Units * Indicators * Periods);
        result.Rows.ShouldBeGreaterThanOrEqualTo(FigureBulkLoader.LargeLoadRows);
        FiguresSchema(store).ShouldBe(before);
        using (var db = SaimaDb.Open(store))
        {
            db.Figures.Count().ShouldBe(result.Rows);
            db.Figures.Count(f => f.ImportId == result.ImportId && f.IsCurrent && f.Revision == 1 && f.Status == FigureStatus.Submitted).ShouldBe(result.Rows);
            var ids = db.Figures.Select(f => f.Id);
            (ids.Max() - ids.Min() + 1).ShouldBe(result.Rows); // one id each, no gaps or repeats
            var sample = db.Figures.Join(db.Units, f => f.UnitId, u => u.Id, (f, u) => new { f, Unit = u.Code })
                .Join(db.Indicators, x => x.f.IndicatorId, i => i.Id, (x, i) => new { x.Unit, Indicator = i.Code, x.f.Period, x.f.Value })
                .Where(x => x.Unit == "U137" && x.Indicator == "I29" && x.Period == "2024-07").Single();
            sample.Value.ShouldBe(ValueOf(137, 29, 6));
        }

        // The constraints are back in force: a figure naming no unit is refused, and the unique key holds.
        Should.Throw<DbException>(() => Execute(store,
            "INSERT INTO figures (scheme_id, unit_id, indicator_id, period, value, status, revision, is_current, entered_by, entered_at) "
            + "SELECT scheme_id, 999999, indicator_id, '2030-01', 1, 0, 1, " + (provider == StoreProvider.Postgres ? "true" : "1") + ", 'x', entered_at FROM figures LIMIT 1"));
        Should.Throw<DbException>(() => Execute(store,
            "INSERT INTO figures (scheme_id, unit_id, indicator_id, period, value, status, revision, is_current, entered_by, entered_at) "
            + "SELECT scheme_id, unit_id, indicator_id, period, 1, 0, 1, is_current, 'x', entered_at FROM figures LIMIT 1"));

        // A later small load (row by row, constraints in place) numbers its figures after the large one.
        BulkLoadResult small = FigureBulkLoader.LoadCsv(store, "S", BulkLoaderTests.Csv(dir, "small.csv", ["unit,indicator,period,value", "U000,I00,2025-01,1", "U001,I00,2025-01,2"]));
        small.Rows.ShouldBe(2);
        using (var db = SaimaDb.Open(store))
        {
            db.Figures.Count().ShouldBe(result.Rows + 2);
            db.Figures.Where(f => f.ImportId == small.ImportId).Min(f => f.Id).ShouldBeGreaterThan(db.Figures.Where(f => f.ImportId == result.ImportId).Max(f => f.Id));
        }

        FiguresSchema(store).ShouldBe(before);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void LargeLoad_OneFigureAlreadyStored_RefusedByThePreCheck_AndNothingChanges(StoreProvider provider)
    {
        StoreOptions store = stores.NewMigrated(provider);
        BulkLoaderTests.Seed(store, units: Units, indicators: Indicators);
        string dir = Directory.CreateTempSubdirectory("saima-bulk-large").FullName;
        FigureBulkLoader.LoadCsv(store, "S", BulkLoaderTests.Csv(dir, "first.csv", ["unit,indicator,period,value", "U150,I07,2024-05,42"]));
        List<string> before = FiguresSchema(store);

        var e = Should.Throw<BulkLoadException>(() => FigureBulkLoader.LoadCsv(store, "S", LargeCsv(dir)));

        e.Message.ShouldContain("unit 'U150', indicator 'I07' already has a figure in period 2024-05");
        FiguresSchema(store).ShouldBe(before);
        using var db = SaimaDb.Open(store);
        db.Figures.Select(f => f.Value).ToList().ShouldBe(new double?[] { 42 });
        db.Imports.Count().ShouldBe(1);
        db.Periods.Select(p => p.Code).ToList().ShouldBe(new[] { "2024-05" });
    }

    /// <summary>
    /// A stored revision 1 that is no longer current and has no current successor (data the
    /// workflow never makes, written here by hand) slips past the pre-check, which looks at current
    /// figures only. On PostgreSQL the unique key re-added after the COPY finds the clash: the load
    /// fails and rolls back whole, constraints, indexes and sequence included.
    /// </summary>
    [Fact]
    public void LargeLoad_Postgres_ClashFoundWhenTheUniqueKeyIsReAdded_RollsBackEverything()
    {
        StoreOptions store = stores.NewMigrated(StoreProvider.Postgres);
        BulkLoaderTests.Seed(store, units: Units, indicators: Indicators);
        Execute(store, """
            INSERT INTO figures (scheme_id, unit_id, indicator_id, period, value, status, revision, is_current, entered_by, entered_at)
            SELECT s.id, u.id, i.id, '2024-03', 7, 0, 1, false, 'hand', now()
              FROM schemes s, units u, indicators i WHERE s.code = 'S' AND u.code = 'U042' AND i.code = 'I13'
            """);
        List<string> before = FiguresSchema(store);
        long sequence = Scalar(store, "SELECT last_value FROM figures_id_seq");
        string dir = Directory.CreateTempSubdirectory("saima-bulk-large").FullName;
        string csv = LargeCsv(dir);

        var e = Should.Throw<BulkLoadException>(() => FigureBulkLoader.LoadCsv(store, "S", csv));

        e.Message.ShouldContain("a figure is already stored for the same unit, indicator and period");
        e.Message.ShouldContain("nothing was loaded");
        e.Message.ShouldContain("could not create unique index"); // re-adding the unique key found it, not a row-by-row insert
        FiguresSchema(store).ShouldBe(before);
        Scalar(store, "SELECT last_value FROM figures_id_seq").ShouldBe(sequence);
        using (var db = SaimaDb.Open(store))
        {
            db.Figures.Select(f => f.Value).ToList().ShouldBe(new double?[] { 7 });
            db.Imports.Count().ShouldBe(0);
            db.Periods.Count().ShouldBe(0);
            db.Audit.Count(a => a.Action == "import").ShouldBe(0);
        }

        // With the stray row gone the same file loads, and the schema is still the script's.
        Execute(store, "DELETE FROM figures");
        FigureBulkLoader.LoadCsv(store, "S", csv).Rows.ShouldBe(Units * Indicators * Periods);
        FiguresSchema(store).ShouldBe(before);
    }

    /// <summary>
    /// Another session has written an import row and goes on to write a figure while a large load
    /// starts. The load takes its locks first (the referred tables, then <c>figures</c>), so it waits
    /// for that session rather than deadlocking with it when the foreign keys are re-added.
    /// </summary>
    [Fact]
    public async Task LargeLoad_Postgres_WaitsForASessionAlreadyWriting_NoDeadlock()
    {
        StoreOptions store = stores.NewMigrated(StoreProvider.Postgres);
        BulkLoaderTests.Seed(store, units: Units, indicators: Indicators);
        List<string> before = FiguresSchema(store);
        string csv = LargeCsv(Directory.CreateTempSubdirectory("saima-bulk-large").FullName);

        using DbConnection other = SchemaMigrator.OpenConnection(store);
        using DbTransaction tx = other.BeginTransaction();
        SchemaMigrator.Execute(other, tx, "INSERT INTO imports (scheme_id, file_name, imported_by, imported_at, rows) SELECT id, 'other.csv', 'other', now(), 1 FROM schemes");
        Task<BulkLoadResult> load = Task.Run(() => FigureBulkLoader.LoadCsv(store, "S", csv));
        for (int i = 0; i < 200 && Scalar(store, "SELECT count(*) FROM pg_locks WHERE NOT granted") == 0; i++)
        {
            await Task.Delay(50);
        }

        Scalar(store, "SELECT count(*) FROM pg_locks WHERE NOT granted").ShouldBeGreaterThan(0); // the load waits for this session
        SchemaMigrator.Execute(other, tx, """
            INSERT INTO figures (scheme_id, unit_id, indicator_id, period, value, status, revision, is_current, entered_by, entered_at, import_id)
            SELECT s.id, u.id, i.id, '2030-01', 1, 0, 1, true, 'other', now(), (SELECT max(id) FROM imports)
              FROM schemes s, units u, indicators i WHERE u.code = 'U000' AND i.code = 'I00'
            """);
        tx.Commit();

        (await load).Rows.ShouldBe(Units * Indicators * Periods);
        Scalar(store, "SELECT count(*) FROM figures").ShouldBe((Units * Indicators * Periods) + 1);
        FiguresSchema(store).ShouldBe(before);
    }
}
