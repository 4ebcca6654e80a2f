using Microsoft.EntityFrameworkCore;

namespace Saima.Data;

/// <summary>The round of one contestant in an on-site evaluation: not yet opened, open for ballots, closed (final).</summary>
public enum ArenaRoundState
{
    Pending = 0,
    Open = 1,
    Closed = 2,
}

/// <summary>When the hall's board (大屏) of a session shows each round's score and the ranking.</summary>
public static class ArenaBoardScores
{
    /// <summary>Live: each round's score and the running ranking as each round closes.</summary>
    public const string Live = "live";

    /// <summary>At the end: only once every round is closed or the session is published.</summary>
    public const string End = "end";

    /// <summary>Whether <paramref name="value"/> is one of the two words.</summary>
    public static bool IsKnown(string? value) => value is Live or End;
}

/// <summary>
/// An on-site evaluation (现场评议 / 擂台): a panel of judges rates contestants (units) on criteria;
/// the results may become figures of an indicator (<see cref="PointsScheme"/> etc.) when published.
/// </summary>
public sealed class ArenaSession
{
    public long Id { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }

    /// <summary>county (县区比拼), bureau (局长问政), township (镇街亮绩) or any other word.</summary>
    public required string Stage { get; set; }
    public string? PointsScheme { get; set; }
    public string? PointsPeriod { get; set; }
    public string? PointsIndicator { get; set; }

    /// <summary>The day the session is held, if given.</summary>
    public DateOnly? HeldOn { get; set; }

    /// <summary>Where the session is held (a hall), if given.</summary>
    public string? Place { get; set; }

    /// <summary>Bonus or penalty points by rank given at publication (JSON of <c>ArenaRankPointsSpec</c>), if any.</summary>
    public string? RankPoints { get; set; }

    /// <summary>When the board shows scores: <see cref="ArenaBoardScores.Live"/> (as each round closes) or <see cref="ArenaBoardScores.End"/>.</summary>
    public string BoardScores { get; set; } = ArenaBoardScores.Live;
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
    public string? PublishedBy { get; set; }

    /// <summary>The results as frozen at publication (JSON of <c>ArenaResults</c>).</summary>
    public string? ResultsJson { get; set; }
}

/// <summary>A criterion of a session: a ballot scores it from 0 to <see cref="MaxPoints"/> in steps of 0.5.</summary>
public sealed class ArenaCriterion
{
    public long Id { get; set; }
    public long SessionId { get; set; }
    public int Position { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    public double MaxPoints { get; set; }
}

/// <summary>A grade of a graded session (民主测评): a judge picks one; it counts as <see cref="Points"/>.</summary>
public sealed class ArenaGrade
{
    public long Id { get; set; }
    public long SessionId { get; set; }
    public int Position { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    public double Points { get; set; }
}

/// <summary>A category of examiners (考官团): its weight and how many of the top and of the bottom totals it drops.</summary>
public sealed class ArenaCategory
{
    public long Id { get; set; }
    public long SessionId { get; set; }
    public int Position { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    public double Weight { get; set; }
    public int TrimCount { get; set; }
}

/// <summary>A unit rated in a session, in presentation order, with its round.</summary>
public sealed class ArenaContestant
{
    public long Id { get; set; }
    public long SessionId { get; set; }
    public int Position { get; set; }
    public long UnitId { get; set; }
    public ArenaRoundState State { get; set; }
    public DateTimeOffset? OpenedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
}

/// <summary>A judge of a session: no account, a token (only its SHA-256 kept), a category and, maybe, the unit it may never rate.</summary>
public sealed class ArenaJudge
{
    public long Id { get; set; }
    public long SessionId { get; set; }

    /// <summary>The judge's id as the API and the results show it (random, not the token).</summary>
    public required string PublicId { get; set; }
    public long CategoryId { get; set; }
    public long? UnitId { get; set; }
    public string? Name { get; set; }

    /// <summary>SHA-256 of the token, lower-case hex.</summary>
    public required string TokenHash { get; set; }
    public DateTimeOffset IssuedAt { get; set; }
    public required string IssuedBy { get; set; }
    public DateTimeOffset? VoidedAt { get; set; }
    public string? VoidedBy { get; set; }
    public string? VoidReason { get; set; }
}

/// <summary>One ballot as a judge sent it (every version kept; the highest version of a judge and contestant counts).</summary>
public sealed class ArenaBallot
{
    public long Id { get; set; }
    public long SessionId { get; set; }
    public long ContestantId { get; set; }
    public long JudgeId { get; set; }
    public int Version { get; set; }

    /// <summary>The scores as <c>CODE=value</c> pairs joined by <c>;</c>, in the criteria's order, values in the invariant culture.</summary>
    public required string Scores { get; set; }
    public double Total { get; set; }

    /// <summary>The grade picked, on a graded session (then <see cref="Scores"/> is empty and <see cref="Total"/> the grade's points).</summary>
    public string? Grade { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
}

/// <summary>The arena's part of the EF model.</summary>
internal static class ArenaModel
{
    public static void Configure(ModelBuilder b)
    {
        b.Entity<ArenaSession>(e =>
        {
            e.ToTable("arena_sessions");
            e.HasIndex(x => x.Code).IsUnique();
        });
        b.Entity<ArenaCriterion>(e => e.ToTable("arena_criteria"));
        b.Entity<ArenaCategory>(e => e.ToTable("arena_categories"));
        b.Entity<ArenaGrade>(e => e.ToTable("arena_grades"));
        b.Entity<ArenaContestant>(e => e.ToTable("arena_contestants"));
        b.Entity<ArenaJudge>(e =>
        {
            e.ToTable("arena_judges");
            e.HasIndex(x => x.TokenHash).IsUnique();
        });
        b.Entity<ArenaBallot>(e => e.ToTable("arena_ballots"));
    }
}
