using Saima.Data;
using Saima.Data.Store;

namespace Saima.Web.Tests;

/// <summary>
/// The on-site evaluations of the access matrix: <see cref="Work"/> (rounds to open and close,
/// judges to issue and void: judge <see cref="VoidJudge"/>), <see cref="ToPublish"/> (every round
/// closed, not published) and <see cref="Done"/> (published, so that every role reads its results).
/// </summary>
internal static class AccessArenaData
{
    public const string Work = "ACC-ARENA";
    public const string ToPublish = "ACC-ARENA-P";

    /// <summary>Like <see cref="ToPublish"/>, for the control page's publish button.</summary>
    public const string ToPublishOnPage = "ACC-ARENA-P2";
    public const string Done = "ACC-ARENA-DONE";
    public const string VoidJudge = "JVOIDME";

    /// <summary>A judge of <see cref="Work"/> that the judges page voids.</summary>
    public const string VoidJudgeOnPage = "JVOIDPAGE";

    /// <summary>A judge of <see cref="Work"/> whose token the phone page and the matrix use.</summary>
    public const string JudgeToken = "j_access-matrix-judge-token-0000000000000";

    public static void Seed(StoreOptions store)
    {
        using SaimaDb db = SaimaDb.Open(store);
        var arena = new ArenaService(db, TimeProvider.System);
        Actor office = Actor.Office("seed.office");
        foreach (string code in new[] { Work, ToPublish, ToPublishOnPage, Done })
        {
            arena.CreateAsync(office, new ArenaSessionSpec(code, "访问测试擂台", "county", ["CA", "CB", "TA1", "TB1"],
                [new("Q", "比质量", 20)], [new("A", "考官", 1, 0)], null)).GetAwaiter().GetResult();
        }

        var judges = arena.IssueJudgesAsync(office, Work, new ArenaJudgeSpec("A", 3, null, null)).GetAwaiter().GetResult();
        db.ArenaJudges.Single(j => j.PublicId == judges[2].Id).PublicId = VoidJudgeOnPage;
        ArenaJudge toVoid = db.ArenaJudges.Single(j => j.PublicId == judges[0].Id);
        toVoid.PublicId = VoidJudge;
        ArenaJudge phone = db.ArenaJudges.Single(j => j.PublicId == judges[1].Id);
        phone.TokenHash = ArenaService.Hash(JudgeToken);
        db.SaveChanges();
        arena.OpenRoundAsync(office, Work, "CB").GetAwaiter().GetResult();
        foreach (string session in new[] { ToPublish, ToPublishOnPage, Done })
        {
            foreach (string unit in new[] { "CA", "CB", "TA1", "TB1" })
            {
                arena.CloseRoundAsync(office, session, unit).GetAwaiter().GetResult();
            }
        }

        arena.PublishAsync(office, Done).GetAwaiter().GetResult();
    }
}
