using Saima.Data.Intake;
using Saima.Data.Store;

namespace Saima.Data.Tests.Intake;

[Collection(StoresCollection.Name)]
public sealed class ExportTests(Stores stores)
{
    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Export_Period_WritesFiguresResultsAndWarningsSheets(StoreProvider provider)
    {
        IntakeWorld world = IntakeWorld.Create(stores.NewMigrated(provider));
        world.Import(System.Text.Encoding.UTF8.GetBytes("单位代码,指标代码,期间,填报值\n003,AIR,2025-06,89\n"), "fix.csv").Accepted.ShouldBeTrue();
        long resultSetId;
        using (SaimaDb db = world.Open())
        {
            var version = new SchemeVersion { SchemeId = world.SchemeId, Version = 1, Json = "{}", CreatedAt = IntakeWorld.Now, CreatedBy = "office" };
            db.Add(version);
            db.SaveChanges();
            var older = new ResultSet { SchemeId = world.SchemeId, SchemeVersionId = version.Id, Period = "2025-06", ComputedAt = IntakeWorld.Now.AddHours(-2), ComputedBy = "office", InputHash = "a" };
            var rs = new ResultSet { SchemeId = world.SchemeId, SchemeVersionId = version.Id, Period = "2025-06", ComputedAt = IntakeWorld.Now, ComputedBy = "office", InputHash = "b" };
            db.AddRange(older, rs);
            db.SaveChanges();
            resultSetId = rs.Id;
            ResultPartitions.AddEmpty(db, older.Id);
            ResultPartitions.AddEmpty(db, rs.Id);
            db.AddRange(
                new ResultRow { ResultSetId = rs.Id, UnitId = world.Units["001"], Node = "AIR", Value = 86.3, Score = 92.5, Rank = 1, TrackRank = 1, RankChange = 2 },
                new ResultRow { ResultSetId = rs.Id, UnitId = world.Units["003"], Node = "AIR", Value = 89, Score = 80, Rank = 2, TrackRank = 1, RankChange = -1 },
                new ResultRow { ResultSetId = rs.Id, UnitId = world.Units["001"], Node = "total", Score = 88.25, Rank = 1, TrackRank = 1 },
                new ResultRow { ResultSetId = older.Id, UnitId = world.Units["001"], Node = "total", Score = 1, Rank = 3 },
                new WarningResult { ResultSetId = rs.Id, UnitId = world.Units["003"], Indicator = "GDP", Value = 90, Target = 200, Completion = 45, Expected = 50, Gap = -5, Level = "yellow" });
            db.SaveChanges();
        }

        var output = new MemoryStream();
        ExportSummary summary;
        using (SaimaDb db = world.Open())
        {
            summary = new PeriodExporter(db, world.Clock).Export(IntakeWorld.Scheme, "2025-06", output, "office");
        }

        summary.ShouldBe(new ExportSummary("S1_2025-06.xlsx", 2, resultSetId, 3, 1));
        IntakeFile read = IntakeFile.Read(new MemoryStream(output.ToArray()), summary.FileName);
        read.Sheets.Select(s => s.Name).ShouldBe([PeriodExporter.FiguresSheet, PeriodExporter.ResultsSheet, PeriodExporter.WarningsSheet, PeriodExporter.AboutSheet]);
        IntakeSheet figures = read.Sheets[0];
        figures.Rows.Skip(1).Select(r => r.Cells.Take(11).ToArray()).ShouldBe(
        [
            ["002", "绿水县", "RD", "研发经费投入强度", "%", "2025-06", 2.0, "已报送 submitted", 1.0, "是 yes", "earlier"],
            ["003", "白云镇", "AIR", "空气质量优良天数比例", "%", "2025-06", 89.0, "草稿 draft", 1.0, "是 yes", IntakeWorld.Reporter],
        ]);

        // Times are shown in the clock's zone (UTC+8 here), as the office reads them.
        (((DateTime)figures.Rows[2][11]!) - new DateTime(2025, 7, 3, 9, 30, 0)).Duration().ShouldBeLessThan(TimeSpan.FromSeconds(1));
        read.Sheets[1].Rows.Skip(1).Select(r => r.Cells.ToArray()).ShouldBe(
        [
            ["001", "青山区", "A", "AIR", "空气质量优良天数比例", 86.3, 92.5, 1.0, 1.0, 2.0],
            ["003", "白云镇", "B", "AIR", "空气质量优良天数比例", 89.0, 80.0, 2.0, 1.0, -1.0],
            ["001", "青山区", "A", "total", null, null, 88.25, 1.0, 1.0],
        ]);
        read.Sheets[2].Rows[1].Cells.ShouldBe(["003", "白云镇", "GDP", "地区生产总值", 90.0, 200.0, 45.0, 50.0, -5.0, "yellow"]);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Export_CurrentOnly_ReimportsIntoAnotherStoreUnchanged(StoreProvider provider)
    {
        IntakeWorld world = IntakeWorld.Create(stores.NewMigrated(provider));
        world.Import(IntakeData.Path("figures_good.csv")).Accepted.ShouldBeTrue();
        var output = new MemoryStream();
        using (SaimaDb db = world.Open())
        {
            new PeriodExporter(db, world.Clock).Export(IntakeWorld.Scheme, "2025-05", output, "office", new ExportOptions { CurrentOnly = true });
        }

        IntakeWorld other = IntakeWorld.Create(stores.NewMigrated(provider));
        using (SaimaDb db = other.Open())
        {
            db.Figures.RemoveRange(db.Figures);
            db.SaveChanges();
        }

        ImportResult result = other.Import(output.ToArray(), "export.xlsx");

        result.Errors.ShouldBeEmpty();
        result.Inserted.ShouldBe(3);
        other.Current("001", "GDP", "2025-05")!.Value.ShouldBe(500);
    }
}
