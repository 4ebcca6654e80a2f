using System.Globalization;
using Saima.Data.Store;

namespace Saima.Data.Demo;

/// <summary>
/// The demo city's on-site evaluations (现场评议), through the arena's doors on a clock set after
/// the latest publication: one PUBLISHED county session (县区比拼: every county presents, judges of
/// every category rate each, rounds closed, published with bonus and penalty points by rank into
/// the county scheme's open period) and one UPCOMING graded session of the departments (局长问政,
/// 民主测评: judges issued, no ballot yet). Their tokens are not kept: the office issues new judges
/// on the judges page to try a phone.
/// </summary>
public static partial class DemoCity
{
    /// <summary>The published county session's code.</summary>
    public const string ArenaPublished = "2025Q3-COUNTY";

    /// <summary>The upcoming graded session's code.</summary>
    public const string ArenaUpcoming = "2025Q4-BUREAU";

    private static readonly (string Code, string Name, double Weight, int Trim, int Judges)[] ArenaPanel =
    [
        ("LEAD", "市领导", 0.4, 1, 5),
        ("NPC", "人大代表和政协委员", 0.2, 1, 4),
        ("PUB", "群众代表", 0.3, 1, 6),
        ("MEDIA", "媒体代表", 0.1, 0, 2),
    ];

    /// <summary>Builds the two sessions; returns how many ballots were sent.</summary>
    private static int BuildArena(StoreOptions store, DemoRandom rng, DateTimeOffset at)
    {
        using SaimaDb db = SaimaDb.Open(store);
        var clock = new FixedClock(at);
        Actor office = Actor.Office(Office);
        var arena = new ArenaService(db, clock);
        void Run(Func<Task> step) => step().GetAwaiter().GetResult();
        string[] counties = [.. DemoNames.Counties.Select(c => c.Code)];
        AssessmentScheme county = db.Schemes.Single(s => s.Code == CountyScheme);
        string? open = db.Periods.Where(p => p.SchemeId == county.Id && p.Status == PeriodStatus.Open).OrderByDescending(p => p.Code).Select(p => p.Code).FirstOrDefault();
        DateOnly day = DateOnly.FromDateTime(at.UtcDateTime);
        Run(() => arena.CreateAsync(office, new ArenaSessionSpec(
            ArenaPublished, "2025年三季度县区“六比”擂台比拼", "county", counties,
            [new("Q", "比质量效益", 30), new("P", "比项目建设", 30), new("R", "比改革创新", 20), new("S", "比民生实事", 20)],
            [.. ArenaPanel.Select(c => new ArenaCategorySpec(c.Code, c.Name, c.Weight, c.Trim))],
            null, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "澜川市民中心一楼报告厅", null,
            open is null ? null : new ArenaRankPointsSpec(CountyScheme, open, null, [2, 1.5, 1], -1))));

        var judges = new List<ArenaIssuedJudge>();
        foreach (var c in ArenaPanel)
        {
            judges.AddRange(arena.IssueJudgesAsync(office, ArenaPublished, new ArenaJudgeSpec(c.Code, c.Judges, null, null)).GetAwaiter().GetResult());
        }

        // Each county has a standing; each judge rates around it, in steps of 0.5.
        int ballots = 0;
        double[] maxima = [30, 30, 20, 20];
        string[] criteria = ["Q", "P", "R", "S"];
        foreach (string unit in counties)
        {
            double standing = rng.Uniform(0.68, 0.92);
            Run(() => arena.OpenRoundAsync(office, ArenaPublished, unit));
            foreach (ArenaIssuedJudge j in judges)
            {
                var scores = new Dictionary<string, double?>(StringComparer.Ordinal);
                for (int k = 0; k < criteria.Length; k++)
                {
                    double v = Math.Clamp(standing + (rng.Normal() * 0.06), 0.3, 1) * maxima[k];
                    scores[criteria[k]] = Math.Round(v * 2) / 2;
                }

                Run(() => arena.SubmitBallotAsync(j.Token, new ArenaBallotInput(ArenaPublished, unit, scores)));
                ballots++;
            }

            Run(() => arena.CloseRoundAsync(office, ArenaPublished, unit));
        }

        // Published by another office user than the one who set it up: the points' four eyes.
        Run(() => arena.PublishAsync(Actor.Office(Office + ".arena"), ArenaPublished));

        // The next one: departments answer questions, graded by the panel (民主测评); judges issued, nothing sent yet.
        string[] departments = [.. DemoNames.Departments.Take(8).Select(d => d.Code)];
        Run(() => arena.CreateAsync(office, new ArenaSessionSpec(
            ArenaUpcoming, "2025年四季度局长问政民主测评", "bureau", departments, null,
            [new("LEAD", "市领导", 0.5, 1), new("PUB", "群众代表", 0.5, 1)],
            null, day.AddDays(14).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "澜川广播电视台演播厅",
            [new("A", "满意", 100), new("B", "基本满意", 70), new("C", "不满意", 40)])));
        Run(() => arena.IssueJudgesAsync(office, ArenaUpcoming, new ArenaJudgeSpec("LEAD", 5, null, null)));
        Run(() => arena.IssueJudgesAsync(office, ArenaUpcoming, new ArenaJudgeSpec("PUB", 10, null, null)));
        return ballots;
    }
}
