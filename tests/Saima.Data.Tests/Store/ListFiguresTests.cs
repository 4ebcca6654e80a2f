using System.Text;
using Saima.Data.Store;

namespace Saima.Data.Tests.Store;

/// <summary>
/// List outcomes as indicator figures on both stores: the resolution rate, the overdue count,
/// projects started and the investment completion rate of each unit in a period, computed from
/// items and projects whose numbers the test knows, entered through the figure door as computed
/// figures (approved, with the note naming the outcome), once only.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class ListFiguresTests(Stores stores)
{
    private const string SchemeJson = """
        { "name": "清单成效",
          "indicators": [
            { "code": "Res", "name": "按期办结率", "parent": "Total" },
            { "code": "Odue", "name": "逾期事项数", "parent": "Total", "direction": -1 },
            { "code": "Start", "name": "开工项目数", "parent": "Total" },
            { "code": "Inv", "name": "投资完成率", "parent": "Total" } ],
          "groups": [ { "code": "Total", "name": "综合得分" } ] }
        """;

    private static readonly IndicatorSpec[] Indicators =
    [
        new("Res", "按期办结率") { UnitOfMeasure = "%", Dimension = "Total" },
        new("Odue", "逾期事项数") { UnitOfMeasure = "件", Dimension = "Total", Direction = -1 },
        new("Start", "开工项目数") { UnitOfMeasure = "个", Dimension = "Total" },
        new("Inv", "投资完成率") { UnitOfMeasure = "%", Dimension = "Total" },
    ];

    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n");

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Fill_EntersEachBoundOutcome_PerUnit_AsApprovedComputedFigures_OnceOnly(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        AssessmentScheme scheme = w.CreateScheme(SchemeJson, Indicators);
        var lists = new ListService(w.Db, w.Clock);
        var projects = new ProjectService(w.Db, w.Clock);
        var feeds = new ListFigures(w.Db, w.Clock);
        await feeds.SetFeedAsync(w.Office, scheme.Id, "Res", ListOutcome.ResolutionRate);
        await feeds.SetFeedAsync(w.Office, scheme.Id, "Odue", ListOutcome.OverdueCount, ListKind.Shortcoming);
        await feeds.SetFeedAsync(w.Office, scheme.Id, "Start", ListOutcome.ProjectsStarted);
        await feeds.SetFeedAsync(w.Office, scheme.Id, "Inv", ListOutcome.InvestmentRate);

        // Today is 2025-07-01. C01: four items due in July (one closed today, one closed late on
        // 2025-08-05, two open, one of them overdue at the month's end) and one due in August;
        // a commitment overdue too (due, so in the resolution rate; not a shortcoming, so not in the
        // overdue count, which is bound to shortcomings). C02: one item due
        // in July, closed today. C03 and C04: nothing due.
        long onTime = await Item(lists, w, "C01", new DateOnly(2025, 7, 10));
        long late = await Item(lists, w, "C01", new DateOnly(2025, 7, 20));
        await Item(lists, w, "C01", new DateOnly(2025, 7, 31));
        await Item(lists, w, "C01", new DateOnly(2025, 7, 5));
        await Item(lists, w, "C01", new DateOnly(2025, 8, 15));
        await Item(lists, w, "C01", new DateOnly(2025, 7, 6), ListKind.Commitment);
        long c02 = await Item(lists, w, "C02", new DateOnly(2025, 7, 15));
        await Submit(lists, w, "C01", onTime);
        await Submit(lists, w, "C01", late);
        await Submit(lists, w, "C02", c02);
        await lists.CloseOutAsync(w.Office, onTime, null);
        await lists.CloseOutAsync(w.Office, c02, null);

        // Projects of C01: one started today (in July), one started in June; plan and done in January and July, and a plan for August.
        ProjectBatch batch = await projects.CreateBatchAsync(w.Office, "第六批", new DateOnly(2025, 2, 1));
        Project july = await projects.AddAsync(w.Office, new ProjectSpec(batch.Id, "P-1", "七月开工", "C01", null, 5000, null, null, null));
        Project june = await projects.AddAsync(w.Office, new ProjectSpec(batch.Id, "P-2", "六月开工", "C01", null, 5000, null, null, null));
        foreach ((long id, DateOnly day) in new[] { (july.Id, new DateOnly(2025, 7, 1)), (june.Id, new DateOnly(2025, 6, 20)) })
        {
            await projects.RecordStageAsync(w.Office, id, ProjectStage.Signed, new DateOnly(2025, 3, 1), "s.pdf", new MemoryStream(Pdf));
            await projects.RecordStageAsync(w.Office, id, ProjectStage.Started, day, "k.pdf", new MemoryStream(Pdf));
        }

        await projects.SetPlanAsync(w.Office, july.Id, "2025-01", 100);
        await projects.SetPlanAsync(w.Office, june.Id, "2025-07", 300);
        await projects.SetPlanAsync(w.Office, june.Id, "2025-08", 1000);
        await projects.ReportInvestmentAsync(w.ReporterOf("C01"), july.Id, "2025-01", 50);
        await projects.ReportInvestmentAsync(w.ReporterOf("C01"), june.Id, "2025-07", 250);

        w.Clock.Advance(TimeSpan.FromDays(35));
        await lists.CloseOutAsync(w.Office, late, null);
        w.Open("2025-07");

        IReadOnlyList<ListFigure> computed = await feeds.ComputeAsync(scheme.Id, "2025-07");
        computed.Select(f => (f.Indicator, f.Unit, f.Value)).ShouldBe(
        [
            ("Inv", "C01", 75.0),
            ("Odue", "C01", 2), ("Odue", "C02", 0), ("Odue", "C03", 0), ("Odue", "C04", 0),
            ("Res", "C01", 20), ("Res", "C02", 100),
            ("Start", "C01", 1), ("Start", "C02", 0), ("Start", "C03", 0), ("Start", "C04", 0),
        ]);
        computed.Single(f => f.Indicator == "Res" && f.Unit == "C01").Note.ShouldBe("清单计算：按期办结率 = 按期销号 1 ÷ 到期 5（完成时限 2025-07-01至2025-07-31）");

        (await feeds.FillAsync(w.Office, scheme.Id, "2025-07")).ShouldBe(11);
        Figure res = w.CurrentFigure("C01", "Res", "2025-07");
        res.Value.ShouldBe(20);
        res.Status.ShouldBe(FigureStatus.Approved);
        res.Explanation!.ShouldStartWith("清单计算：按期办结率");
        w.CurrentFigure("C01", "Inv", "2025-07").Value.ShouldBe(75);
        w.Db.Figures.Count(f => f.SchemeId == scheme.Id && f.Period == "2025-07" && f.IsCurrent).ShouldBe(11);

        (await feeds.FillAsync(w.Office, scheme.Id, "2025-07")).ShouldBe(0, "filling again changes nothing");
        w.Db.Figures.Count(f => f.SchemeId == scheme.Id && f.Period == "2025-07").ShouldBe(11);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Feeds_AreTheOfficesToBind_OnIndicatorsOfTheScheme_AndFillNeedsAnOpenPeriod(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        AssessmentScheme scheme = w.CreateScheme(SchemeJson, Indicators);
        var feeds = new ListFigures(w.Db, w.Clock);

        (await Should.ThrowAsync<AccessDeniedException>(() => feeds.SetFeedAsync(w.ReporterOf("C01"), scheme.Id, "Res", ListOutcome.ResolutionRate))).Code.ShouldBe(WorkflowCodes.OfficeOnly);
        (await Should.ThrowAsync<WorkflowException>(() => feeds.SetFeedAsync(w.Office, scheme.Id, "GDP", ListOutcome.ResolutionRate))).Code.ShouldBe(WorkflowCodes.NoIndicatorFeed);
        await feeds.SetFeedAsync(w.Office, scheme.Id, "Res", ListOutcome.OverdueCount, ListKind.Supervision);
        await feeds.SetFeedAsync(w.Office, scheme.Id, "Res", ListOutcome.ResolutionRate, ListKind.Enterprise);
        await feeds.SetFeedAsync(w.Office, scheme.Id, "Start", ListOutcome.ProjectsStarted, ListKind.Enterprise);
        await feeds.SetFeedAsync(w.Office, scheme.Id, "Start", null);
        IndicatorFeed feed = (await feeds.FeedsAsync(scheme.Id)).ShouldHaveSingleItem();
        (feed.Indicator, feed.Outcome, feed.ListKind).ShouldBe(("Res", ListOutcome.ResolutionRate, (ListKind?)ListKind.Enterprise));
        w.Db.Audit.Count(a => a.Entity == ListFigures.Entity).ShouldBe(4);

        (await Should.ThrowAsync<WorkflowException>(() => feeds.FillAsync(w.Office, scheme.Id, "2025-06"))).Code.ShouldBe(WorkflowCodes.ListFigurePeriod);
        (await Should.ThrowAsync<AccessDeniedException>(() => feeds.FillAsync(w.ReporterOf("C01"), scheme.Id, "2025-06"))).Code.ShouldBe(WorkflowCodes.OfficeOnly);
    }

    private static async Task<long> Item(ListService lists, World w, string unit, DateOnly deadline, ListKind kind = ListKind.Shortcoming) =>
        (await lists.CreateAsync(w.Office, new ListItemSpec(kind, "事项 " + ListService.DateText(deadline), null, unit, null, null, deadline))).Id;

    private static async Task Submit(ListService lists, World w, string unit, long id)
    {
        await lists.StartAsync(w.ReporterOf(unit), id);
        await lists.SubmitAsync(w.ReporterOf(unit), id, "已完成");
    }
}
