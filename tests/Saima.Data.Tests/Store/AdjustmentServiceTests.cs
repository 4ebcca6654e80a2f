using System.Text;
using Saima.Data.Store;
using Saima.Scoring;

namespace Saima.Data.Tests.Store;

[Collection(StoresCollection.Name)]
public sealed class AdjustmentServiceTests(Stores stores)
{
    private const string OneIndicatorJson = """
        { "name": "县域财政收入赛马",
          "indicators": [ { "code": "Rev", "name": "一般公共预算收入", "parent": "Econ" } ],
          "groups": [ { "code": "Total", "name": "综合得分" }, { "code": "Econ", "name": "经济发展", "parent": "Total" } ] }
        """;

    private static readonly IndicatorSpec[] OneIndicator = [new("Rev", "一般公共预算收入") { Dimension = "Econ" }];

    private static readonly (string Unit, double Value)[] June = [("C01", 110.7), ("C02", 230.9), ("C03", 81.3), ("C04", 60.4)];

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OnlyApprovedItems_CountInTheStoredTotal_AsTheEngineComputesIt(StoreProvider provider)
    {
        using var w = NewWorld(provider, out AdjustmentService service);
        w.Open("2025-06");
        foreach ((string unit, double value) in June)
        {
            w.Report(unit, "Rev", "2025-06", value);
        }

        // C01 proposed (never reviewed), C02 rejected, C03 withdrawn, C04 approved: +5 on the total.
        await service.ProposeAsync(w.Office, Proposal(w, "C01", 2, "拟表彰"));
        AdjustmentItem rejected = await service.ProposeAsync(w.Office, Proposal(w, "C02", -1, "拟通报"));
        await service.RejectAsync(w.Office2, rejected.Id, "依据不足");
        AdjustmentItem withdrawn = await service.ProposeAsync(w.Office, Proposal(w, "C03", 3, "拟加分"));
        await service.WithdrawAsync(w.Office, withdrawn.Id);
        AdjustmentItem approved = await service.ProposeAsync(w.Office, Proposal(w, "C04", 5, "省级表彰"));
        w.Clock.Advance(TimeSpan.FromMinutes(1));
        await service.ApproveAsync(w.Office2, approved.Id, "已核实");
        w.Clock.Advance(TimeSpan.FromMinutes(1));
        Publication published = w.Figures.Publish(w.Office, w.Scheme.Id, "2025-06");

        // The engine on the same figures, built here without the store: with no item, and with only C04's +5.
        Dictionary<string, double> without = EngineTotals(adjust: false);
        Dictionary<string, double> with = EngineTotals(adjust: true);
        with["C04"].ShouldBe(without["C04"] + 5, 1e-12);
        foreach ((string unit, _) in June)
        {
            w.Row(published.Results.Id, unit, "Total").Score.ShouldBe(with[unit], $"{unit} on {provider}");
        }

        w.Row(published.Results.Id, "C01", "Total").Score.ShouldBe(without["C01"], "a proposed item does not count");
        w.Row(published.Results.Id, "C02", "Total").Score.ShouldBe(without["C02"], "a rejected item does not count");
        w.Row(published.Results.Id, "C03", "Total").Score.ShouldBe(without["C03"], "a withdrawn item does not count");

        // Stored results stay reproducible: the recomputation reads the same approved items.
        w.Results.Recompute(published.Results.Id).Identical.ShouldBeTrue();
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Approve_ByTheProposer_IsRefused_FourEyes_AndAnotherOfficeUserApproves(StoreProvider provider)
    {
        using var w = NewWorld(provider, out AdjustmentService service);
        w.Open("2025-06");
        AdjustmentItem item = await service.ProposeAsync(w.Office, Proposal(w, "C01", -2, "安全生产事故", node: "Econ"));
        item.Status.ShouldBe(AdjustmentStatus.Proposed);

        var refusal = await Should.ThrowAsync<AccessDeniedException>(() => service.ApproveAsync(w.Office, item.Id));
        refusal.Code.ShouldBe(WorkflowCodes.AdjustmentFourEyes);
        (await Should.ThrowAsync<AccessDeniedException>(() => service.RejectAsync(w.Office, item.Id, "自己驳回"))).Code.ShouldBe(WorkflowCodes.AdjustmentFourEyes);
        (await Should.ThrowAsync<AccessDeniedException>(() => service.ApproveAsync(Actor.Leader("leader.zhou"), item.Id))).Code.ShouldBe(WorkflowCodes.OfficeOnly);

        w.Clock.Advance(TimeSpan.FromMinutes(1));
        AdjustmentItem done = await service.ApproveAsync(w.Office2, item.Id, "核实无误");
        done.Status.ShouldBe(AdjustmentStatus.Approved);

        using SaimaDb fresh = SaimaDb.Open(w.Store);
        AdjustmentItem stored = fresh.Adjustments.Single(a => a.Id == item.Id);
        (stored.Status, stored.ReviewedBy, stored.ReviewedAt, stored.ReviewComment, stored.CreatedBy, stored.Node)
            .ShouldBe((AdjustmentStatus.Approved, "office.li", w.Clock.GetUtcNow(), "核实无误", "office.wang", "Econ"));
        AuditTrail.For(fresh, "adjustment", "S1/" + item.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Select(a => (a.User, a.Action, a.OldValue, a.NewValue)).ToList()
            .ShouldBe(new (string, string, string?, string?)[] { ("office.wang", "propose", null, "proposed"), ("office.li", "approve", "proposed", "approved") });

        // Approved is final: no second review, no withdrawal.
        (await Should.ThrowAsync<WorkflowException>(() => service.RejectAsync(w.Office2, item.Id, "再驳回"))).Args.ShouldBe([item.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "approved"]);
        (await Should.ThrowAsync<WorkflowException>(() => service.WithdrawAsync(w.Office, item.Id))).Code.ShouldBe(WorkflowCodes.AdjustmentStatus);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PublishedPeriod_TakesNoNewItem_AndItsProposedItemsAreFinal(StoreProvider provider)
    {
        using var w = NewWorld(provider, out AdjustmentService service);
        w.Open("2025-06");
        foreach ((string unit, double value) in June)
        {
            w.Report(unit, "Rev", "2025-06", value);
        }

        AdjustmentItem pending = await service.ProposeAsync(w.Office, Proposal(w, "C01", 2, "拟表彰", period: "2025-06"));
        w.Clock.Advance(TimeSpan.FromMinutes(1));
        w.Figures.Publish(w.Office, w.Scheme.Id, "2025-06");

        var add = await Should.ThrowAsync<WorkflowException>(() => service.ProposeAsync(w.Office, Proposal(w, "C02", 1, "补录表彰", period: "2025-06")));
        add.Code.ShouldBe(WorkflowCodes.AdjustmentPublished);
        add.Args.ShouldBe(["2025-06", "S1"]);
        add.Message.ShouldContain("correct");
        (await Should.ThrowAsync<WorkflowException>(() => service.ApproveAsync(w.Office2, pending.Id))).Code.ShouldBe(WorkflowCodes.AdjustmentPublished);
        (await Should.ThrowAsync<WorkflowException>(() => service.WithdrawAsync(w.Office, pending.Id))).Code.ShouldBe(WorkflowCodes.AdjustmentPublished);

        using SaimaDb fresh = SaimaDb.Open(w.Store);
        fresh.Adjustments.Count().ShouldBe(1);
        fresh.Adjustments.Single().Status.ShouldBe(AdjustmentStatus.Proposed);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Propose_BadShape_IsRefusedWithItsCode_AndStoresNothing(StoreProvider provider)
    {
        using var w = NewWorld(provider, out AdjustmentService service);
        async Task<string> Code(AdjustmentProposal p, Actor? actor = null)
        {
            Exception e = await Should.ThrowAsync<Exception>(() => service.ProposeAsync(actor ?? w.Office, p));
            return ((IStoreRefusal)e).Code;
        }

        (await Code(Proposal(w, "C01", 0, "零分"))).ShouldBe(WorkflowCodes.AdjustmentPoints);
        (await Code(Proposal(w, "C01", double.NaN, "非数"))).ShouldBe(WorkflowCodes.AdjustmentPoints);
        (await Code(Proposal(w, "C01", double.PositiveInfinity, "无穷"))).ShouldBe(WorkflowCodes.AdjustmentPoints);
        (await Code(Proposal(w, "C01", 2, "  "))).ShouldBe(WorkflowCodes.AdjustmentReason);
        (await Code(Proposal(w, "C01", 2, "表彰", node: "Nope"))).ShouldBe(WorkflowCodes.AdjustmentNode);
        (await Code(Proposal(w, "C01", 2, "表彰", period: "2025-Q2"))).ShouldBe(WorkflowCodes.AdjustmentPeriod);
        (await Code(Proposal(w, "C01", 2, "表彰", period: "2025-6"))).ShouldBe(WorkflowCodes.AdjustmentPeriod);
        (await Code(new AdjustmentProposal(w.Scheme.Id, w.Unit("TJJ"), 2, "表彰"))).ShouldBe(WorkflowCodes.UnitNotInScheme);
        (await Code(new AdjustmentProposal(999_999, w.Unit("C01"), 2, "表彰"))).ShouldBe(WorkflowCodes.NoScheme);
        (await Code(Proposal(w, "C01", 2, "表彰"), Actor.Reporter("reporter.c01", w.Unit("C01")))).ShouldBe(WorkflowCodes.OfficeOnly);

        // The root's code is the total: stored as no node.
        AdjustmentItem total = await service.ProposeAsync(w.Office, Proposal(w, "C01", 1.5, "表彰", node: "Total"));
        total.Node.ShouldBeNull();
        using SaimaDb fresh = SaimaDb.Open(w.Store);
        fresh.Adjustments.Count().ShouldBe(1);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task RejectAndWithdraw_NeedACommentAndTheProposer(StoreProvider provider)
    {
        using var w = NewWorld(provider, out AdjustmentService service);
        AdjustmentItem item = await service.ProposeAsync(w.Office, Proposal(w, "C02", -1, "通报批评"));
        (await Should.ThrowAsync<WorkflowException>(() => service.RejectAsync(w.Office2, item.Id, " "))).Code.ShouldBe(WorkflowCodes.AdjustmentRejectComment);
        (await Should.ThrowAsync<AccessDeniedException>(() => service.WithdrawAsync(w.Office2, item.Id))).Code.ShouldBe(WorkflowCodes.AdjustmentNotProposer);
        (await Should.ThrowAsync<NotFoundException>(() => service.ApproveAsync(w.Office2, 999_999))).Code.ShouldBe(WorkflowCodes.NoAdjustment);

        AdjustmentItem rejected = await service.RejectAsync(w.Office2, item.Id, "材料不全");
        (rejected.Status, rejected.ReviewComment).ShouldBe((AdjustmentStatus.Rejected, "材料不全"));
        (await Should.ThrowAsync<WorkflowException>(() => service.ApproveAsync(w.Office2, item.Id))).Args[1].ShouldBe("rejected");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Propose_WithEvidence_StoresTheFiles_AndABadFileStoresNothing(StoreProvider provider)
    {
        using var w = NewWorld(provider, out AdjustmentService service);
        using var pdf = new MemoryStream(EvidenceStoreTests.Pdf);
        AdjustmentItem item = await service.ProposeAsync(w.Office, Proposal(w, "C03", 2, "省级表彰"), [new EvidenceUpload("表彰文件.pdf", pdf)]);
        var files = await new EvidenceStore(w.Db, w.Clock).ListAsync(EvidenceStore.AdjustmentEntity, [item.Id]);
        files.Select(f => (f.FileName, f.ContentType)).ShouldBe([("表彰文件.pdf", "application/pdf")]);

        using var good = new MemoryStream(EvidenceStoreTests.Pdf);
        using var exe = new MemoryStream(EvidenceStoreTests.Exe);
        var refusal = await Should.ThrowAsync<WorkflowException>(() =>
            service.ProposeAsync(w.Office, Proposal(w, "C04", 1, "表彰"), [new EvidenceUpload("a.pdf", good), new EvidenceUpload("setup.pdf", exe)]));
        refusal.Code.ShouldBe(WorkflowCodes.EvidenceType);
        using SaimaDb fresh = SaimaDb.Open(w.Store);
        fresh.Adjustments.Count().ShouldBe(1, "the refused proposal left no item");
        fresh.Evidence.Count().ShouldBe(1, "nor any of its files");
    }

    private static AdjustmentProposal Proposal(World w, string unit, double points, string reason, string? period = null, string? node = null) =>
        new(w.Scheme.Id, w.Unit(unit), points, reason, period, node);

    private World NewWorld(StoreProvider provider, out AdjustmentService service)
    {
        var w = new World(stores.NewMigrated(provider));
        w.CreateScheme(OneIndicatorJson, OneIndicator);
        service = new AdjustmentService(w.Db, w.Clock);
        return w;
    }

    /// <summary>The engine's totals of June, from a dataset built here (not by the store), with C04's +5 on the total or without any item.</summary>
    private static Dictionary<string, double> EngineTotals(bool adjust)
    {
        Scheme scheme = SchemeParser.Parse(OneIndicatorJson);
        var builder = new DatasetBuilder(scheme);
        foreach ((string unit, double value) in June)
        {
            builder.AddFigure(unit, "Rev", "2025-06", value, double.NaN, 0);
        }

        if (adjust)
        {
            builder.AddAdjustment("C04", 5, null, null, "省级表彰", 0);
        }

        Dataset data = builder.Build();
        PeriodResult pr = ScoringEngine.Score(scheme, data).Periods[^1];
        int root = scheme.Indicators.Count + scheme.RootGroup;
        var totals = new Dictionary<string, double>(StringComparer.Ordinal);
        for (int l = 0; l < pr.Data.Units.Length; l++)
        {
            totals[data.UnitCodes[pr.Data.Units[l]]] = pr.Scores[root][l];
        }

        return totals;
    }
}
