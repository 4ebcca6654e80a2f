using Saima.Data.Store;

namespace Saima.Data.Tests.Store;

[Collection(StoresCollection.Name)]
public sealed class FigureWorkflowTests(Stores stores)
{
    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void AuditTrail_FigureLifeFromDraftToCorrection_RecordsEveryStepWithWhoWhenOldAndNew(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        w.CreateScheme();
        w.Open("2025-06");
        Actor reporter = w.ReporterOf("C01");
        long unit = w.Unit("C01"), rev = w.Indicator(World.Revenue);

        w.Clock.Advance(TimeSpan.FromHours(1));

        DateTimeOffset t1 = w.Clock.GetUtcNow();
        Figure f = w.Figures.SaveDraft(reporter, w.Scheme.Id, unit, rev, "2025-06", 125);
        w.Clock.Advance(TimeSpan.FromHours(1));
        DateTimeOffset t2 = w.Clock.GetUtcNow();
        w.Figures.Submit(reporter, f.Id);
        w.Clock.Advance(TimeSpan.FromHours(1));
        DateTimeOffset t3 = w.Clock.GetUtcNow();
        w.Figures.Return(w.Reviewer, f.Id, "与财政局快报不一致，请核实");
        w.Clock.Advance(TimeSpan.FromHours(1));
        DateTimeOffset t4 = w.Clock.GetUtcNow();
        w.Figures.SaveDraft(reporter, w.Scheme.Id, unit, rev, "2025-06", 126.5).Id.ShouldBe(f.Id);
        w.Clock.Advance(TimeSpan.FromHours(1));
        DateTimeOffset t5 = w.Clock.GetUtcNow();
        w.Figures.Submit(reporter, f.Id);
        w.Clock.Advance(TimeSpan.FromHours(1));
        DateTimeOffset t6 = w.Clock.GetUtcNow();
        w.Figures.Approve(w.Reviewer, f.Id);
        w.Clock.Advance(TimeSpan.FromHours(1));
        DateTimeOffset t7 = w.Clock.GetUtcNow();
        w.Figures.Publish(w.Office, w.Scheme.Id, "2025-06", MissingRules.Scheme);
        w.Clock.Advance(TimeSpan.FromDays(3));
        DateTimeOffset t8 = w.Clock.GetUtcNow();
        Correction c = w.Figures.Correct(w.Office, f.Id, 0.1 + 0.2, "统计局年报修订");

        using SaimaDb fresh = SaimaDb.Open(w.Store);
        var trail = AuditTrail.ForFigure(fresh, c.Current.Id)
            .Select(a => (a.At, a.User, a.Action, a.Field, a.OldValue, a.NewValue, a.Reason)).ToList();
        trail.ShouldBe(new (DateTimeOffset, string, string, string?, string?, string?, string?)[]
        {
            (t1, "reporter.c01", "create", "value", null, "125", null),
            (t1, "reporter.c01", "create", "status", null, "draft", null),
            (t2, "reporter.c01", "submit", "status", "draft", "submitted", null),
            (t3, "reviewer.zhao", "return", "comment", null, "与财政局快报不一致，请核实", null),
            (t3, "reviewer.zhao", "return", "status", "submitted", "returned", "与财政局快报不一致，请核实"),
            (t4, "reporter.c01", "update", "value", "125", "126.5", null),
            (t4, "reporter.c01", "update", "status", "returned", "draft", null),
            (t5, "reporter.c01", "submit", "status", "draft", "submitted", null),
            (t6, "reviewer.zhao", "approve", "comment", "与财政局快报不一致，请核实", null, null),
            (t6, "reviewer.zhao", "approve", "status", "submitted", "approved", null),
            (t7, "office.wang", "publish", "status", "approved", "published", null),

            // 0.1 + 0.2 is 0.30000000000000004: the trail keeps the shortest round-trip text, in the invariant culture.
            (t8, "office.wang", "correct", "value", "126.5", "0.30000000000000004", "统计局年报修订"),
            (t8, "office.wang", "correct", "revision", "1", "2", "统计局年报修订"),
        });

        // The old revision is kept, no longer current; the new one carries the reason.
        var revisions = fresh.Figures.Where(x => x.UnitId == unit && x.IndicatorId == rev && x.Period == "2025-06").OrderBy(x => x.Revision).ToList();
        revisions.Select(x => (x.Revision, x.Value, x.Status, x.IsCurrent, x.Reason)).ShouldBe(new (int, double?, FigureStatus, bool, string?)[]
        {
            (1, 126.5, FigureStatus.Published, false, null),
            (2, 0.30000000000000004, FigureStatus.Published, true, "统计局年报修订"),
        });
        revisions[1].EnteredBy.ShouldBe("office.wang");
        revisions[1].EnteredAt.ShouldBe(t8);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Publish_AllApproved_FreezesFiguresPeriodAndResults(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        w.CreateScheme();
        w.PublishRevenue("2024-06", ("C01", 100), ("C02", 200), ("C03", 80), ("C04", 0));
        Publication p = w.PublishRevenue("2025-06", ("C01", 125), ("C02", 300), ("C03", 60), ("C04", 90));
        DateTimeOffset publishing = w.Clock.GetUtcNow();

        using SaimaDb fresh = SaimaDb.Open(w.Store);
        ReportingPeriod period = fresh.Periods.Single(x => x.Code == "2025-06");
        period.Status.ShouldBe(PeriodStatus.Published);
        period.SchemeVersionId.ShouldBe(w.Schemes.CurrentVersion(w.Scheme.Id).Id);
        period.PublishedAt.ShouldBe(publishing);
        period.PublishedBy.ShouldBe("office.wang");
        p.FiguresPublished.ShouldBe(4);
        fresh.Figures.Where(f => f.Period == "2025-06").ShouldAllBe(f => f.Status == FigureStatus.Published);
        ResultSet set = fresh.ResultSets.Single(r => r.Id == p.Results.Id);
        (set.Period, set.SchemeVersionId, set.ComputedAt, set.ComputedBy).ShouldBe(("2025-06", period.SchemeVersionId!.Value, publishing, "office.wang"));
        set.InputHash.Length.ShouldBe(64);
        set.ExplainJson.ShouldNotBeNull().ShouldContain("\"effectiveWeight\":0.5");

        // Rev 2025-06: 125, 300, 60, 90; min 60, max 300, range 240.
        //   C01 (125-60)/240·100 = 27.083…, C02 100, C03 0, C04 (90-60)/240·100 = 12.5
        // RevG = (level / level a year earlier − 1)·100: C01 125/100 → 25, C02 300/200 → 50,
        //   C03 60/80 → −25, C04 90/0 → missing (growth from 0). Min −25, max 50, range 75:
        //   C01 50/75·100 = 66.666…, C02 100, C03 0, C04 missing.
        // Total = mean of present children: C01 (27.083…+66.666…)/2 = 46.875, C02 100, C03 0, C04 12.5 (Rev only).
        // Ranks: C02 1, C01 2, C04 3, C03 4. In 2024-06 (Rev only: 100, 200, 80, 0 → 50, 100, 40, 0)
        // they were C02 1, C01 2, C03 3, C04 4: rank changes 0, 0, −1, +1.
        long id = set.Id;
        w.Row(id, "C01", "Rev").Score!.Value.ShouldBe(65.0 / 240 * 100, 1e-12);
        w.Row(id, "C01", "RevG").Value.ShouldBe(25);
        w.Row(id, "C01", "RevG").Score!.Value.ShouldBe(200.0 / 3, 1e-12);
        w.Row(id, "C03", "RevG").Value.ShouldBe(-25);
        w.Row(id, "C04", "RevG").Value.ShouldBeNull();
        w.Row(id, "C04", "RevG").Score.ShouldBeNull();
        var total = new[] { "C01", "C02", "C03", "C04" }.Select(u => w.Row(id, u, "Total")).ToList();
        total.Select(r => r.Score!.Value).ShouldBe(new[] { 46.875, 100, 0, 12.5 }, 1e-12);
        total.Select(r => r.Rank).ShouldBe(new int?[] { 2, 1, 4, 3 });
        total.Select(r => r.RankChange).ShouldBe(new int?[] { 0, 0, -1, 1 });
        total.ShouldAllBe(r => r.TrackRank == null && r.Value == null);
        fresh.Audit.Count(a => a.Entity == "period" && a.EntityKey == "S1/2025-06" && a.Action == "publish").ShouldBe(1);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Correct_PublishedFigure_RecomputesIntoNewResultSetAndComparesOldWithNew(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        w.CreateScheme();
        w.PublishRevenue("2024-06", ("C01", 100), ("C02", 200), ("C03", 80), ("C04", 0));
        Publication p = w.PublishRevenue("2025-06", ("C01", 125), ("C02", 300), ("C03", 60), ("C04", 90));
        w.Clock.Advance(TimeSpan.FromDays(10));

        Correction c = w.Figures.Correct(w.Office, w.CurrentFigure("C03", World.Revenue, "2025-06").Id, 120, "漏报一笔土地出让收入");

        c.OldResults.Id.ShouldBe(p.Results.Id);
        c.NewResults.Id.ShouldNotBe(p.Results.Id);
        c.NewResults.SchemeVersionId.ShouldBe(p.Results.SchemeVersionId);
        c.NewResults.InputHash.ShouldNotBe(p.Results.InputHash);
        w.Results.Latest(w.Scheme.Id, "2025-06")!.Id.ShouldBe(c.NewResults.Id);

        // After: Rev 125, 300, 120, 90; min 90, max 300, range 210: C01 35/210·100 = 16.666…,
        //   C02 100, C03 30/210·100 = 14.285…, C04 0.
        // RevG: C01 25, C02 50, C03 120/80 → 50, C04 missing; min 25, max 50: C01 0, C02 100, C03 100.
        // Total: C01 8.333…, C02 100, C03 (14.285…+100)/2 = 57.142…, C04 0.
        // Ranks before C02 1, C01 2, C04 3, C03 4; after C02 1, C03 2, C01 3, C04 4.
        var totals = c.Changes.Where(x => x.Node == "Total").ToList();
        totals.Select(x => x.UnitCode).ShouldBe(new[] { "C01", "C02", "C03", "C04" });
        totals.Select(x => x.OldScore!.Value).ShouldBe(new[] { 46.875, 100, 0, 12.5 }, 1e-12);
        totals.Select(x => x.NewScore!.Value).ShouldBe(new[] { 50.0 / 6, 100, (3000.0 / 210 + 100) / 2, 0 }, 1e-12);
        totals.Select(x => (x.OldRank, x.NewRank, x.RankMove)).ShouldBe(new (int?, int?, int?)[]
        {
            (2, 3, -1), (1, 1, 0), (4, 2, 2), (3, 4, -1),
        });
        totals.Select(x => x.Changed).ShouldBe(new[] { true, false, true, true });
        c.Changes.Select(x => x.Node).Distinct().ShouldBe(new[] { "Rev", "RevG", "Total" });

        // The old results are untouched: both sets recompute to the bit from the store.
        w.Results.Recompute(p.Results.Id).Identical.ShouldBeTrue();
        w.Results.Recompute(c.NewResults.Id).Identical.ShouldBeTrue();
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Correct_AfterNewSchemeVersion_RecomputesWithTheVersionThePeriodWasPublishedWith(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        w.CreateScheme();
        w.PublishRevenue("2024-06", ("C01", 100), ("C02", 200), ("C03", 80));
        Publication p = w.PublishRevenue("2025-06", ("C01", 125), ("C02", 300), ("C03", 60));
        long v1 = p.Period.SchemeVersionId!.Value;
        string v2Json = World.GrowthSchemeJson.Replace("\"parent\": \"Total\" },", "\"parent\": \"Total\", \"weight\": 3 },", StringComparison.Ordinal);
        SchemeVersion v2 = w.Schemes.AddVersion(w.Office, w.Scheme.Id, v2Json, "收入权重 3");

        // A "what if" under version 2: Rev 125, 300, 60 → 27.083…, 100, 0; RevG 25, 50, −25 → 66.666…, 100, 0.
        // Total = (3·Rev + RevG)/4: C01 (81.25 + 66.666…)/4 = 36.979…
        w.Clock.Advance(TimeSpan.FromHours(1));
        ResultSet whatIf = w.Results.Compute(w.Office, v2.Id, "2025-06");
        w.Row(whatIf.Id, "C01", "Total").Score!.Value.ShouldBe((3 * (65.0 / 240 * 100) + (200.0 / 3)) / 4, 1e-12);
        w.Results.Recompute(whatIf.Id).Identical.ShouldBeTrue();

        w.Clock.Advance(TimeSpan.FromHours(1));
        Correction c = w.Figures.Correct(w.Office, w.CurrentFigure("C02", World.Revenue, "2025-06").Id, 200, "口径调整");

        c.OldResults.Id.ShouldBe(p.Results.Id);
        c.NewResults.SchemeVersionId.ShouldBe(v1);
        using SaimaDb fresh = SaimaDb.Open(w.Store);
        fresh.Periods.Single(x => x.Code == "2025-06").SchemeVersionId.ShouldBe(v1);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Approve_Draft_IsRefusedWithTheReason(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        w.CreateScheme();
        w.Open("2025-06");
        Figure f = w.Figures.SaveDraft(w.ReporterOf("C01"), w.Scheme.Id, w.Unit("C01"), w.Indicator(World.Revenue), "2025-06", 125);

        Should.Throw<WorkflowException>(() => w.Figures.Approve(w.Reviewer, f.Id))
            .Message.ShouldBe("figure S1/C01/Rev/2025-06 is draft; only a submitted figure can be approved");
        Should.Throw<WorkflowException>(() => w.Figures.Return(w.Reviewer, f.Id, "看一下"))
            .Message.ShouldContain("only a submitted or approved figure can be returned");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void SaveDraft_SubmittedOrPublishedFigure_IsRefused(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        w.CreateScheme();
        w.Open("2025-06");
        Actor reporter = w.ReporterOf("C01");
        Figure f = w.Figures.SaveDraft(reporter, w.Scheme.Id, w.Unit("C01"), w.Indicator(World.Revenue), "2025-06", 125);
        w.Figures.Submit(reporter, f.Id);
        Should.Throw<WorkflowException>(() => w.Figures.SaveDraft(reporter, w.Scheme.Id, w.Unit("C01"), w.Indicator(World.Revenue), "2025-06", 1))
            .Message.ShouldContain("is submitted and waits for review");

        w.Figures.Approve(w.Reviewer, f.Id);
        w.Figures.Publish(w.Office, w.Scheme.Id, "2025-06", MissingRules.Scheme);
        Should.Throw<WorkflowException>(() => w.Figures.SaveDraft(reporter, w.Scheme.Id, w.Unit("C01"), w.Indicator(World.Revenue), "2025-06", 1))
            .Code.ShouldBe(WorkflowCodes.PeriodClosed);
        Should.Throw<WorkflowException>(() => w.Figures.Return(w.Reviewer, f.Id, "改一下"))
            .Message.ShouldContain("is published");
        Should.Throw<WorkflowException>(() => w.Figures.Publish(w.Office, w.Scheme.Id, "2025-06"))
            .Message.ShouldContain("published already");
        using SaimaDb fresh = SaimaDb.Open(w.Store);
        fresh.Figures.Single().Value.ShouldBe(125);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Publish_WithOutstandingFigures_ListsThemAndChangesNothing(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        w.CreateScheme();
        w.Open("2025-06");
        w.Report("C01", World.Revenue, "2025-06", 125);
        Figure draft = w.Figures.SaveDraft(w.ReporterOf("C03"), w.Scheme.Id, w.Unit("C03"), w.Indicator(World.Revenue), "2025-06", 60);
        Figure submitted = w.Figures.SaveDraft(w.ReporterOf("C02"), w.Scheme.Id, w.Unit("C02"), w.Indicator(World.Revenue), "2025-06", 300);
        w.Figures.Submit(w.ReporterOf("C02"), submitted.Id);

        var ex = Should.Throw<OutstandingFiguresException>(() => w.Figures.Publish(w.Office, w.Scheme.Id, "2025-06"));

        ex.Outstanding.ShouldBe(new[]
        {
            new OutstandingFigure(submitted.Id, "C02", "Rev", FigureStatus.Submitted),
            new OutstandingFigure(draft.Id, "C03", "Rev", FigureStatus.Draft),
        });
        ex.Message.ShouldBe("period 2025-06 cannot be published: 2 figure(s) are not approved yet (C02/Rev submitted; C03/Rev draft); review them first");
        using SaimaDb fresh = SaimaDb.Open(w.Store);
        fresh.Periods.Single().Status.ShouldBe(PeriodStatus.Open);
        fresh.ResultSets.Count().ShouldBe(0);
        fresh.Figures.Count(f => f.Status == FigureStatus.Published).ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Correct_WithoutReasonOrUnpublished_IsRefused(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        w.CreateScheme();
        Publication p = w.PublishRevenue("2025-06", ("C01", 125), ("C02", 300));
        Figure f = w.CurrentFigure("C01", World.Revenue, "2025-06");

        Should.Throw<WorkflowException>(() => w.Figures.Correct(w.Office, f.Id, 130, "  "))
            .Message.ShouldBe("correcting published figure S1/C01/Rev/2025-06 needs a reason");
        Should.Throw<WorkflowException>(() => w.Figures.Correct(w.Office, f.Id, 125, "same"))
            .Message.ShouldContain("a correction must change it");
        Should.Throw<AccessDeniedException>(() => w.Figures.Correct(w.ReporterOf("C01"), f.Id, 130, "报错了"))
            .Message.ShouldContain("only the assessment office may");

        w.Open("2025-07");
        Figure draft = w.Figures.SaveDraft(w.ReporterOf("C01"), w.Scheme.Id, w.Unit("C01"), w.Indicator(World.Revenue), "2025-07", 140);
        Should.Throw<WorkflowException>(() => w.Figures.Correct(w.Office, draft.Id, 141, "改"))
            .Message.ShouldContain("not published");

        w.Figures.Correct(w.Office, f.Id, 130, "核实后更正");
        Should.Throw<WorkflowException>(() => w.Figures.Correct(w.Office, f.Id, 131, "再改"))
            .Message.ShouldContain("no longer current");
        using SaimaDb fresh = SaimaDb.Open(w.Store);
        fresh.ResultSets.Count(r => r.Period == "2025-06").ShouldBe(2);
        fresh.Figures.Count(x => x.Period == "2025-06" && x.UnitId == w.Unit("C01")).ShouldBe(2);
        p.Results.Id.ShouldBeLessThan(fresh.ResultSets.Max(r => r.Id));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Actors_OutsideTheirUnitOrRole_AreDenied(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        const string json = """
            { "indicators": [ { "code": "Rev", "parent": "Total" }, { "code": "Jobs", "parent": "Total" } ],
              "groups": [ { "code": "Total" } ] }
            """;
        w.CreateScheme(json, [new("Rev", "一般公共预算收入"), new("Jobs", "城镇新增就业") { SourceUnitCode = "TJJ" }]);
        w.Open("2025-06");
        long s = w.Scheme.Id, c01 = w.Unit("C01"), c02 = w.Unit("C02"), rev = w.Indicator("Rev"), jobs = w.Indicator("Jobs");

        Should.Throw<AccessDeniedException>(() => w.Figures.SaveDraft(w.ReporterOf("C01"), s, c02, rev, "2025-06", 1))
            .Message.ShouldBe("reporter.c01 may not enter figures of unit 'C02': a reporter acts for its own unit only");
        Should.Throw<AccessDeniedException>(() => w.Figures.SaveDraft(w.ReporterOf("C01"), s, c01, jobs, "2025-06", 1))
            .Message.ShouldContain("supplied by a source department");
        Should.Throw<AccessDeniedException>(() => w.Figures.SaveDraft(Actor.Leader("mayor"), s, c01, rev, "2025-06", 1));
        Should.Throw<AccessDeniedException>(() => w.Figures.SaveDraft(w.Reviewer, s, c01, rev, "2025-06", 1));
        Should.Throw<AccessDeniedException>(() => w.Figures.SaveDraft(new Actor("x", ActorRole.Reporter), s, c01, rev, "2025-06", 1))
            .Message.ShouldContain("must act for a unit");

        // The statistics bureau supplies Jobs for every county, but not Rev.
        Actor bureau = Actor.Department("tjj.li", w.Unit("TJJ"));
        Figure j = w.Figures.SaveDraft(bureau, s, c02, jobs, "2025-06", 3200);
        Should.Throw<AccessDeniedException>(() => w.Figures.SaveDraft(bureau, s, c02, rev, "2025-06", 1));
        w.Figures.Submit(bureau, j.Id);

        // Four eyes: nobody reviews what they entered; a reviewer of C01 does not review C02.
        Should.Throw<AccessDeniedException>(() => w.Figures.Approve(new Actor("tjj.li", ActorRole.Reviewer), j.Id))
            .Message.ShouldContain("may not review it; another person must");
        Should.Throw<AccessDeniedException>(() => w.Figures.Approve(Actor.Reviewer("rev.c01", c01), j.Id))
            .Message.ShouldContain("outside the reviewer's unit");
        Should.Throw<AccessDeniedException>(() => w.Figures.Approve(w.ReporterOf("C02"), j.Id));
        Should.Throw<AccessDeniedException>(() => w.Figures.Publish(w.Reviewer, s, "2025-06"));

        // A reviewer of the city reviews the counties below it.
        w.Figures.Approve(Actor.Reviewer("rev.city", w.Unit("CITY")), j.Id).Status.ShouldBe(FigureStatus.Approved);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void SaveDraft_DerivedGrowthOrClosedPeriod_IsRefused(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        w.CreateScheme();
        w.Open("2025-06");
        long s = w.Scheme.Id, c01 = w.Unit("C01");

        Should.Throw<WorkflowException>(() => w.Figures.SaveDraft(w.Office, s, c01, w.Indicator(World.RevenueGrowth), "2025-06", 8))
            .Message.ShouldContain("derived year-on-year growth");
        Should.Throw<NotFoundException>(() => w.Figures.SaveDraft(w.Office, s, c01, w.Indicator(World.Revenue), "2025-07", 8))
            .Message.ShouldContain("2025-07");
        Should.Throw<WorkflowException>(() => w.Figures.SaveDraft(w.Office, s, c01, w.Indicator(World.Revenue), "2025-06", double.NaN));
        Should.Throw<WorkflowException>(() => w.Figures.SaveDraft(w.Office, s, w.Unit("TJJ"), w.Indicator(World.Revenue), "2025-06", 8))
            .Message.ShouldContain("does not take part");
        Figure empty = w.Figures.SaveDraft(w.Office, s, c01, w.Indicator(World.Revenue), "2025-06", null);
        Should.Throw<WorkflowException>(() => w.Figures.Submit(w.Office, empty.Id)).Message.ShouldContain("has no value");
    }
}
