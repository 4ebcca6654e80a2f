using Saima.Data.Store;

namespace Saima.Data.Tests.Store;

/// <summary>
/// Escalation rules per scheme on both stores: applied when a period is published ("yellow twice
/// in a row → 督办函 and −1 point", "red → −2 points and 约谈"), each application an open
/// supervision item and an approved adjustment of the period after, once only.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class EscalationTests(Stores stores)
{
    private const string WarningJson = """
        { "name": "督办测试",
          "indicators": [ { "code": "Rev", "name": "一般公共预算收入", "parent": "Total" } ],
          "groups": [ { "code": "Total", "name": "综合得分" } ],
          "warnings": { "rules": [ { "level": "green", "minGap": 0 }, { "level": "yellow", "minGap": -10 }, { "level": "red" } ] } }
        """;

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Publishing_AppliesTheRules_AsSupervisionItemsAndPenaltiesOfTheNextPeriod_OnceOnly(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        w.CreateScheme(WarningJson, [new(World.Revenue, "一般公共预算收入") { Dimension = "Total" }]);
        foreach (string u in new[] { "C01", "C02", "C03", "C04" })
        {
            w.Schemes.SetTarget(w.Office, w.Scheme.Id, w.Unit(u), w.Indicator(World.Revenue), 2025, 100);
        }

        var escalation = new EscalationService(w.Db, w.Clock);
        await escalation.SetRulesAsync(w.Office, w.Scheme.Id, [new("yellow", 2, -1, "督办函"), new("red", 1, -2, "约谈")]);

        // Completion 50 and 40 (red), 95 (yellow), 120 (green), in June and again in July.
        w.PublishRevenue("2025-06", ("C01", 50), ("C02", 95), ("C03", 120), ("C04", 40));
        Escalated(w).ShouldBe([("C01", "收入（2025-06）约谈"), ("C04", "收入（2025-06）约谈")]);
        Penalties(w).ShouldBe([("C01", "2025-07", -2.0), ("C04", "2025-07", -2.0)]);

        Publication july = w.PublishRevenue("2025-07", ("C01", 50), ("C02", 95), ("C03", 120), ("C04", 40));
        Escalated(w).ShouldBe(
        [
            ("C01", "收入（2025-06）约谈"), ("C01", "收入（2025-07）约谈"), ("C02", "收入（2025-07）督办函"),
            ("C04", "收入（2025-06）约谈"), ("C04", "收入（2025-07）约谈"),
        ]);
        Penalties(w).ShouldBe([("C01", "2025-07", -2.0), ("C01", "2025-08", -2.0), ("C02", "2025-08", -1.0), ("C04", "2025-07", -2.0), ("C04", "2025-08", -2.0)]);
        AdjustmentItem c02 = w.Db.Adjustments.Single(a => a.UnitId == w.Unit("C02"));
        (c02.Status, c02.ReviewedBy).ShouldBe((AdjustmentStatus.Approved, w.Office.Name));
        c02.Reason.ShouldBe("督办函：一般公共预算收入 2025-07连续 2 期黄色预警（yellow×2→督办函(-1)）");
        w.Db.Adjustments.Where(a => a.Period == "2025-07").AsEnumerable().ShouldAllBe(a => AdjustmentService.CountsAsOf(a, july.Results.ComputedAt), "June's penalties count in July's results");

        // The lists' "escalated" view holds exactly these, for the office and for leaders.
        ListPage escalated = await new ListService(w.Db, w.Clock).ListAsync(Actor.Leader("leader.zhou"), new ListFilter { EscalatedOnly = true, PageSize = 50 });
        escalated.Rows.Select(r => (r.OwnerCode, r.Title.Replace("一般公共预算", string.Empty, StringComparison.Ordinal))).Order().ShouldBe(Escalated(w));

        EscalationService.Apply(w.Db, w.Office, w.Scheme, "2025-07", july.Results.Id, w.Clock.GetUtcNow()).ShouldBe(0, "applied once only");
        w.Db.Adjustments.Count().ShouldBe(5);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Rules_AreTheOfficesToSet_AndMalformedRulesChangeNothing(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        w.CreateScheme(WarningJson, [new(World.Revenue, "一般公共预算收入") { Dimension = "Total" }]);
        var escalation = new EscalationService(w.Db, w.Clock);
        await escalation.SetRulesAsync(w.Office, w.Scheme.Id, [new("red", 1, -2, "约谈")]);

        (await Should.ThrowAsync<AccessDeniedException>(() => escalation.SetRulesAsync(w.ReporterOf("C01"), w.Scheme.Id, []))).Code.ShouldBe(WorkflowCodes.OfficeOnly);
        var bad = await Should.ThrowAsync<WorkflowException>(() => escalation.SetRulesAsync(w.Office, w.Scheme.Id, [new("orange", 0, double.NaN, " ")]));
        bad.Code.ShouldBe(WorkflowCodes.EscalationInvalid);
        bad.Args.ShouldBe(["4"]);
        (await escalation.RulesAsync(w.Scheme.Id)).Select(EscalationService.Describe).ShouldBe(["red×1→约谈(-2)"]);
        await escalation.SetRulesAsync(w.Office, w.Scheme.Id, [new("yellow", 2, -1, "督办函"), new("red", 1, 0, "约谈")]);
        (await escalation.RulesAsync(w.Scheme.Id)).Select(EscalationService.Describe).ShouldBe(["yellow×2→督办函(-1)", "red×1→约谈(0)"]);
        w.Db.Audit.Where(a => a.Entity == EscalationService.Entity).Select(a => a.NewValue).ToList().ShouldBe(["red×1→约谈(-2)", "yellow×2→督办函(-1); red×1→约谈(0)"]);
    }

    private static List<(string Unit, string Title)> Escalated(World w) =>
        [.. (from i in w.Db.ListItems
             join u in w.Db.Units on i.OwnerUnitId equals u.Id
             where i.SourceKey != null && i.SourceKey.StartsWith("esc/") && i.State == ListState.Open && i.Kind == ListKind.Supervision
             select new { u.Code, i.Title }).AsEnumerable()
            .Select(x => (x.Code, x.Title.Replace("一般公共预算", string.Empty, StringComparison.Ordinal))).Order()];

    private static List<(string Unit, string Period, double Points)> Penalties(World w) =>
        [.. (from a in w.Db.Adjustments
             join u in w.Db.Units on a.UnitId equals u.Id
             select new { u.Code, a.Period, a.Points }).AsEnumerable().Select(x => (x.Code, x.Period!, x.Points)).Order()];
}
