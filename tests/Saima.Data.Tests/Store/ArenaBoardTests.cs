using Saima.Data.Store;

namespace Saima.Data.Tests.Store;

/// <summary>
/// The board's choice of live scores or scores at the end, on both stores: given at creation,
/// changed by the office through its door (audited) until every round is closed, and the change
/// notices that wake the board's event stream.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class ArenaBoardTests(Stores stores)
{
    private static ArenaSessionSpec Spec(string? board) => new(
        "BOARD-1", "大屏擂台", "county", ["C01", "C02"],
        [new("Q", "比质量", 20)], [new("LEAD", "市领导", 1, 0)], null, Board: board);

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Board_IsLiveUnlessTold_ChangesWithAnAuditLine_AndIsFixedOnceEveryRoundIsClosed(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        var arena = new ArenaService(w.Db, w.Clock);

        (await Should.ThrowAsync<ArenaInvalidException>(() => arena.CreateAsync(w.Office, Spec("later")))).Errors.ShouldHaveSingleItem().Field.ShouldBe("board");
        ArenaSessionView created = await arena.CreateAsync(w.Office, Spec("end"));
        created.Board.ShouldBe(ArenaBoardScores.End);
        created.BoardShowsScores.ShouldBeFalse();

        (await Should.ThrowAsync<AccessDeniedException>(() => arena.SetBoardAsync(w.Reviewer, "BOARD-1", "live"))).Code.ShouldBe(WorkflowCodes.OfficeOnly);
        (await Should.ThrowAsync<ArenaInvalidException>(() => arena.SetBoardAsync(w.Office, "BOARD-1", "sometimes"))).Errors.ShouldHaveSingleItem().Field.ShouldBe("board");
        (await Should.ThrowAsync<NotFoundException>(() => arena.SetBoardAsync(w.Office, "NOPE", "live"))).Code.ShouldBe(WorkflowCodes.NoArenaSession);

        ArenaSessionView live = await arena.SetBoardAsync(w.Office, "BOARD-1", "live");
        live.Board.ShouldBe(ArenaBoardScores.Live);
        live.BoardShowsScores.ShouldBeTrue();
        await arena.SetBoardAsync(w.Office, "BOARD-1", "live");
        var trail = AuditTrail.For(w.Db, ArenaService.Entity, "BOARD-1").Where(a => a.Action == "set-board").ToList();
        trail.ShouldHaveSingleItem("the same choice again changes nothing");
        (trail[0].OldValue, trail[0].NewValue, trail[0].User).ShouldBe(("end", "live", "office.wang"));

        await arena.SetBoardAsync(w.Office, "BOARD-1", "end");
        await arena.CloseRoundAsync(w.Office, "BOARD-1", "C01");
        (await arena.SessionAsync("BOARD-1"))!.BoardShowsScores.ShouldBeFalse("one round is still to come");
        await arena.CloseRoundAsync(w.Office, "BOARD-1", "C02");
        ArenaSessionView over = (await arena.SessionAsync("BOARD-1"))!;
        over.BoardShowsScores.ShouldBeTrue("every round is closed: the end has come");
        (await Should.ThrowAsync<WorkflowException>(() => arena.SetBoardAsync(w.Office, "BOARD-1", "live"))).Code.ShouldBe(WorkflowCodes.ArenaBoardFixed);
        (await arena.SetBoardAsync(w.Office, "BOARD-1", "end")).Board.ShouldBe("end", "the choice it has is no change");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Doors_SignalTheSession_WhenABallotArrivesOrARoundMoves_NotForARepeat(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        var arena = new ArenaService(w.Db, w.Clock);
        await arena.CreateAsync(w.Office, Spec(null) with { Code = "BOARD-SIG" });
        var judge = (await arena.IssueJudgesAsync(w.Office, "BOARD-SIG", new ArenaJudgeSpec("LEAD", 1, null, null)))[0];

        Task opened = ArenaChanges.Next("BOARD-SIG");
        await arena.OpenRoundAsync(w.Office, "BOARD-SIG", "C01");
        opened.IsCompleted.ShouldBeTrue();

        var ballot = new ArenaBallotInput("BOARD-SIG", "C01", new Dictionary<string, double?>(StringComparer.Ordinal) { ["Q"] = 15 });
        Task first = ArenaChanges.Next("BOARD-SIG");
        await arena.SubmitBallotAsync(judge.Token, ballot);
        first.IsCompleted.ShouldBeTrue();

        Task repeat = ArenaChanges.Next("BOARD-SIG");
        (await arena.SubmitBallotAsync(judge.Token, ballot)).Repeated.ShouldBeTrue();
        repeat.IsCompleted.ShouldBeFalse("the same ballot again stores nothing new");
        ArenaChanges.Next("OTHER-SESSION").IsCompleted.ShouldBeFalse();

        await arena.CloseRoundAsync(w.Office, "BOARD-SIG", "C01");
        repeat.IsCompleted.ShouldBeTrue();
    }
}
