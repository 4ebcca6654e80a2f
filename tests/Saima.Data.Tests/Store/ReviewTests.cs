using Microsoft.EntityFrameworkCore;
using Saima.Data.Store;

namespace Saima.Data.Tests.Store;

/// <summary>
/// Review at scale: the review view's filters, paging and the figures beside each one
/// (<see cref="ReviewQueue"/>), and bulk approval (<see cref="ReviewActions"/>): all or nothing,
/// every figure through the workflow's own rules, flagged figures left out of "all in range".
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class ReviewTests(Stores stores)
{
    private const string Json = """
        { "name": "审核测试",
          "indicators": [
            { "code": "A", "name": "累计投资", "parent": "Total", "cumulative": true },
            { "code": "B", "name": "空气质量", "parent": "Total" },
            { "code": "C", "name": "新增企业", "parent": "Total" } ],
          "groups": [ { "code": "Total", "name": "综合得分" } ] }
        """;

    private static readonly IndicatorSpec[] Indicators =
    [
        new("A", "累计投资") { Cumulative = true, MinPlausible = 0, MaxPlausible = 1000, UnitOfMeasure = "亿元" },
        new("B", "空气质量") { SourceUnitCode = "TJJ", MinPlausible = 0, MaxPlausible = 100 },
        new("C", "新增企业"),
    ];

    private static readonly string[] Units = ["C01", "C02", "C03", "C04"];

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Queue_FiltersByUnitBelowIndicatorSourceStatusAndFlags_AndPages(StoreProvider provider)
    {
        using World w = Seeded(provider);
        var queue = new ReviewQueue(w.Db);
        Actor office = w.Office;

        ReviewPage all = await queue.PageAsync(office, w.Scheme.Id, "2025-06", new ReviewFilter(), 1, 5);
        all.Total.ShouldBe(11, "C04/A is returned: not in the default statuses");
        all.Pages.ShouldBe(3);
        all.Items.Select(i => (i.UnitCode, i.IndicatorCode)).ShouldBe([("C01", "A"), ("C01", "B"), ("C01", "C"), ("C02", "A"), ("C02", "B")]);
        (await queue.PageAsync(office, w.Scheme.Id, "2025-06", new ReviewFilter(), 3, 5)).Items.Select(i => (i.UnitCode, i.IndicatorCode)).ShouldBe([("C04", "C")]);

        // Past the last page: the last page.
        (await queue.PageAsync(office, w.Scheme.Id, "2025-06", new ReviewFilter(), 9, 5)).Page.ShouldBe(3);

        async Task<string[]> Keys(ReviewFilter f, Actor? actor = null) =>
            [.. (await queue.PageAsync(actor ?? office, w.Scheme.Id, "2025-06", f, 1, 50)).Items.Select(i => i.UnitCode + "/" + i.IndicatorCode)];

        (await Keys(new ReviewFilter(Unit: "C02"))).ShouldBe(["C02/A", "C02/B", "C02/C"]);
        (await Keys(new ReviewFilter(Unit: "CITY"))).ShouldBeEmpty("the city itself has no figures");
        (await Keys(new ReviewFilter(Unit: "CITY", Below: true))).Length.ShouldBe(11);
        (await Keys(new ReviewFilter(Indicator: "C"))).ShouldBe(["C01/C", "C02/C", "C03/C", "C04/C"]);
        (await Keys(new ReviewFilter(Source: "TJJ"))).ShouldBe(["C01/B", "C02/B", "C03/B", "C04/B"]);
        (await Keys(new ReviewFilter(Statuses: [FigureStatus.Approved]))).ShouldBe(["C04/C"]);
        (await Keys(new ReviewFilter(Statuses: [FigureStatus.Returned]))).ShouldBe(["C04/A"]);

        // Flagged: C01/B out of range (no stored flag: stored before the checks), C02/A year-to-date
        // below May's, C03/C with a stored flag; C04/A is returned, so not in the default statuses.
        (await Keys(new ReviewFilter(FlaggedOnly: true))).ShouldBe(["C01/B", "C02/A", "C03/C"]);
        (await Keys(new ReviewFilter(Unit: "C01", FlaggedOnly: true))).ShouldBe(["C01/B"]);

        // A reviewer of C02 sees C02's figures only, whatever the filter asks.
        Actor c02 = Actor.Reviewer("reviewer.c02", w.Unit("C02"));
        (await Keys(new ReviewFilter(), c02)).ShouldBe(["C02/A", "C02/B", "C02/C"]);
        (await Keys(new ReviewFilter(Unit: "C03"), c02)).ShouldBeEmpty();
        (await Keys(new ReviewFilter(), w.ReporterOf("C01"))).ShouldBeEmpty("a reporter reviews nothing");

        // "In range": submitted and not flagged (C04/C is approved already).
        all.InRange.ShouldBe(11 - 1 - 3);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Queue_ShowsLastPeriod_LastYear_TargetProrated_Range_FlagsExplanationAndComment(StoreProvider provider)
    {
        using World w = Seeded(provider);
        ReviewPage page = await new ReviewQueue(w.Db).PageAsync(w.Office, w.Scheme.Id, "2025-06", new ReviewFilter(Unit: "C02"), 1, 50);
        page.PreviousPeriod.ShouldBe("2025-05");
        page.LastYearPeriod.ShouldBe("2024-06");
        page.Progress.ShouldBe(50);

        ReviewItem a = page.Items.Single(i => i.IndicatorCode == "A");
        a.Value.ShouldBe(150);
        a.PreviousValue.ShouldBe(200, "May's published year-to-date value");
        a.LastYearValue.ShouldBe(120);
        a.Target.ShouldBe(1200);
        a.ProratedTarget.ShouldBe(600, "a year-to-date indicator is judged against the target at half the year");
        (a.MinPlausible, a.MaxPlausible).ShouldBe((0d, 1000d));
        a.StoredFlags.ShouldBe(FigureFlags.None);
        a.Flags.ShouldBe(FigureFlags.YearToDateFalls);
        a.UnitOfMeasure.ShouldBe("亿元");

        ReviewItem b = page.Items.Single(i => i.IndicatorCode == "B");
        b.ProratedTarget.ShouldBeNull("not a year-to-date indicator");
        b.Target.ShouldBe(80);
        b.SourceCode.ShouldBe("TJJ");
        b.Flags.ShouldBe(FigureFlags.None);

        ReviewItem c01b = (await new ReviewQueue(w.Db).PageAsync(w.Office, w.Scheme.Id, "2025-06", new ReviewFilter(Unit: "C01", Indicator: "B"), 1, 5)).Items.Single();
        c01b.Flags.ShouldBe(FigureFlags.OutOfRange);
        c01b.Explanation.ShouldBe("新监测站点投入使用");

        ReviewItem returned = (await new ReviewQueue(w.Db).PageAsync(w.Office, w.Scheme.Id, "2025-06", new ReviewFilter(Unit: "C04", Indicator: "A", Statuses: [FigureStatus.Returned]), 1, 5)).Items.Single();
        returned.Comment.ShouldBe("与统计快报不一致");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ApproveSelection_OneRefused_ApprovesNone_AndNamesEachRefusalWithItsCode(StoreProvider provider)
    {
        using World w = Seeded(provider);
        var actions = new ReviewActions(w.Db, w.Clock);
        long c01a = w.CurrentFigure("C01", "A", "2025-06").Id, c02c = w.CurrentFigure("C02", "C", "2025-06").Id;
        long byOffice = w.CurrentFigure("C03", "A", "2025-06").Id;
        long approved = w.CurrentFigure("C04", "C", "2025-06").Id;

        // The office entered C03/A: four eyes refuse it; C04/C is approved already; nothing is approved.
        w.Clock.Advance(TimeSpan.FromMinutes(5));
        DateTimeOffset bulk = w.Clock.GetUtcNow();
        BulkApproval refused = await actions.ApproveAsync(w.Office, [c01a, byOffice, c02c, approved]);
        refused.Done.ShouldBeFalse();
        refused.Approved.ShouldBeEmpty();
        refused.Refused.Select(r => (r.FigureId, r.UnitCode, r.IndicatorCode, r.Code, r.AccessDenied)).ShouldBe(
        [
            (byOffice, "C03", "A", WorkflowCodes.FourEyes, true),
            (approved, "C04", "C", WorkflowCodes.ApproveStatus, false),
        ]);
        Statuses(w, c01a, c02c).ShouldBe([FigureStatus.Submitted, FigureStatus.Submitted], "all or nothing");
        using (SaimaDb fresh = SaimaDb.Open(w.Store))
        {
            fresh.Audit.Count(a => a.Action == "approve" && a.At >= bulk).ShouldBe(0);
        }

        // A reviewer of C01 may not approve C02's figure: scope is checked per item too.
        BulkApproval scope = await actions.ApproveAsync(Actor.Reviewer("reviewer.c01", w.Unit("C01")), [c01a, c02c]);
        scope.Refused.Single().Code.ShouldBe(WorkflowCodes.ReviewerScope);
        Statuses(w, c01a).ShouldBe([FigureStatus.Submitted]);

        // Another person approves the three submitted ones at once, audited one by one.
        BulkApproval done = await actions.ApproveAsync(w.Reviewer, [c01a, byOffice, c02c]);
        done.Done.ShouldBeTrue();
        done.Approved.Count.ShouldBe(3);
        Statuses(w, c01a, byOffice, c02c).ShouldBe([FigureStatus.Approved, FigureStatus.Approved, FigureStatus.Approved]);
        using (SaimaDb fresh = SaimaDb.Open(w.Store))
        {
            fresh.Audit.Count(a => a.Action == "approve" && a.Field == "status" && a.User == "reviewer.zhao" && a.At == w.Clock.GetUtcNow()).ShouldBe(3);
        }

        await Should.ThrowAsync<WorkflowException>(() => actions.ApproveAsync(w.Reviewer, []));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ApproveAllInRange_LeavesFlaggedFigures_AndKeepsToTheFilter(StoreProvider provider)
    {
        using World w = Seeded(provider);
        var actions = new ReviewActions(w.Db, w.Clock);

        // The office entered C03/A: four eyes refuse the office's "all in range" as a whole.
        BulkApproval office = await actions.ApproveAllInRangeAsync(w.Office, w.Scheme.Id, "2025-06", new ReviewFilter());
        office.Refused.Select(r => r.UnitCode + "/" + r.IndicatorCode + " " + r.Code).ShouldBe(["C03/A FourEyes"]);
        w.Db.ChangeTracker.Clear();
        w.Db.Figures.Count(f => f.Period == "2025-06" && f.Status == FigureStatus.Approved).ShouldBe(1);

        // Only indicator C: C01/C, C02/C (C03/C is flagged, C04/C approved already).
        BulkApproval onlyC = await actions.ApproveAllInRangeAsync(w.Reviewer, w.Scheme.Id, "2025-06", new ReviewFilter(Indicator: "C"));
        onlyC.Approved.Count.ShouldBe(2);
        Statuses(w, w.CurrentFigure("C01", "C", "2025-06").Id, w.CurrentFigure("C03", "C", "2025-06").Id).ShouldBe([FigureStatus.Approved, FigureStatus.Submitted]);

        BulkApproval rest = await actions.ApproveAllInRangeAsync(w.Reviewer, w.Scheme.Id, "2025-06", new ReviewFilter());
        rest.Done.ShouldBeTrue();
        rest.Approved.Count.ShouldBe(5, "A of C01 and C03, B of C02, C03 and C04");
        w.Db.ChangeTracker.Clear();
        var waiting = w.Db.Figures.Where(f => f.Period == "2025-06" && f.IsCurrent && f.Status == FigureStatus.Submitted).Select(f => f.Id).ToList();
        waiting.Order().ShouldBe(new[] { w.CurrentFigure("C01", "B", "2025-06").Id, w.CurrentFigure("C02", "A", "2025-06").Id, w.CurrentFigure("C03", "C", "2025-06").Id }.Order(),
            "the flagged figures wait for a decision one by one");
        (await Should.ThrowAsync<WorkflowException>(() => actions.ApproveAllInRangeAsync(w.Reviewer, w.Scheme.Id, "2025-06", new ReviewFilter())))
            .Code.ShouldBe(WorkflowCodes.NothingToApprove);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void ReturnComment_StaysThroughRedraftAndResubmission_UntilApproved(StoreProvider provider)
    {
        using World w = Seeded(provider);
        Figure f = w.CurrentFigure("C04", "A", "2025-06");
        f.Comment.ShouldBe("与统计快报不一致");
        Actor reporter = w.ReporterOf("C04");
        w.Figures.SaveDraft(reporter, w.Scheme.Id, w.Unit("C04"), w.Indicator("A"), "2025-06", 260);
        w.Figures.Submit(reporter, f.Id);
        using (SaimaDb fresh = SaimaDb.Open(w.Store))
        {
            fresh.Figures.Single(x => x.Id == f.Id).Comment.ShouldBe("与统计快报不一致");
        }

        w.Figures.Approve(w.Reviewer, f.Id);
        using (SaimaDb fresh = SaimaDb.Open(w.Store))
        {
            fresh.Figures.Single(x => x.Id == f.Id).Comment.ShouldBeNull();
            fresh.Audit.Single(a => a.Action == "approve" && a.Field == "comment").OldValue.ShouldBe("与统计快报不一致");
        }
    }

    private static FigureStatus[] Statuses(World w, params long[] ids)
    {
        using SaimaDb fresh = SaimaDb.Open(w.Store);
        var byId = fresh.Figures.Where(f => ids.Contains(f.Id)).ToDictionary(f => f.Id, f => f.Status);
        return [.. ids.Select(i => byId[i])];
    }

    /// <summary>
    /// 2024-06 and 2025-05 published; 2025-06 open with every unit's A, B and C submitted, except:
    /// C04/C approved, C04/A returned with a comment, C03/A entered by the office, C01/B stored
    /// out of range with an explanation (as before the checks: no flag), C02/A below May's
    /// year-to-date value, C03/C with a stored flag. Targets of 2025: A 1200, B 80.
    /// </summary>
    /// <remarks>Seeded once per provider; each test gets a copy of its own.</remarks>
    private World Seeded(StoreProvider provider) => World.CopyOf(stores, provider, "review", Seed);

    private static void Seed(World w)
    {
        w.CreateScheme(Json, Indicators);
        Actor dept = Actor.Department("dept.tjj", w.Unit("TJJ"));
        foreach (string u in Units)
        {
            w.Schemes.SetTarget(w.Office, w.Scheme.Id, w.Unit(u), w.Indicator("A"), 2025, 1200);
            w.Schemes.SetTarget(w.Office, w.Scheme.Id, w.Unit(u), w.Indicator("B"), 2025, 80);
        }

        foreach ((string period, double a) in new[] { ("2024-06", 120d), ("2025-05", 200d) })
        {
            w.Open(period);
            foreach (string u in Units)
            {
                w.Report(u, "A", period, a);
                w.Report(u, "C", period, 5);
                Figure b = w.Figures.SaveDraft(dept, w.Scheme.Id, w.Unit(u), w.Indicator("B"), period, 70);
                w.Figures.Submit(dept, b.Id);
                w.Figures.Approve(w.Reviewer, b.Id);
            }

            w.Figures.Publish(w.Office, w.Scheme.Id, period);
        }

        w.Open("2025-06");
        foreach (string u in Units)
        {
            Actor reporter = u == "C03" ? w.Office : w.ReporterOf(u);
            w.Figures.Submit(reporter, w.Figures.SaveDraft(reporter, w.Scheme.Id, w.Unit(u), w.Indicator("A"), "2025-06", 250).Id);
            w.Figures.Submit(w.ReporterOf(u), w.Figures.SaveDraft(w.ReporterOf(u), w.Scheme.Id, w.Unit(u), w.Indicator("C"), "2025-06", 6).Id);
            w.Figures.Submit(dept, w.Figures.SaveDraft(dept, w.Scheme.Id, w.Unit(u), w.Indicator("B"), "2025-06", 75).Id);
        }

        w.Figures.Approve(w.Reviewer, w.CurrentFigure("C04", "C", "2025-06").Id);
        w.Figures.Return(w.Reviewer, w.CurrentFigure("C04", "A", "2025-06").Id, "与统计快报不一致");

        // As figures stored before the checks at save and submit existed: written directly.
        long c01b = w.CurrentFigure("C01", "B", "2025-06").Id, c02a = w.CurrentFigure("C02", "A", "2025-06").Id, c03c = w.CurrentFigure("C03", "C", "2025-06").Id;
        w.Db.Figures.Where(f => f.Id == c01b).ExecuteUpdate(s => s.SetProperty(f => f.Value, 130).SetProperty(f => f.Explanation, "新监测站点投入使用"));
        w.Db.Figures.Where(f => f.Id == c02a).ExecuteUpdate(s => s.SetProperty(f => f.Value, 150));
        w.Db.Figures.Where(f => f.Id == c03c).ExecuteUpdate(s => s.SetProperty(f => f.Flags, FigureFlags.OutOfRange));
        w.Db.ChangeTracker.Clear();
    }
}
