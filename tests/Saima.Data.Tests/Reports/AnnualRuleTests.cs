using Saima.Data.Reports;
using Saima.Data.Store;
using Saima.Testing;

namespace Saima.Data.Tests.Reports;

/// <summary>The annual rule's one door (<see cref="AnnualRules.SetAsync"/>) and what the annual reader makes of the rule, on the league seed.</summary>
[Collection(StoresCollection.Name)]
public sealed class AnnualRuleTests(Stores stores)
{
    private static readonly DateTimeOffset Noon = new(2026, 1, 5, 4, 0, 0, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Unset_GivesTheDefaults_AndTheOfficeSetsARule_Audited(StoreProvider provider)
    {
        StoreOptions store = stores.NewLeague(provider);
        using SaimaDb db = SaimaDb.Open(store);
        var rules = new AnnualRules(db, TestClocks.At(Noon));
        long scheme = db.Schemes.Single(s => s.Code == "T").Id;

        (await rules.GetAsync(scheme)).ShouldBe(AnnualRule.Default);
        var rule = new AnnualRule { Composite = AnnualComposites.Weighted, Weights = new Dictionary<string, double> { ["2025-06"] = 3 }, GradeBy = "threshold",
            Grades = [new() { Name = "优秀", Min = 60 }, new() { Name = "合格" }], Awards = [new("海豚奖", AnnualAwardKinds.Best)] };
        await rules.SetAsync(Actor.Office("office.wang"), "T", rule, "年度考核办法");

        AnnualRule stored = await rules.GetAsync(scheme);
        stored.ToJson().ShouldBe(rule.ToJson());
        AuditEntry audit = db.Audit.Where(a => a.Entity == AnnualRules.Entity).ToList().Single();
        (audit.User, audit.Action, audit.EntityKey, audit.OldValue, audit.NewValue, audit.Reason)
            .ShouldBe(("office.wang", "create", "T", (string?)null, (string?)rule.ToJson(), (string?)"年度考核办法"));

        // Weighted 1:3 (May 1, June 3), thresholds: at least 60 优秀.
        AnnualContent annual = await new AnnualReader(db, TestClocks.At(Noon)).ReadAsync("T", 2025);
        long may = db.ResultSets.Where(r => r.Period == "2025-05").Max(r => r.Id), june = db.ResultSets.Where(r => r.Period == "2025-06").Max(r => r.Id);
        var totals = (from r in db.ResultRows join u in db.Units on r.UnitId equals u.Id
                      where (r.ResultSetId == may || r.ResultSetId == june) && r.Node == "Total"
                      select new { u.Code, r.ResultSetId, r.Score }).ToList();
        foreach (AnnualRow row in annual.Rows)
        {
            double expected = (totals.Single(t => t.Code == row.Code && t.ResultSetId == may).Score!.Value
                + (3 * totals.Single(t => t.Code == row.Code && t.ResultSetId == june).Score!.Value)) / 4;
            row.Composite!.Value.ShouldBe(expected, 1e-9, row.Code);
            row.Grade.ShouldBe(expected >= 60 ? "优秀" : "合格", row.Code);
        }
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OnlyTheOffice_SetsAValidRule(StoreProvider provider)
    {
        StoreOptions store = stores.NewLeague(provider);
        using SaimaDb db = SaimaDb.Open(store);
        var rules = new AnnualRules(db, TestClocks.At(Noon));

        var denied = await Should.ThrowAsync<AccessDeniedException>(() => rules.SetAsync(Actor.Leader("leader.li"), "T", AnnualRule.Default));
        denied.Code.ShouldBe(WorkflowCodes.OfficeOnly);
        var invalid = await Should.ThrowAsync<WorkflowException>(() => rules.SetAsync(Actor.Office("office.wang"), "T", new AnnualRule { Composite = "median" }));
        invalid.Code.ShouldBe(WorkflowCodes.AnnualRuleInvalid);
        var quota = await Should.ThrowAsync<WorkflowException>(() => rules.SetAsync(Actor.Office("office.wang"), "T",
            new AnnualRule { Grades = [new() { Name = "优秀", Count = 2, Share = 0.5 }, new() { Name = "其他" }] }));
        quota.Code.ShouldBe(WorkflowCodes.AnnualRuleInvalid);
        var award = await Should.ThrowAsync<WorkflowException>(() => rules.SetAsync(Actor.Office("office.wang"), "T",
            new AnnualRule { Awards = [new("海豚奖", "fastest")] }));
        award.Code.ShouldBe(WorkflowCodes.AnnualRuleInvalid);
        (await Should.ThrowAsync<NotFoundException>(() => rules.SetAsync(Actor.Office("office.wang"), "NOPE", AnnualRule.Default))).Code.ShouldBe(WorkflowCodes.NoScheme);

        db.AnnualRules.Count().ShouldBe(0);
        db.Audit.Count(a => a.Entity == AnnualRules.Entity).ShouldBe(0);
    }
}
