using Microsoft.Extensions.Time.Testing;
using Saima.Data.Store;

namespace Saima.Data.Tests.Store;

/// <summary>
/// On-site evaluation on both stores: creating a session and its refusals by field, judges and
/// their tokens, rounds, ballots (versions, repeats, every refusal), results, voiding a judge,
/// publication with points into the assessment, and many judges at once.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class ArenaServiceTests(Stores stores)
{
    private static ArenaSessionSpec Spec(string code = "2025Q3-COUNTY", ArenaPointsSpec? points = null) => new(
        code, "2025年三季度县区擂台比拼", "county", ["C01", "C02", "C03"],
        [new("Q", "比质量", 20), new("P", "比项目", 30)],
        [new("LEAD", "市领导", 0.5, 1), new("PUB", "群众代表", 0.5, 1)],
        points);

    private static Dictionary<string, double?> Scores(double q, double p) => new(StringComparer.Ordinal) { ["Q"] = q, ["P"] = p };

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Create_StoresTheSessionInOrder_AndAuditsIt(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        var arena = new ArenaService(w.Db, w.Clock);

        ArenaSessionView s = await arena.CreateAsync(w.Office, Spec());

        s.Code.ShouldBe("2025Q3-COUNTY");
        s.Contestants.Select(c => (c.Unit, c.State)).ShouldBe([("C01", ArenaRoundState.Pending), ("C02", ArenaRoundState.Pending), ("C03", ArenaRoundState.Pending)]);
        s.Criteria.Select(c => (c.Code, c.MaxPoints)).ShouldBe([("Q", 20.0), ("P", 30.0)]);
        s.Categories.Select(c => (c.Code, c.Weight, c.TrimCount)).ShouldBe([("LEAD", 0.5, 1), ("PUB", 0.5, 1)]);
        s.FullMarks.ShouldBe(50);
        AuditTrail.For(w.Db, ArenaService.Entity, "2025Q3-COUNTY").ShouldHaveSingleItem().User.ShouldBe("office.wang");

        var again = await Should.ThrowAsync<WorkflowException>(() => arena.CreateAsync(w.Office, Spec()));
        again.Code.ShouldBe(WorkflowCodes.ArenaCodeTaken);
        (await Should.ThrowAsync<AccessDeniedException>(() => arena.CreateAsync(w.ReporterOf("C01"), Spec("OTHER")))).Code.ShouldBe(WorkflowCodes.OfficeOnly);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Create_RefusesEveryMalformedPart_ByField(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        var arena = new ArenaService(w.Db, w.Clock);
        var bad = new ArenaSessionSpec(
            "bad code!", "名称", "county", ["C01", "C01", "NOPE"],
            [new("Q", "质量", 20), new("Q", "重复", 10), new("X", "零分", 0)],
            [new("LEAD", "领导", null, 1), new("PUB", "群众", 1, 1.5)],
            new ArenaPointsSpec("NOSUCH", "2025-09", "ARENA"));

        var e = await Should.ThrowAsync<ArenaInvalidException>(() => arena.CreateAsync(w.Office, bad));

        e.Code.ShouldBe(WorkflowCodes.ArenaInvalid);
        e.Errors.Select(x => x.Field).ShouldBe(
            ["code", "contestants[1]", "contestants[2]", "criteria[1].code", "criteria[2].max", "categories[0].weight", "categories[1].trim", "points.scheme"],
            ignoreOrder: true);
        w.Db.ArenaSessions.Count().ShouldBe(0);
        (await Should.ThrowAsync<ArenaInvalidException>(() => arena.CreateAsync(w.Office, Spec() with { Contestants = ["C01"] })))
            .Errors.ShouldHaveSingleItem().Field.ShouldBe("contestants");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Ballots_OnlyWhileTheRoundIsOpen_LatestCounts_EveryVersionAudited(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        var arena = new ArenaService(w.Db, w.Clock);
        await arena.CreateAsync(w.Office, Spec());
        var lead = await arena.IssueJudgesAsync(w.Office, "2025Q3-COUNTY", new ArenaJudgeSpec("LEAD", 2, null, null));
        var pub = await arena.IssueJudgesAsync(w.Office, "2025Q3-COUNTY", new ArenaJudgeSpec("PUB", null, ["张三"], "C02"));
        lead.Count.ShouldBe(2);
        lead.ShouldAllBe(j => j.Token.Length >= 40 && j.Category == "LEAD" && j.Unit == null);
        pub.ShouldHaveSingleItem().Unit.ShouldBe("C02");
        w.Db.ArenaJudges.Select(j => j.TokenHash).ToList().ShouldNotContain(lead[0].Token, "only the hash is stored");

        string t1 = lead[0].Token;
        var ballot = new ArenaBallotInput("2025Q3-COUNTY", "C01", Scores(18.5, 27));
        (await Should.ThrowAsync<WorkflowException>(() => arena.SubmitBallotAsync(t1, ballot))).Code.ShouldBe(WorkflowCodes.ArenaRoundState, "the round is not open yet");

        (await arena.OpenRoundAsync(w.Office, "2025Q3-COUNTY", "C01")).State.ShouldBe(ArenaRoundState.Open);
        ArenaBallotReceipt first = await arena.SubmitBallotAsync(t1, ballot);
        first.ShouldBe(new ArenaBallotReceipt(45.5, 1, false));
        (await arena.SubmitBallotAsync(t1, ballot)).ShouldBe(new ArenaBallotReceipt(45.5, 1, true), "the same body again changes nothing");
        (await arena.SubmitBallotAsync(t1, ballot with { Scores = Scores(19, 28) })).ShouldBe(new ArenaBallotReceipt(47, 2, false));
        await arena.SubmitBallotAsync(lead[1].Token, ballot);

        var trail = AuditTrail.For(w.Db, ArenaService.BallotEntity, $"2025Q3-COUNTY/C01/{lead[0].Id}");
        trail.Select(a => (a.OldValue, a.NewValue)).ShouldBe([(null, "Q=18.5;P=27"), ("Q=18.5;P=27", "Q=19;P=28")]);

        // Refusals: malformed (400, whatever the state), the judge's own unit, another session, not a contestant, unknown token.
        var malformed = await Should.ThrowAsync<ArenaInvalidException>(() => arena.SubmitBallotAsync(t1, new ArenaBallotInput("2025Q3-COUNTY", "C03",
            new Dictionary<string, double?>(StringComparer.Ordinal) { ["Q"] = 20.3, ["X"] = 1 })));
        malformed.Errors.Select(e => e.Field).ShouldBe(["scores.X", "scores.Q", "scores.P"]);
        (await Should.ThrowAsync<ArenaInvalidException>(() => arena.SubmitBallotAsync(t1, ballot with { Scores = Scores(21, 0) })))
            .Errors.ShouldHaveSingleItem().Field.ShouldBe("scores.Q");
        await arena.OpenRoundAsync(w.Office, "2025Q3-COUNTY", "C02");
        (await Should.ThrowAsync<WorkflowException>(() => arena.SubmitBallotAsync(pub[0].Token, ballot with { Contestant = "C02" }))).Code.ShouldBe(WorkflowCodes.ArenaOwnUnit);
        (await Should.ThrowAsync<WorkflowException>(() => arena.SubmitBallotAsync(t1, ballot with { Session = "OTHER" }))).Code.ShouldBe(WorkflowCodes.ArenaOtherSession);
        (await Should.ThrowAsync<WorkflowException>(() => arena.SubmitBallotAsync(t1, ballot with { Contestant = "C04" }))).Code.ShouldBe(WorkflowCodes.ArenaNotContestant);
        await Should.ThrowAsync<ArenaTokenException>(() => arena.SubmitBallotAsync("j_nothing", ballot));

        (await arena.CloseRoundAsync(w.Office, "2025Q3-COUNTY", "C01")).ShouldBe(new ArenaRound("C01", "青山区", ArenaRoundState.Closed, 2));
        (await Should.ThrowAsync<WorkflowException>(() => arena.SubmitBallotAsync(t1, ballot))).Code.ShouldBe(WorkflowCodes.ArenaRoundState, "closed rounds take no ballot");
        (await Should.ThrowAsync<ArenaInvalidException>(() => arena.SubmitBallotAsync(t1, ballot with { Scores = Scores(1, 0.25) })))
            .Errors.ShouldHaveSingleItem().Field.ShouldBe("scores.P", "malformed is malformed whatever the round's state");
        (await Should.ThrowAsync<WorkflowException>(() => arena.OpenRoundAsync(w.Office, "2025Q3-COUNTY", "C01"))).Code.ShouldBe(WorkflowCodes.ArenaRoundState, "closing is final");

        ArenaResults r = await arena.ResultsAsync(w.Office, "2025Q3-COUNTY");
        ArenaContestantResult c01 = r.Contestants[0];
        c01.Ballots.ShouldBe(2);
        c01.Categories.ShouldHaveSingleItem().ShouldSatisfyAllConditions(
            c => c.Code.ShouldBe("LEAD"),
            c => c.Used.ShouldBe(2, "2 ballots, trim 1: n is not more than 2·trim, nothing dropped"),
            c => c.Score.ShouldBe((47 + 45.5) / 2));
        c01.Score.ShouldBe(46.25);
        c01.Rank.ShouldBe(1);
        r.Judges.Select(j => j.Ballots).ShouldBe([1, 1, 0]);
        await Should.ThrowAsync<AccessDeniedException>(() => arena.ResultsAsync(Actor.Leader("leader.liu"), "2025Q3-COUNTY"));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task VoidJudge_NeedsAReason_StopsItsToken_AndItsBallotsCount_NoMore(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        var arena = new ArenaService(w.Db, w.Clock);
        await arena.CreateAsync(w.Office, Spec());
        var judges = await arena.IssueJudgesAsync(w.Office, "2025Q3-COUNTY", new ArenaJudgeSpec("LEAD", 2, null, null));
        await arena.OpenRoundAsync(w.Office, "2025Q3-COUNTY", "C01");
        await arena.SubmitBallotAsync(judges[0].Token, new ArenaBallotInput("2025Q3-COUNTY", "C01", Scores(10, 10)));
        await arena.SubmitBallotAsync(judges[1].Token, new ArenaBallotInput("2025Q3-COUNTY", "C01", Scores(20, 30)));

        (await Should.ThrowAsync<WorkflowException>(() => arena.VoidJudgeAsync(w.Office, "2025Q3-COUNTY", judges[0].Id, " "))).Code.ShouldBe(WorkflowCodes.ArenaVoidReason);
        await arena.VoidJudgeAsync(w.Office, "2025Q3-COUNTY", judges[0].Id, "与参评单位存在利害关系");

        await Should.ThrowAsync<ArenaTokenException>(() => arena.SubmitBallotAsync(judges[0].Token, new ArenaBallotInput("2025Q3-COUNTY", "C01", Scores(1, 1))));
        ArenaResults r = await arena.ResultsAsync(w.Office, "2025Q3-COUNTY");
        r.Contestants[0].Score.ShouldBe(50, "only the other judge's ballot counts");
        r.Judges.Single(j => j.Id == judges[0].Id).Flags.ShouldBe(["voided"]);
        AuditTrail.For(w.Db, ArenaService.Entity, "2025Q3-COUNTY").ShouldContain(a => a.Action == "void-judge" && a.Reason == "与参评单位存在利害关系");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Publish_NeedsEveryRoundClosed_FreezesResults_AndEntersTheScoresAsApprovedFigures(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        w.CreateScheme();
        var arena = new ArenaService(w.Db, w.Clock);
        await arena.CreateAsync(w.Office, Spec(points: new ArenaPointsSpec("S1", "2025-06", World.Revenue)));
        var judges = await arena.IssueJudgesAsync(w.Office, "2025Q3-COUNTY", new ArenaJudgeSpec("LEAD", 3, null, null));
        await arena.OpenRoundAsync(w.Office, "2025Q3-COUNTY", "C01");
        double[] totals = [40, 44, 49];
        for (int i = 0; i < 3; i++)
        {
            await arena.SubmitBallotAsync(judges[i].Token, new ArenaBallotInput("2025Q3-COUNTY", "C01", Scores(20, totals[i] - 20)));
        }

        var notClosed = await Should.ThrowAsync<WorkflowException>(() => arena.PublishAsync(w.Office, "2025Q3-COUNTY"));
        notClosed.Code.ShouldBe(WorkflowCodes.ArenaRoundsNotClosed);
        notClosed.Args[1].ShouldBe("C01,C02,C03", "open and never opened alike");

        foreach (string unit in new[] { "C01", "C02", "C03" })
        {
            await arena.CloseRoundAsync(w.Office, "2025Q3-COUNTY", unit);
        }

        (await Should.ThrowAsync<WorkflowException>(() => arena.PublishAsync(w.Office, "2025Q3-COUNTY"))).Code.ShouldBe(WorkflowCodes.ArenaPeriodNotOpen, "2025-06 is not open yet");
        w.Db.ArenaSessions.AsEnumerable().Single().PublishedAt.ShouldBeNull("all or nothing");

        w.Open("2025-06");
        ArenaResults published = await arena.PublishAsync(w.Office, "2025Q3-COUNTY");

        published.Published.ShouldBeTrue();
        published.Contestants[0].Score.ShouldBe(44, "40 and 49 dropped");
        Figure figure = w.CurrentFigure("C01", World.Revenue, "2025-06");
        figure.Value.ShouldBe(44);
        figure.Status.ShouldBe(FigureStatus.Approved);
        w.Db.Figures.Count(f => f.SchemeId == w.Scheme.Id).ShouldBe(1, "C02 and C03 had no ballot: no score, no figure");
        AuditTrail.For(w.Db, AuditLog.FigureEntity, "S1/C01/Rev/2025-06").Select(a => (a.Action, a.User)).ShouldContain(("approve", "office.wang"));

        // Frozen: a ballot, a round, a judge, a second publication are refused; the results read the same for everyone.
        (await Should.ThrowAsync<WorkflowException>(() => arena.PublishAsync(w.Office, "2025Q3-COUNTY"))).Code.ShouldBe(WorkflowCodes.ArenaPublished);
        (await Should.ThrowAsync<WorkflowException>(() => arena.SubmitBallotAsync(judges[0].Token, new ArenaBallotInput("2025Q3-COUNTY", "C01", Scores(1, 1))))).Code.ShouldBe(WorkflowCodes.ArenaPublished);
        ArenaResults read = await new ArenaService(SaimaDb.Open(w.Store), w.Clock).ResultsAsync(Actor.Leader("leader.liu"), "2025Q3-COUNTY");
        read.Published.ShouldBeTrue();
        read.Contestants.Select(c => (c.Unit, c.Score, c.Rank)).ShouldBe(published.Contestants.Select(c => (c.Unit, c.Score, c.Rank)));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ManyJudgesAtOnce_LoseNoBallot(StoreProvider provider)
    {
        StoreOptions store = stores.NewMigrated(provider);
        IReadOnlyList<ArenaIssuedJudge> judges;
        var clock = TestClocks.At(new DateTimeOffset(2025, 9, 20, 2, 0, 0, TimeSpan.Zero));
        using (var w = new World(store))
        {
            var arena = new ArenaService(w.Db, clock);
            await arena.CreateAsync(w.Office, Spec());
            judges = [.. await arena.IssueJudgesAsync(w.Office, "2025Q3-COUNTY", new ArenaJudgeSpec("LEAD", 100, null, null)),
                .. await arena.IssueJudgesAsync(w.Office, "2025Q3-COUNTY", new ArenaJudgeSpec("PUB", 100, null, null))];
            await arena.OpenRoundAsync(w.Office, "2025Q3-COUNTY", "C01");
        }

        // As a server runs: pooled connections (the test stores are unpooled; PostgreSQL's pool at 50, as a busy server's share).
        StoreOptions pooled = provider == StoreProvider.Sqlite ? store.Pooled()
            : StoreOptions.Postgres(new Npgsql.NpgsqlConnectionStringBuilder(store.ConnectionString) { Pooling = true, MaxPoolSize = 50, Timeout = 60 }.ConnectionString);
        double Q(int i) => i % 41 * 0.5;
        double P(int i) => i * 7 % 61 * 0.5;
        await Task.WhenAll(Enumerable.Range(0, judges.Count).Select(i => Task.Run(async () =>
        {
            // Each judge sends twice at once (a phone resending): the same body, no second version.
            await using SaimaDb db = SaimaDb.Open(pooled);
            await using SaimaDb db2 = SaimaDb.Open(pooled);
            var ballot = new ArenaBallotInput("2025Q3-COUNTY", "C01", Scores(Q(i), P(i)));
            await Task.WhenAll(
                new ArenaService(db, clock).SubmitBallotAsync(judges[i].Token, ballot),
                new ArenaService(db2, clock).SubmitBallotAsync(judges[i].Token, ballot));
        })));

        using SaimaDb read = SaimaDb.Open(store);
        read.ArenaBallots.Count().ShouldBe(200, "one version per judge");
        ArenaResults r = await new ArenaService(read, clock).ResultsAsync(Actor.Office("office.wang"), "2025Q3-COUNTY");
        r.Contestants[0].Ballots.ShouldBe(200);
        double Expected(IEnumerable<int> idx)
        {
            double[] t = [.. idx.Select(i => Q(i) + P(i)).Order()];
            return t[1..^1].Average();
        }

        double lead = Expected(Enumerable.Range(0, 100));
        double pub = Expected(Enumerable.Range(100, 100));
        r.Contestants[0].Score!.Value.ShouldBe((0.5 * lead) + (0.5 * pub), 1e-9);
    }
}
