using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Saima.Data.Store;

/// <summary>A criterion as given: code, name and the most points (&gt; 0).</summary>
public sealed record ArenaCriterionSpec(string? Code, string? Name, double? Max);

/// <summary>A category of examiners as given: code, name, weight (&gt; 0) and trim (a whole number ≥ 0, default 0).</summary>
public sealed record ArenaCategorySpec(string? Code, string? Name, double? Weight, double? Trim);

/// <summary>Where a session's scores go when it is published: the figure of <see cref="Indicator"/> in <see cref="Period"/> of <see cref="Scheme"/>.</summary>
public sealed record ArenaPointsSpec(string? Scheme, string? Period, string? Indicator);

/// <summary>A grade of a graded session (民主测评) as given: code, name and the points it counts (≥ 0).</summary>
public sealed record ArenaGradeSpec(string? Code, string? Name, double? Points);

/// <summary>
/// Bonus or penalty points by rank, given at publication as approved adjustments of
/// <see cref="Scheme"/> in <see cref="Period"/> (on <see cref="Indicator"/> or, without it, the total):
/// <see cref="First"/>[r−1] to the contestants of rank r, <see cref="Last"/> to those of the last rank.
/// </summary>
public sealed record ArenaRankPointsSpec(string? Scheme, string? Period, string? Indicator, IReadOnlyList<double?>? First, double? Last);

/// <summary>
/// A new session as given (the API's body, the create form). <see cref="Date"/> is <c>yyyy-MM-dd</c>;
/// a session has either <see cref="Criteria"/> (points) or <see cref="Grades"/> (graded, 民主测评).
/// </summary>
public sealed record ArenaSessionSpec(
    string? Code, string? Name, string? Stage, IReadOnlyList<string?>? Contestants,
    IReadOnlyList<ArenaCriterionSpec>? Criteria, IReadOnlyList<ArenaCategorySpec>? Categories, ArenaPointsSpec? Points,
    string? Date = null, string? Place = null, IReadOnlyList<ArenaGradeSpec>? Grades = null, ArenaRankPointsSpec? RankPoints = null,
    string? Board = null);

/// <summary>Judges to issue: <see cref="Count"/> anonymous ones, or one per name; optionally of a unit (which they never rate).</summary>
public sealed record ArenaJudgeSpec(string? Category, int? Count, IReadOnlyList<string?>? Names, string? Unit);

/// <summary>A judge just issued, with its token (shown once: only its hash is kept).</summary>
public sealed record ArenaIssuedJudge(string Id, string Category, string? Unit, string? Name, string Token);

/// <summary>A ballot as a judge sent it: session and contestant codes, score per criterion code (null: not a number).</summary>
public sealed record ArenaBallotInput(string? Session, string? Contestant, IReadOnlyDictionary<string, double?>? Scores, string? Grade = null);

/// <summary>A ballot accepted: its total, its version (1 for the first of the judge for the contestant) and whether it repeated the latest unchanged.</summary>
public sealed record ArenaBallotReceipt(double Total, int Version, bool Repeated);

/// <summary>A malformed part of a session, judges or ballot: the field (<c>criteria[2].max</c>, <c>scores.Q</c>) and what was expected.</summary>
public sealed record ArenaError(string Field, string Message);

/// <summary>A round as the API shows it.</summary>
public sealed record ArenaRound(string Unit, string UnitName, ArenaRoundState State, int Ballots);

/// <summary>A stored session with its parts, as the API and the pages show it.</summary>
public sealed record ArenaSessionView(
    string Code, string Name, string Stage, IReadOnlyList<ArenaRound> Contestants,
    IReadOnlyList<ArenaCriterion> Criteria, IReadOnlyList<ArenaCategory> Categories, ArenaPointsSpec? Points,
    DateTimeOffset CreatedAt, DateTimeOffset? PublishedAt, int Judges,
    DateOnly? Date = null, string? Place = null, IReadOnlyList<ArenaGrade>? Grades = null, ArenaRankPointsSpec? RankPoints = null,
    string Board = ArenaBoardScores.Live)
{
    public bool Published => PublishedAt is not null;

    /// <summary>Every round is closed (the session is over, published or not).</summary>
    public bool AllClosed => Contestants.All(c => c.State == ArenaRoundState.Closed);

    /// <summary>Whether the board shows scores now: live as rounds close, or at the end once every round is closed or the session is published.</summary>
    public bool BoardShowsScores => Board != ArenaBoardScores.End || Published || AllClosed;

    /// <summary>A graded session (民主测评): judges pick a grade instead of scoring criteria.</summary>
    public bool Graded => Grades is { Count: > 0 };

    /// <summary>The most a ballot can total: the criteria's maxima, or the highest grade's points.</summary>
    public double FullMarks => Graded ? Grades!.Max(g => g.Points) : Criteria.Sum(c => c.MaxPoints);
}

/// <summary>What a judge's phone shows: the session, the judge (its category by name), the rounds and the judge's latest ballot for each.</summary>
public sealed record ArenaJudgeView(
    string Session, string SessionName, string JudgeId, string Category, string? Name, bool Published,
    IReadOnlyList<ArenaCriterion> Criteria, IReadOnlyList<ArenaJudgeRound> Rounds, IReadOnlyList<ArenaGrade>? Grades = null)
{
    /// <summary>A graded session: the judge picks one of <see cref="Grades"/>.</summary>
    public bool Graded => Grades is { Count: > 0 };
}

/// <summary>A round as a judge sees it: the contestant, the state, whether the judge may rate it, and its latest scores.</summary>
public sealed record ArenaJudgeRound(string Unit, string UnitName, ArenaRoundState State, bool OwnUnit, IReadOnlyDictionary<string, double>? Scores, string? Grade = null);

/// <summary>A judge as the control page shows it: its category, unit, name, whether it rated the open rounds, voided.</summary>
public sealed record ArenaJudgeStatus(string Id, string Category, string? Unit, string? Name, int Ballots, bool Voided, string? VoidReason);

/// <summary>A session or its judges are malformed: every error by field.</summary>
public sealed class ArenaInvalidException(IReadOnlyList<ArenaError> errors)
    : WorkflowException(WorkflowCodes.ArenaInvalid, string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")), errors.Count.ToString(CultureInfo.InvariantCulture))
{
    public IReadOnlyList<ArenaError> Errors { get; } = errors;
}

/// <summary>The judge's token is unknown or voided (the API's 401).</summary>
public sealed class ArenaTokenException(string message) : WorkflowException(WorkflowCodes.ArenaJudgeToken, message);

/// <summary>
/// On-site evaluation (现场评议 / 擂台), one door per use case. The office creates a session
/// (criteria, examiner categories, contestants), issues judges (each a token of 256 random
/// bits, only its SHA-256 kept), opens and closes each contestant's round, may void a judge
/// (with a reason) and publishes: every round closed, the results frozen and, when the session
/// names an indicator, each contestant's score entered and approved as its figure through
/// <see cref="FigureEntry"/> and <see cref="FigureWorkflow"/>. Judges send ballots with their
/// token while a round is open; every version is kept (and written to the audit trail), the
/// latest counts, the same ballot again changes nothing. Results follow <see cref="ArenaScoring"/>.
/// </summary>
public sealed class ArenaService(SaimaDb db, TimeProvider clock)
{
    /// <summary>The audit entity of sessions (key: session code), rounds and judges.</summary>
    public const string Entity = "arena_session";

    /// <summary>The audit entity of ballots (key: session/unit/judge id).</summary>
    public const string BallotEntity = "arena_ballot";

    /// <summary>Most judges issued at once.</summary>
    public const int MaxJudgesAtOnce = 1000;

    /// <summary>Most contestants and criteria of a session.</summary>
    public const int MaxParts = 500;

    /// <summary>Most grades of a graded session, and most ranks given points by <see cref="ArenaRankPointsSpec.First"/>.</summary>
    public const int MaxGrades = 10;

    /// <summary>How often a ballot is tried again when the store is busy or another write met it.</summary>
    private const int Attempts = 20;

    private static readonly JsonSerializerOptions ResultJson = new(JsonSerializerDefaults.Web);

    /// <summary>SHA-256 of a token, lower-case hex.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Creates a session. Malformed: <see cref="ArenaInvalidException"/>; code taken: <see cref="WorkflowCodes.ArenaCodeTaken"/>.</summary>
    public async Task<ArenaSessionView> CreateAsync(Actor actor, ArenaSessionSpec spec, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(spec);
        actor.RequireOffice("create an on-site evaluation");
        var errors = new List<ArenaError>();
        string? code = spec.Code?.Trim();
        if (string.IsNullOrEmpty(code) || code.Length > 64 || !code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            errors.Add(new("code", "required: 1 to 64 letters, digits, '-' or '_'"));
        }

        string? name = spec.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200)
        {
            errors.Add(new("name", "required: 1 to 200 characters"));
        }

        string stage = string.IsNullOrWhiteSpace(spec.Stage) ? "any" : spec.Stage.Trim();
        if (stage.Length > 40)
        {
            errors.Add(new("stage", "at most 40 characters (county, bureau, township or another word)"));
        }

        var units = new List<Unit>();
        if (spec.Contestants is not { Count: >= 2 } contestants || contestants.Count > MaxParts)
        {
            errors.Add(new("contestants", string.Create(CultureInfo.InvariantCulture, $"expected 2 to {MaxParts} unit codes in presentation order")));
        }
        else
        {
            string?[] wanted = [.. contestants.Select(c => c?.Trim())];
            string[] present = [.. wanted.Where(c => !string.IsNullOrEmpty(c)).Select(c => c!)];
            var known = await db.Units.AsNoTracking().Where(u => present.Contains(u.Code)).ToDictionaryAsync(u => u.Code, StringComparer.Ordinal, cancel);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < wanted.Length; i++)
            {
                string field = string.Create(CultureInfo.InvariantCulture, $"contestants[{i}]");
                if (string.IsNullOrEmpty(wanted[i]))
                {
                    errors.Add(new(field, "expected a unit code"));
                }
                else if (!known.TryGetValue(wanted[i]!, out Unit? u))
                {
                    errors.Add(new(field, $"no unit with code '{wanted[i]}'"));
                }
                else if (!seen.Add(u.Code))
                {
                    errors.Add(new(field, $"unit '{u.Code}' is named twice"));
                }
                else
                {
                    units.Add(u);
                }
            }
        }

        var criteria = new List<ArenaCriterion>();
        var grades = new List<ArenaGrade>();
        bool graded = spec.Grades is { Count: > 0 };
        if (graded)
        {
            if (spec.Criteria is { Count: > 0 })
            {
                errors.Add(new("criteria", "a graded session (grades) has no criteria: give either criteria or grades"));
            }

            CheckGrades(spec.Grades!, grades, errors);
        }
        else if (spec.Criteria is not { Count: > 0 } given || given.Count > MaxParts)
        {
            errors.Add(new("criteria", string.Create(CultureInfo.InvariantCulture, $"expected 1 to {MaxParts} criteria, each {{code, name, max}}")));
        }
        else
        {
            var codes = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < given.Count; i++)
            {
                ArenaCriterionSpec c = given[i];
                string at = string.Create(CultureInfo.InvariantCulture, $"criteria[{i}]");
                string? cc = CheckCode(c?.Code, at, codes, errors);
                string? cn = string.IsNullOrWhiteSpace(c?.Name) ? cc : c.Name.Trim();
                if (c?.Max is not { } max || !double.IsFinite(max) || max <= 0 || max > 10000 || !IsHalfStep(max))
                {
                    errors.Add(new(at + ".max", "required: a number > 0 (at most 10000) in steps of 0.5"));
                }
                else if (cc is not null)
                {
                    criteria.Add(new ArenaCriterion { Code = cc, Name = Cut(cn!, 200), MaxPoints = max, Position = i });
                }
            }
        }

        var categories = new List<ArenaCategory>();
        if (spec.Categories is not { Count: > 0 } cats || cats.Count > 50)
        {
            errors.Add(new("categories", "expected 1 to 50 categories, each {code, name, weight, trim}"));
        }
        else
        {
            var codes = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < cats.Count; i++)
            {
                ArenaCategorySpec c = cats[i];
                string at = string.Create(CultureInfo.InvariantCulture, $"categories[{i}]");
                string? cc = CheckCode(c?.Code, at, codes, errors);
                string? cn = string.IsNullOrWhiteSpace(c?.Name) ? cc : c.Name.Trim();
                bool ok = cc is not null;
                if (c?.Weight is not { } weight || !double.IsFinite(weight) || weight <= 0)
                {
                    errors.Add(new(at + ".weight", "required: a number > 0"));
                    ok = false;
                    weight = 0;
                }

                double trim = c?.Trim ?? 0;
                if (!double.IsFinite(trim) || trim < 0 || trim != Math.Floor(trim) || trim > 100)
                {
                    errors.Add(new(at + ".trim", "a whole number ≥ 0 (how many of the top and of the bottom totals are dropped; default 0)"));
                    ok = false;
                }

                if (ok)
                {
                    categories.Add(new ArenaCategory { Code = cc!, Name = Cut(cn!, 200), Weight = weight, TrimCount = (int)trim, Position = i });
                }
            }
        }

        ArenaPointsSpec? points = null;
        if (spec.Points is { } p)
        {
            points = await CheckPointsAsync(p, units, errors, cancel);
        }

        DateOnly? heldOn = null;
        if (!string.IsNullOrWhiteSpace(spec.Date))
        {
            if (DateOnly.TryParseExact(spec.Date.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly d))
            {
                heldOn = d;
            }
            else
            {
                errors.Add(new("date", "expected a day as yyyy-MM-dd"));
            }
        }

        string? place = string.IsNullOrWhiteSpace(spec.Place) ? null : spec.Place.Trim();
        if (place is { Length: > 200 })
        {
            errors.Add(new("place", "at most 200 characters"));
        }

        string board = string.IsNullOrWhiteSpace(spec.Board) ? ArenaBoardScores.Live : spec.Board.Trim();
        if (!ArenaBoardScores.IsKnown(board))
        {
            errors.Add(new("board", "expected live (scores as each round closes) or end (scores only at the end)"));
        }

        ArenaRankPointsSpec? rankPoints = null;
        if (spec.RankPoints is { } rp)
        {
            rankPoints = await CheckRankPointsAsync(rp, units, errors, cancel);
        }

        if (errors.Count > 0)
        {
            throw new ArenaInvalidException(errors);
        }

        if (await db.ArenaSessions.AnyAsync(s => s.Code == code, cancel))
        {
            throw new WorkflowException(WorkflowCodes.ArenaCodeTaken, $"an on-site evaluation with code '{code}' exists already", code!);
        }

        DateTimeOffset now = StoreTime.Now(clock);
        var session = new ArenaSession
        {
            Code = code!,
            Name = name!,
            Stage = stage,
            PointsScheme = points?.Scheme,
            PointsPeriod = points?.Period,
            PointsIndicator = points?.Indicator,
            HeldOn = heldOn,
            Place = place,
            RankPoints = rankPoints is null ? null : JsonSerializer.Serialize(rankPoints, ResultJson),
            BoardScores = board,
            CreatedAt = now,
            CreatedBy = actor.Name,
        };
        await using IDbContextTransaction tx = await db.Database.BeginTransactionAsync(cancel);
        db.ArenaSessions.Add(session);
        await db.SaveChangesAsync(cancel);
        foreach (ArenaCriterion c in criteria)
        {
            c.SessionId = session.Id;
        }

        foreach (ArenaCategory c in categories)
        {
            c.SessionId = session.Id;
        }

        foreach (ArenaGrade g in grades)
        {
            g.SessionId = session.Id;
        }

        db.ArenaGrades.AddRange(grades);
        db.ArenaCriteria.AddRange(criteria);
        db.ArenaCategories.AddRange(categories);
        db.ArenaContestants.AddRange(units.Select((u, i) => new ArenaContestant { SessionId = session.Id, UnitId = u.Id, Position = i, State = ArenaRoundState.Pending }));
        db.Audit.Add(AuditLog.Entry(now, actor, "create", Entity, session.Code, "session", null, Describe(session, units, criteria, categories, grades)));
        try
        {
            await db.SaveChangesAsync(cancel);
            await tx.CommitAsync(cancel);
        }
        catch (DbUpdateException e) when (IsUniqueViolation(e))
        {
            throw new WorkflowException(WorkflowCodes.ArenaCodeTaken, $"an on-site evaluation with code '{code}' exists already", code!);
        }

        db.ChangeTracker.Clear();
        return (await SessionAsync(session.Code, cancel))!;
    }

    /// <summary>A session with its parts, or null.</summary>
    public async Task<ArenaSessionView?> SessionAsync(string code, CancellationToken cancel = default)
    {
        ArenaSession? s = await db.ArenaSessions.AsNoTracking().SingleOrDefaultAsync(x => x.Code == code, cancel);
        if (s is null)
        {
            return null;
        }

        var criteria = await db.ArenaCriteria.AsNoTracking().Where(c => c.SessionId == s.Id).OrderBy(c => c.Position).ToListAsync(cancel);
        var categories = await db.ArenaCategories.AsNoTracking().Where(c => c.SessionId == s.Id).OrderBy(c => c.Position).ToListAsync(cancel);
        var rounds = await (from c in db.ArenaContestants.AsNoTracking()
                            where c.SessionId == s.Id
                            join u in db.Units.AsNoTracking() on c.UnitId equals u.Id
                            orderby c.Position
                            select new { c.Id, u.Code, u.Name, c.State }).ToListAsync(cancel);
        var counts = await CurrentBallotCountsAsync(s.Id, cancel);
        int judges = await db.ArenaJudges.CountAsync(j => j.SessionId == s.Id, cancel);
        var grades = await db.ArenaGrades.AsNoTracking().Where(g => g.SessionId == s.Id).OrderBy(g => g.Position).ToListAsync(cancel);
        ArenaPointsSpec? points = s.PointsScheme is null ? null : new ArenaPointsSpec(s.PointsScheme, s.PointsPeriod, s.PointsIndicator);
        return new ArenaSessionView(
            s.Code, s.Name, s.Stage, [.. rounds.Select(r => new ArenaRound(r.Code, r.Name, r.State, counts.GetValueOrDefault(r.Id)))],
            criteria, categories, points, s.CreatedAt, s.PublishedAt, judges,
            s.HeldOn, s.Place, grades.Count == 0 ? null : grades, RankPointsOf(s), s.BoardScores);
    }

    /// <summary>
    /// Sets when the session's board shows scores (<see cref="ArenaBoardScores.Live"/> or
    /// <see cref="ArenaBoardScores.End"/>): the office, until every round is closed
    /// (<see cref="WorkflowCodes.ArenaBoardFixed"/>) or the session is published. The same choice
    /// again changes nothing; a change is in the audit trail.
    /// </summary>
    public async Task<ArenaSessionView> SetBoardAsync(Actor actor, string sessionCode, string? board, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOffice("choose what the board shows");
        string? wanted = board?.Trim();
        if (!ArenaBoardScores.IsKnown(wanted))
        {
            throw new ArenaInvalidException([new("board", "expected live (scores as each round closes) or end (scores only at the end)")]);
        }

        ArenaSession session = await db.ArenaSessions.SingleOrDefaultAsync(s => s.Code == sessionCode, cancel)
            ?? throw new NotFoundException(WorkflowCodes.NoArenaSession, $"no on-site evaluation '{sessionCode}'", sessionCode);
        RequireUnpublished(session);
        if (session.BoardScores != wanted)
        {
            bool open = await db.ArenaContestants.AnyAsync(c => c.SessionId == session.Id && c.State != ArenaRoundState.Closed, cancel);
            if (!open)
            {
                throw new WorkflowException(WorkflowCodes.ArenaBoardFixed, $"every round of '{session.Code}' is closed; the board's choice is fixed", session.Code);
            }

            db.Audit.Add(AuditLog.Entry(StoreTime.Now(clock), actor, "set-board", Entity, session.Code, "board", session.BoardScores, wanted));
            session.BoardScores = wanted!;
            await db.SaveChangesAsync(cancel);
            ArenaChanges.Signal(session.Code);
        }

        db.ChangeTracker.Clear();
        return (await SessionAsync(session.Code, cancel))!;
    }

    /// <summary>Sessions, newest first, a page at a time, with the total.</summary>
    public async Task<(IReadOnlyList<ArenaSession> Page, int Total)> ListAsync(int skip, int take, CancellationToken cancel = default)
    {
        int total = await db.ArenaSessions.CountAsync(cancel);
        var page = await db.ArenaSessions.AsNoTracking().OrderByDescending(s => s.Id).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200)).ToListAsync(cancel);
        return (page, total);
    }

    /// <summary>Issues judges of a category: <c>count</c> anonymous ones or one per name; each gets a token shown once.</summary>
    public async Task<IReadOnlyList<ArenaIssuedJudge>> IssueJudgesAsync(Actor actor, string sessionCode, ArenaJudgeSpec spec, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(spec);
        actor.RequireOffice("issue judges");
        ArenaSession session = await LoadAsync(sessionCode, cancel);
        RequireUnpublished(session);
        var errors = new List<ArenaError>();
        ArenaCategory? category = string.IsNullOrWhiteSpace(spec.Category) ? null
            : await db.ArenaCategories.AsNoTracking().SingleOrDefaultAsync(c => c.SessionId == session.Id && c.Code == spec.Category.Trim(), cancel);
        if (category is null)
        {
            errors.Add(new("category", string.IsNullOrWhiteSpace(spec.Category) ? "required: the code of one of the session's categories" : $"the session has no category '{spec.Category}'"));
        }

        var names = new List<string?>();
        if (spec.Names is { } given && spec.Count is not null)
        {
            errors.Add(new("count", "give either count or names, not both"));
        }
        else if (spec.Names is { } list)
        {
            if (list.Count is 0 or > MaxJudgesAtOnce)
            {
                errors.Add(new("names", string.Create(CultureInfo.InvariantCulture, $"expected 1 to {MaxJudgesAtOnce} names")));
            }

            for (int i = 0; i < list.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(list[i]) || list[i]!.Trim().Length > 100)
                {
                    errors.Add(new(string.Create(CultureInfo.InvariantCulture, $"names[{i}]"), "expected a name of 1 to 100 characters"));
                }
                else
                {
                    names.Add(list[i]!.Trim());
                }
            }
        }
        else if (spec.Count is { } count and >= 1 and <= MaxJudgesAtOnce)
        {
            names.AddRange(Enumerable.Repeat<string?>(null, count));
        }
        else
        {
            errors.Add(new("count", string.Create(CultureInfo.InvariantCulture, $"expected a count of 1 to {MaxJudgesAtOnce}, or names")));
        }

        Unit? unit = null;
        if (!string.IsNullOrWhiteSpace(spec.Unit))
        {
            unit = await db.Units.AsNoTracking().SingleOrDefaultAsync(u => u.Code == spec.Unit.Trim(), cancel);
            if (unit is null)
            {
                errors.Add(new("unit", $"no unit with code '{spec.Unit}'"));
            }
        }

        if (errors.Count > 0)
        {
            throw new ArenaInvalidException(errors);
        }

        DateTimeOffset now = StoreTime.Now(clock);
        var issued = new List<ArenaIssuedJudge>(names.Count);
        foreach (string? n in names)
        {
            string token = "j_" + Base64Url(RandomNumberGenerator.GetBytes(32));
            string id = "J" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));
            db.ArenaJudges.Add(new ArenaJudge
            {
                SessionId = session.Id,
                PublicId = id,
                CategoryId = category!.Id,
                UnitId = unit?.Id,
                Name = n,
                TokenHash = Hash(token),
                IssuedAt = now,
                IssuedBy = actor.Name,
            });
            db.Audit.Add(AuditLog.Entry(now, actor, "issue-judge", Entity, session.Code, "judge", null,
                $"{id} {category.Code}" + (unit is null ? string.Empty : " " + unit.Code) + (n is null ? string.Empty : " " + n)));
            issued.Add(new ArenaIssuedJudge(id, category.Code, unit?.Code, n, token));
        }

        await db.SaveChangesAsync(cancel);
        db.ChangeTracker.Clear();
        return issued;
    }

    /// <summary>Opens a contestant's round (again: no change). A closed round stays closed.</summary>
    public Task<ArenaRound> OpenRoundAsync(Actor actor, string sessionCode, string unit, CancellationToken cancel = default) =>
        MoveRoundAsync(actor, sessionCode, unit, ArenaRoundState.Open, cancel);

    /// <summary>Closes a contestant's round, open or never opened (again: no change). Final.</summary>
    public Task<ArenaRound> CloseRoundAsync(Actor actor, string sessionCode, string unit, CancellationToken cancel = default) =>
        MoveRoundAsync(actor, sessionCode, unit, ArenaRoundState.Closed, cancel);

    private async Task<ArenaRound> MoveRoundAsync(Actor actor, string sessionCode, string unitCode, ArenaRoundState to, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOffice(to == ArenaRoundState.Open ? "open a round" : "close a round");
        ArenaSession session = await LoadAsync(sessionCode, cancel);
        RequireUnpublished(session);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await using IDbContextTransaction tx = await db.Database.BeginTransactionAsync(cancel);
                var row = await (from c in db.ArenaContestants
                                 where c.SessionId == session.Id
                                 join u in db.Units on c.UnitId equals u.Id
                                 where u.Code == unitCode
                                 select new { Contestant = c, u.Code, u.Name }).SingleOrDefaultAsync(cancel)
                    ?? throw new NotFoundException(WorkflowCodes.ArenaNotContestant, $"unit '{unitCode}' is not a contestant of '{session.Code}'", session.Code, unitCode);
                ArenaContestant round = row.Contestant;
                if (round.State != to)
                {
                    if (round.State == ArenaRoundState.Closed)
                    {
                        throw new WorkflowException(WorkflowCodes.ArenaRoundState, $"the round of '{row.Code}' in '{session.Code}' is closed; closing is final", session.Code, row.Code, "closed");
                    }

                    DateTimeOffset now = StoreTime.Now(clock);
                    db.Audit.Add(AuditLog.Entry(now, actor, to == ArenaRoundState.Open ? "open-round" : "close-round", Entity, session.Code, row.Code, StateText(round.State), StateText(to)));
                    round.State = to;
                    if (to == ArenaRoundState.Open)
                    {
                        round.OpenedAt = now;
                    }
                    else
                    {
                        round.ClosedAt = now;
                    }

                    await db.SaveChangesAsync(cancel);
                }

                await tx.CommitAsync(cancel);
                db.ChangeTracker.Clear();
                ArenaChanges.Signal(session.Code);
                int ballots = (await CurrentBallotCountsAsync(session.Id, cancel)).GetValueOrDefault(round.Id);
                return new ArenaRound(row.Code, row.Name, round.State, ballots);
            }
            catch (Exception e) when (attempt < Attempts && IsTransient(e))
            {
                db.ChangeTracker.Clear();
                await Task.Delay(Backoff(attempt), cancel);
            }
        }
    }

    /// <summary>
    /// A judge's ballot, authenticated by the judge's token. Refusals: <see cref="ArenaTokenException"/>
    /// (unknown or voided token), <see cref="ArenaInvalidException"/> (malformed, whatever the state),
    /// <see cref="WorkflowException"/> for the state (another session, not a contestant, the judge's
    /// own unit, the round not open, the session published). Safe under many judges at once: a busy
    /// store or a concurrent ballot of the same judge is tried again; the same scores again are
    /// accepted without a new version.
    /// </summary>
    public async Task<ArenaBallotReceipt> SubmitBallotAsync(string token, ArenaBallotInput ballot, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(ballot);
        ArenaJudge judge = await JudgeByTokenAsync(token, cancel);
        ArenaSession session = await db.ArenaSessions.AsNoTracking().SingleAsync(s => s.Id == judge.SessionId, cancel);
        var errors = new List<ArenaError>();
        if (string.IsNullOrWhiteSpace(ballot.Session))
        {
            errors.Add(new("session", "required: the session's code"));
        }

        if (string.IsNullOrWhiteSpace(ballot.Contestant))
        {
            errors.Add(new("contestant", "required: the contestant's unit code"));
        }

        // A ballot is checked against the criteria of the session it names (malformed is 400 whatever else is wrong).
        ArenaSession named = session;
        if (!string.IsNullOrWhiteSpace(ballot.Session) && !string.Equals(ballot.Session, session.Code, StringComparison.Ordinal))
        {
            named = await db.ArenaSessions.AsNoTracking().SingleOrDefaultAsync(s => s.Code == ballot.Session, cancel) ?? session;
        }

        var criteria = await db.ArenaCriteria.AsNoTracking().Where(c => c.SessionId == named.Id).OrderBy(c => c.Position).ToListAsync(cancel);
        var grades = await db.ArenaGrades.AsNoTracking().Where(g => g.SessionId == named.Id).OrderBy(g => g.Position).ToListAsync(cancel);
        string scores;
        double total;
        string? grade = null;
        if (grades.Count > 0)
        {
            (grade, total) = CheckGrade(grades, ballot, errors);
            scores = string.Empty;
        }
        else
        {
            if (ballot.Grade is not null)
            {
                errors.Add(new("grade", "the session is scored by criteria: send scores, not a grade"));
            }

            (scores, total) = CheckScores(criteria, ballot.Scores, errors);
        }

        if (errors.Count > 0)
        {
            throw new ArenaInvalidException(errors);
        }

        if (!ReferenceEquals(named, session) || !string.Equals(ballot.Session, session.Code, StringComparison.Ordinal))
        {
            throw new WorkflowException(WorkflowCodes.ArenaOtherSession, $"the judge's token belongs to another session than '{ballot.Session}'", ballot.Session!);
        }

        RequireUnpublished(session);
        var target = await (from c in db.ArenaContestants.AsNoTracking()
                            where c.SessionId == session.Id
                            join u in db.Units.AsNoTracking() on c.UnitId equals u.Id
                            where u.Code == ballot.Contestant
                            select new { c.Id, c.UnitId, u.Code }).SingleOrDefaultAsync(cancel)
            ?? throw new WorkflowException(WorkflowCodes.ArenaNotContestant, $"unit '{ballot.Contestant}' is not a contestant of '{session.Code}'", session.Code, ballot.Contestant!);
        if (judge.UnitId == target.UnitId)
        {
            throw new WorkflowException(WorkflowCodes.ArenaOwnUnit, $"the judge belongs to '{target.Code}' and may not rate it", session.Code, target.Code);
        }

        for (int attempt = 1; ; attempt++)
        {
            try
            {
                ArenaBallotReceipt receipt = await WriteBallotAsync(session, judge, target.Id, target.Code, scores, grade, total, cancel);
                if (!receipt.Repeated)
                {
                    ArenaChanges.Signal(session.Code);
                }

                return receipt;
            }
            catch (Exception e) when (attempt < Attempts && IsTransient(e))
            {
                db.ChangeTracker.Clear();
                await Task.Delay(Backoff(attempt), cancel);
            }
        }
    }

    private async Task<ArenaBallotReceipt> WriteBallotAsync(ArenaSession session, ArenaJudge judge, long contestantId, string unit, string scores, string? grade, double total, CancellationToken cancel)
    {
        await using IDbContextTransaction tx = await db.Database.BeginTransactionAsync(cancel);

        // The round's state, held (PostgreSQL: FOR SHARE) until the ballot is written, so that a
        // round closing meanwhile waits for it; SQLite writes one transaction at a time anyway.
        int state = db.Provider == StoreProvider.Postgres
            ? await db.Database.SqlQuery<int>($"SELECT state AS \"Value\" FROM arena_contestants WHERE id = {contestantId} FOR SHARE").SingleAsync(cancel)
            : await db.ArenaContestants.Where(c => c.Id == contestantId).Select(c => (int)c.State).SingleAsync(cancel);
        if ((ArenaRoundState)state != ArenaRoundState.Open)
        {
            throw new WorkflowException(WorkflowCodes.ArenaRoundState, $"the round of '{unit}' in '{session.Code}' is {StateText((ArenaRoundState)state)}; ballots are taken only while it is open", session.Code, unit, StateText((ArenaRoundState)state));
        }

        var latest = await db.ArenaBallots.AsNoTracking().Where(b => b.JudgeId == judge.Id && b.ContestantId == contestantId)
            .OrderByDescending(b => b.Version).Select(b => new { b.Version, b.Scores, b.Grade, b.Total }).FirstOrDefaultAsync(cancel);
        if (latest is not null && latest.Scores == scores && latest.Grade == grade)
        {
            await tx.CommitAsync(cancel);
            return new ArenaBallotReceipt(latest.Total, latest.Version, Repeated: true);
        }

        DateTimeOffset now = StoreTime.Now(clock);
        int version = (latest?.Version ?? 0) + 1;
        db.ArenaBallots.Add(new ArenaBallot
        {
            SessionId = session.Id,
            ContestantId = contestantId,
            JudgeId = judge.Id,
            Version = version,
            Scores = scores,
            Grade = grade,
            Total = total,
            ReceivedAt = now,
        });
        db.Audit.Add(new AuditEntry
        {
            At = now,
            User = "judge " + judge.PublicId,
            Action = "ballot",
            Entity = BallotEntity,
            EntityKey = $"{session.Code}/{unit}/{judge.PublicId}",
            Field = grade is null ? "scores" : "grade",
            OldValue = latest is null ? null : latest.Grade ?? latest.Scores,
            NewValue = grade ?? scores,
        });
        await db.SaveChangesAsync(cancel);
        await tx.CommitAsync(cancel);
        db.ChangeTracker.Clear();
        return new ArenaBallotReceipt(total, version, Repeated: false);
    }

    /// <summary>What a judge's phone shows (unknown or voided token: <see cref="ArenaTokenException"/>).</summary>
    public async Task<ArenaJudgeView> JudgeViewAsync(string token, CancellationToken cancel = default)
    {
        ArenaJudge judge = await JudgeByTokenAsync(token, cancel);
        ArenaSession session = await db.ArenaSessions.AsNoTracking().SingleAsync(s => s.Id == judge.SessionId, cancel);
        var criteria = await db.ArenaCriteria.AsNoTracking().Where(c => c.SessionId == session.Id).OrderBy(c => c.Position).ToListAsync(cancel);
        string category = await db.ArenaCategories.AsNoTracking().Where(c => c.Id == judge.CategoryId).Select(c => c.Name).SingleAsync(cancel);
        var rounds = await (from c in db.ArenaContestants.AsNoTracking()
                            where c.SessionId == session.Id
                            join u in db.Units.AsNoTracking() on c.UnitId equals u.Id
                            orderby c.Position
                            select new { c.Id, c.UnitId, u.Code, u.Name, c.State }).ToListAsync(cancel);
        var grades = await db.ArenaGrades.AsNoTracking().Where(g => g.SessionId == session.Id).OrderBy(g => g.Position).ToListAsync(cancel);
        var mine = (await db.ArenaBallots.AsNoTracking().Where(b => b.JudgeId == judge.Id)
                .Select(b => new { b.ContestantId, b.Version, b.Scores, b.Grade }).ToListAsync(cancel))
            .GroupBy(b => b.ContestantId).ToDictionary(g => g.Key, g => g.MaxBy(b => b.Version)!);
        return new ArenaJudgeView(
            session.Code, session.Name, judge.PublicId, category, judge.Name, session.PublishedAt is not null, criteria,
            [.. rounds.Select(r => new ArenaJudgeRound(
                r.Code, r.Name, r.State, r.UnitId == judge.UnitId,
                mine.TryGetValue(r.Id, out var b) ? ParseScores(b.Scores) : null, mine.GetValueOrDefault(r.Id)?.Grade))],
            grades.Count == 0 ? null : grades);
    }

    /// <summary>The judges of a session with their ballots (latest per contestant) and whether voided, in issue order, a page at a time.</summary>
    public async Task<IReadOnlyList<ArenaJudgeStatus>> JudgesAsync(string sessionCode, int skip = 0, int take = 1000, CancellationToken cancel = default)
    {
        ArenaSession session = await LoadAsync(sessionCode, cancel);
        var judges = await (from j in db.ArenaJudges.AsNoTracking()
                            where j.SessionId == session.Id
                            join c in db.ArenaCategories.AsNoTracking() on j.CategoryId equals c.Id
                            join u in db.Units.AsNoTracking() on j.UnitId equals u.Id into us
                            from u in us.DefaultIfEmpty()
                            orderby j.Id
                            select new { j.Id, j.PublicId, Category = c.Code, Unit = u == null ? null : u.Code, j.Name, j.VoidedAt, j.VoidReason })
            .Skip(skip).Take(take).ToListAsync(cancel);
        var counts = (await db.ArenaBallots.AsNoTracking().Where(b => b.SessionId == session.Id).Select(b => new { b.JudgeId, b.ContestantId }).Distinct().ToListAsync(cancel))
            .GroupBy(b => b.JudgeId).ToDictionary(g => g.Key, g => g.Count());
        return [.. judges.Select(j => new ArenaJudgeStatus(j.PublicId, j.Category, j.Unit, j.Name, counts.GetValueOrDefault(j.Id), j.VoidedAt is not null, j.VoidReason))];
    }

    /// <summary>The judges (public ids) who have no ballot yet for the contestant and may rate it (not voided, not of its unit).</summary>
    public async Task<IReadOnlyList<ArenaJudgeStatus>> MissingAsync(string sessionCode, string unit, CancellationToken cancel = default)
    {
        ArenaSession session = await LoadAsync(sessionCode, cancel);
        var target = await (from c in db.ArenaContestants.AsNoTracking()
                            where c.SessionId == session.Id
                            join u in db.Units.AsNoTracking() on c.UnitId equals u.Id
                            where u.Code == unit
                            select new { c.Id, c.UnitId }).SingleOrDefaultAsync(cancel)
            ?? throw new NotFoundException(WorkflowCodes.ArenaNotContestant, $"unit '{unit}' is not a contestant of '{session.Code}'", session.Code, unit);
        var voted = db.ArenaBallots.Where(b => b.ContestantId == target.Id).Select(b => b.JudgeId);
        var rows = await (from j in db.ArenaJudges.AsNoTracking()
                          where j.SessionId == session.Id && j.VoidedAt == null && (j.UnitId == null || j.UnitId != target.UnitId) && !voted.Contains(j.Id)
                          join c in db.ArenaCategories.AsNoTracking() on j.CategoryId equals c.Id
                          orderby j.Id
                          select new { j.PublicId, Category = c.Code, j.Name }).Take(500).ToListAsync(cancel);
        return [.. rows.Select(r => new ArenaJudgeStatus(r.PublicId, r.Category, null, r.Name, 0, false, null))];
    }

    /// <summary>Voids a judge (office, with a reason): its ballots stop counting; recorded and shown on the results.</summary>
    public async Task VoidJudgeAsync(Actor actor, string sessionCode, string judgeId, string? reason, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOffice("void a judge");
        ArenaSession session = await LoadAsync(sessionCode, cancel);
        RequireUnpublished(session);
        ArenaJudge judge = await db.ArenaJudges.SingleOrDefaultAsync(j => j.SessionId == session.Id && j.PublicId == judgeId, cancel)
            ?? throw new NotFoundException(WorkflowCodes.NoArenaJudge, $"session '{session.Code}' has no judge '{judgeId}'", session.Code, judgeId);
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new WorkflowException(WorkflowCodes.ArenaVoidReason, $"voiding judge '{judgeId}' needs a reason", judgeId);
        }

        if (judge.VoidedAt is not null)
        {
            throw new WorkflowException(WorkflowCodes.ArenaJudgeVoided, $"judge '{judgeId}' is voided already", judgeId);
        }

        DateTimeOffset now = StoreTime.Now(clock);
        judge.VoidedAt = now;
        judge.VoidedBy = actor.Name;
        judge.VoidReason = Cut(reason.Trim(), 500);
        db.Audit.Add(AuditLog.Entry(now, actor, "void-judge", Entity, session.Code, "judge", judgeId, "voided", judge.VoidReason));
        await db.SaveChangesAsync(cancel);
        db.ChangeTracker.Clear();
        ArenaChanges.Signal(session.Code);
    }

    /// <summary>
    /// The results: frozen ones of a published session, else as they stand. The office reads them
    /// at any time, other roles once the session is published.
    /// </summary>
    public async Task<ArenaResults> ResultsAsync(Actor actor, string sessionCode, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Validate();
        ArenaSession session = await LoadAsync(sessionCode, cancel);
        if (session.ResultsJson is { } frozen)
        {
            return JsonSerializer.Deserialize<ArenaResults>(frozen, ResultJson)!;
        }

        if (actor.Role != ActorRole.Office)
        {
            throw new AccessDeniedException(WorkflowCodes.OfficeOnly, $"{actor} may not see the results of '{session.Code}' before they are published: only the assessment office may", actor.Name);
        }

        return await ComputeAsync(session, cancel);
    }

    /// <summary>
    /// Publishes a session: every round closed (else <see cref="WorkflowCodes.ArenaRoundsNotClosed"/>
    /// naming them), the results frozen; with points, each contestant's score saved, submitted
    /// and approved as its figure (entered under the session's name in the office, approved by
    /// the publishing office user: the figure's four eyes), the period open (else
    /// <see cref="WorkflowCodes.ArenaPeriodNotOpen"/>); with rank points, the bonus or penalty of
    /// each rank proposed and approved through <see cref="AdjustmentService"/> (its refusals as
    /// they are). All or nothing.
    /// </summary>
    public async Task<ArenaResults> PublishAsync(Actor actor, string sessionCode, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOffice("publish an on-site evaluation");
        try
        {
            ArenaResults published = await PublishCoreAsync(actor, sessionCode, cancel);
            ArenaChanges.Signal(sessionCode);
            return published;
        }
        catch
        {
            // Nothing was stored: what the refused attempt tracked must not reach a later save.
            db.ChangeTracker.Clear();
            throw;
        }
    }

    private async Task<ArenaResults> PublishCoreAsync(Actor actor, string sessionCode, CancellationToken cancel)
    {
        await using IDbContextTransaction tx = await db.Database.BeginTransactionAsync(cancel);
        ArenaSession session = await db.ArenaSessions.SingleOrDefaultAsync(s => s.Code == sessionCode, cancel)
            ?? throw new NotFoundException(WorkflowCodes.NoArenaSession, $"no on-site evaluation '{sessionCode}'", sessionCode);
        RequireUnpublished(session);
        var notClosed = await (from c in db.ArenaContestants.AsNoTracking()
                               where c.SessionId == session.Id && c.State != ArenaRoundState.Closed
                               join u in db.Units.AsNoTracking() on c.UnitId equals u.Id
                               orderby c.Position
                               select u.Code).ToListAsync(cancel);
        if (notClosed.Count > 0)
        {
            throw new WorkflowException(WorkflowCodes.ArenaRoundsNotClosed,
                $"'{session.Code}' cannot be published: the rounds of {string.Join(", ", notClosed)} are not closed", session.Code, string.Join(",", notClosed));
        }

        ArenaResults computed = await ComputeAsync(session, cancel);
        ArenaResults results = computed with { Published = true };
        DateTimeOffset now = StoreTime.Now(clock);
        session.PublishedAt = now;
        session.PublishedBy = actor.Name;
        session.ResultsJson = JsonSerializer.Serialize(results, ResultJson);
        db.Audit.Add(AuditLog.Entry(now, actor, "publish", Entity, session.Code, "results", null,
            string.Join("; ", results.Contestants.Select(c => $"{c.Unit}={AuditLog.Text(c.Score)}"))));
        await db.SaveChangesAsync(cancel);
        if (RankPointsOf(session) is { } rankPoints)
        {
            await PublishRankPointsAsync(actor, session, rankPoints, results, cancel);
        }

        if (session.PointsScheme is { } scheme)
        {
            await PublishPointsAsync(actor, session, scheme, results, cancel);
        }

        await tx.CommitAsync(cancel);
        db.ChangeTracker.Clear();
        return results;
    }

    private async Task PublishPointsAsync(Actor actor, ArenaSession session, string scheme, ArenaResults results, CancellationToken cancel)
    {
        string period = session.PointsPeriod!;
        AssessmentScheme s = await db.Schemes.AsNoTracking().SingleOrDefaultAsync(x => x.Code == scheme, cancel)
            ?? throw new WorkflowException(WorkflowCodes.ArenaPeriodNotOpen, $"scheme '{scheme}' no longer exists", period, scheme);
        ReportingPeriod? p = await db.Periods.AsNoTracking().SingleOrDefaultAsync(x => x.SchemeId == s.Id && x.Code == period, cancel);
        if (p is not { Status: PeriodStatus.Open })
        {
            throw new WorkflowException(WorkflowCodes.ArenaPeriodNotOpen,
                $"period {period} of scheme '{scheme}' is {(p is null ? "not opened" : AuditLog.Text(p.Status))}; the scores of '{session.Code}' go into an open period only", period, scheme);
        }

        var items = results.Contestants.Where(c => c.Score is not null)
            .Select(c => new FigureInput(c.Unit, session.PointsIndicator!, period, c.Score, $"现场评议 {session.Code}")).ToList();
        if (items.Count == 0)
        {
            return;
        }

        // Entered under the session's name in the office, approved by the office user who publishes.
        var enterer = new Actor($"{actor.Name} · 现场评议 {session.Code}", ActorRole.Office);
        EntryResult entry = await new FigureEntry(db, clock).SaveAsync(enterer, new EntryRequest(scheme, items, EntryMode.Submit), cancel);
        if (!entry.Accepted)
        {
            EntryError e = entry.Errors[0];
            string unit = e.Index >= 0 && e.Index < items.Count ? items[e.Index].Unit : string.Empty;
            throw new WorkflowException(WorkflowCodes.ArenaPointsRefused, $"the score of '{unit}' could not become its figure: {e.En}", session.Code, unit, e.Code, e.En);
        }

        var workflow = new FigureWorkflow(db, clock);
        foreach (long id in entry.FigureIds)
        {
            workflow.Approve(actor, id);
        }
    }

    /// <summary>
    /// Bonus or penalty points by rank through the adjustment door: each proposed under the
    /// session's name in the office (the reason <c>现场评议 code 第N名</c>) and approved by the office
    /// user who publishes (the adjustment's four eyes).
    /// </summary>
    private async Task PublishRankPointsAsync(Actor actor, ArenaSession session, ArenaRankPointsSpec rank, ArenaResults results, CancellationToken cancel)
    {
        var bonuses = ArenaScoring.RankBonuses(results.Contestants, [.. (rank.First ?? []).Select(x => x ?? 0)], rank.Last);
        if (bonuses.Count == 0)
        {
            return;
        }

        AssessmentScheme s = await db.Schemes.AsNoTracking().SingleOrDefaultAsync(x => x.Code == rank.Scheme, cancel)
            ?? throw new WorkflowException(WorkflowCodes.ArenaPeriodNotOpen, $"scheme '{rank.Scheme}' no longer exists", rank.Period ?? string.Empty, rank.Scheme ?? string.Empty);
        string[] codes = [.. bonuses.Select(b => b.Unit)];
        var unitIds = await db.Units.AsNoTracking().Where(u => codes.Contains(u.Code)).ToDictionaryAsync(u => u.Code, u => u.Id, StringComparer.Ordinal, cancel);
        var proposer = new Actor($"{actor.Name} · 现场评议 {session.Code}", ActorRole.Office);
        var adjustments = new AdjustmentService(db, clock);
        foreach ((string unit, int place, double points) in bonuses)
        {
            string reason = string.Create(CultureInfo.InvariantCulture, $"现场评议 {session.Code} 第{place}名");
            AdjustmentItem item = await adjustments.ProposeAsync(proposer, new AdjustmentProposal(s.Id, unitIds[unit], points, reason, rank.Period, rank.Indicator), null, cancel);
            await adjustments.ApproveAsync(actor, item.Id, null, cancel);
        }
    }

    private static ArenaRankPointsSpec? RankPointsOf(ArenaSession s) =>
        s.RankPoints is null ? null : JsonSerializer.Deserialize<ArenaRankPointsSpec>(s.RankPoints, ResultJson);

    private static void CheckGrades(IReadOnlyList<ArenaGradeSpec> given, List<ArenaGrade> grades, List<ArenaError> errors)
    {
        if (given.Count is < 2 or > MaxGrades)
        {
            errors.Add(new("grades", string.Create(CultureInfo.InvariantCulture, $"expected 2 to {MaxGrades} grades, each {{code, name, points}}")));
            return;
        }

        var codes = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < given.Count; i++)
        {
            ArenaGradeSpec g = given[i];
            string at = string.Create(CultureInfo.InvariantCulture, $"grades[{i}]");
            string? gc = CheckCode(g?.Code, at, codes, errors);
            string? gn = string.IsNullOrWhiteSpace(g?.Name) ? gc : g.Name.Trim();
            if (g?.Points is not { } pts || !double.IsFinite(pts) || pts < 0 || pts > 10000)
            {
                errors.Add(new(at + ".points", "required: a number from 0 to 10000"));
            }
            else if (gc is not null)
            {
                grades.Add(new ArenaGrade { Code = gc, Name = Cut(gn!, 100), Points = pts, Position = i });
            }
        }
    }

    /// <summary>Checks a graded ballot: one grade of the session, no scores; the grade and its points.</summary>
    private static (string? Grade, double Points) CheckGrade(IReadOnlyList<ArenaGrade> grades, ArenaBallotInput ballot, List<ArenaError> errors)
    {
        if (ballot.Scores is { Count: > 0 })
        {
            errors.Add(new("scores", "the session is graded: send a grade, not scores"));
        }

        string choices = string.Join(", ", grades.Select(g => g.Code));
        if (string.IsNullOrWhiteSpace(ballot.Grade))
        {
            errors.Add(new("grade", $"required: one of {choices}"));
            return (null, 0);
        }

        ArenaGrade? grade = grades.FirstOrDefault(g => string.Equals(g.Code, ballot.Grade.Trim(), StringComparison.Ordinal));
        if (grade is null)
        {
            errors.Add(new("grade", $"expected one of {choices}"));
            return (null, 0);
        }

        return (grade.Code, grade.Points);
    }

    private async Task<ArenaRankPointsSpec?> CheckRankPointsAsync(ArenaRankPointsSpec r, List<Unit> units, List<ArenaError> errors, CancellationToken cancel)
    {
        int before = errors.Count;
        AssessmentScheme? scheme = string.IsNullOrWhiteSpace(r.Scheme) ? null : await db.Schemes.AsNoTracking().SingleOrDefaultAsync(s => s.Code == r.Scheme.Trim(), cancel);
        if (scheme is null)
        {
            errors.Add(new("rankPoints.scheme", string.IsNullOrWhiteSpace(r.Scheme) ? "required: a scheme's code" : $"no scheme '{r.Scheme}'"));
        }

        if (string.IsNullOrWhiteSpace(r.Period) || !Scoring.Period.TryParse(r.Period.Trim(), out Scoring.Period period))
        {
            errors.Add(new("rankPoints.period", "required: a period such as 2025-09, 2025-Q3 or 2025"));
        }
        else if (scheme is not null && (period.Kind != SchemeService.KindOf(scheme.Frequency) || period.ToString() != r.Period.Trim()))
        {
            errors.Add(new("rankPoints.period", $"not a {scheme.Frequency} period of scheme '{scheme.Code}'"));
        }

        string? indicator = string.IsNullOrWhiteSpace(r.Indicator) ? null : r.Indicator.Trim();
        if (scheme is not null && indicator is not null && !await db.Indicators.AnyAsync(i => i.SchemeId == scheme.Id && i.Code == indicator, cancel))
        {
            errors.Add(new("rankPoints.indicator", $"scheme '{scheme.Code}' has no indicator '{indicator}'"));
        }

        IReadOnlyList<double?> first = r.First ?? [];
        if (first.Count > MaxGrades)
        {
            errors.Add(new("rankPoints.first", string.Create(CultureInfo.InvariantCulture, $"at most {MaxGrades} numbers: the points of rank 1, 2, …")));
        }

        for (int i = 0; i < first.Count; i++)
        {
            if (first[i] is not { } v || !double.IsFinite(v) || Math.Abs(v) > 1000)
            {
                errors.Add(new(string.Create(CultureInfo.InvariantCulture, $"rankPoints.first[{i}]"), "expected a number from -1000 to 1000"));
            }
        }

        if (r.Last is { } last && (!double.IsFinite(last) || Math.Abs(last) > 1000))
        {
            errors.Add(new("rankPoints.last", "expected a number from -1000 to 1000"));
        }

        if (errors.Count == before && first.All(v => v == 0) && (r.Last ?? 0) == 0)
        {
            errors.Add(new("rankPoints.first", "give points for some ranks (first) or for the last (last)"));
        }

        if (scheme is not null)
        {
            long[] ids = [.. units.Select(u => u.Id)];
            var assessed = await db.SchemeUnits.AsNoTracking().Where(s => s.SchemeId == scheme.Id && ids.Contains(s.UnitId)).Select(s => s.UnitId).ToListAsync(cancel);
            foreach (Unit u in units.Where(u => !assessed.Contains(u.Id)))
            {
                errors.Add(new("rankPoints.scheme", $"unit '{u.Code}' is not assessed in scheme '{scheme.Code}'"));
                break;
            }
        }

        return errors.Count > before ? null : new ArenaRankPointsSpec(scheme!.Code, r.Period!.Trim(), indicator, [.. first], r.Last);
    }

    private async Task<ArenaResults> ComputeAsync(ArenaSession session, CancellationToken cancel)
    {
        var categories = await db.ArenaCategories.AsNoTracking().Where(c => c.SessionId == session.Id).OrderBy(c => c.Position).ToListAsync(cancel);
        var contestants = await (from c in db.ArenaContestants.AsNoTracking()
                                 where c.SessionId == session.Id
                                 join u in db.Units.AsNoTracking() on c.UnitId equals u.Id
                                 orderby c.Position
                                 select new { c.Id, u.Code }).ToListAsync(cancel);
        var judges = await db.ArenaJudges.AsNoTracking().Where(j => j.SessionId == session.Id).OrderBy(j => j.Id)
            .Select(j => new { j.Id, j.PublicId, j.CategoryId, Voided = j.VoidedAt != null }).ToListAsync(cancel);
        var ballots = await db.ArenaBallots.AsNoTracking().Where(b => b.SessionId == session.Id)
            .Select(b => new { b.JudgeId, b.ContestantId, b.Version, b.Total, b.Grade }).ToListAsync(cancel);
        var grades = await db.ArenaGrades.AsNoTracking().Where(g => g.SessionId == session.Id).OrderBy(g => g.Position).ToListAsync(cancel);
        double fullMarks = grades.Count > 0 ? grades.Max(g => g.Points)
            : (await db.ArenaCriteria.AsNoTracking().Where(c => c.SessionId == session.Id).Select(c => c.MaxPoints).ToListAsync(cancel)).Sum();
        var categoryCode = categories.ToDictionary(c => c.Id, c => c.Code);
        var unitOf = contestants.ToDictionary(c => c.Id, c => c.Code);
        var judgeOf = judges.ToDictionary(j => j.Id);
        var latest = ballots.GroupBy(b => (b.JudgeId, b.ContestantId)).Select(g => g.MaxBy(b => b.Version)!)
            .Where(b => !judgeOf[b.JudgeId].Voided)
            .Select(b => new ArenaBallotTotal(judgeOf[b.JudgeId].PublicId, categoryCode[judgeOf[b.JudgeId].CategoryId], unitOf[b.ContestantId], b.Total, b.Grade))
            .ToList();
        return ArenaScoring.Compute(
            session.Code, session.PublishedAt is not null, [.. contestants.Select(c => c.Code)],
            [.. categories.Select(c => new ArenaCategoryRule(c.Code, c.Weight, c.TrimCount))],
            latest, [.. judges.Select(j => (j.PublicId, categoryCode[j.CategoryId], j.Voided))], fullMarks,
            grades.Count == 0 ? null : [.. grades.Select(g => new ArenaGradeRule(g.Code, g.Points))]);
    }

    private async Task<Dictionary<long, int>> CurrentBallotCountsAsync(long sessionId, CancellationToken cancel) =>
        (await db.ArenaBallots.AsNoTracking().Where(b => b.SessionId == sessionId)
            .Select(b => new { b.ContestantId, b.JudgeId }).Distinct().ToListAsync(cancel))
        .GroupBy(b => b.ContestantId).ToDictionary(g => g.Key, g => g.Count());

    private async Task<ArenaJudge> JudgeByTokenAsync(string token, CancellationToken cancel)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            throw new ArenaTokenException("no judge's token was given");
        }

        string hash = Hash(token.Trim());
        ArenaJudge judge = await db.ArenaJudges.AsNoTracking().SingleOrDefaultAsync(j => j.TokenHash == hash, cancel)
            ?? throw new ArenaTokenException("the judge's token is not known");
        return judge.VoidedAt is null ? judge : throw new ArenaTokenException("the judge was voided by the office; the token no longer works");
    }

    private async Task<ArenaSession> LoadAsync(string code, CancellationToken cancel) =>
        await db.ArenaSessions.AsNoTracking().SingleOrDefaultAsync(s => s.Code == code, cancel)
            ?? throw new NotFoundException(WorkflowCodes.NoArenaSession, $"no on-site evaluation '{code}'", code);

    private static void RequireUnpublished(ArenaSession session)
    {
        if (session.PublishedAt is not null)
        {
            throw new WorkflowException(WorkflowCodes.ArenaPublished, $"'{session.Code}' is published; its results are frozen", session.Code);
        }
    }

    private async Task<ArenaPointsSpec?> CheckPointsAsync(ArenaPointsSpec p, List<Unit> units, List<ArenaError> errors, CancellationToken cancel)
    {
        int before = errors.Count;
        AssessmentScheme? scheme = string.IsNullOrWhiteSpace(p.Scheme) ? null : await db.Schemes.AsNoTracking().SingleOrDefaultAsync(s => s.Code == p.Scheme.Trim(), cancel);
        if (scheme is null)
        {
            errors.Add(new("points.scheme", string.IsNullOrWhiteSpace(p.Scheme) ? "required: a scheme's code" : $"no scheme '{p.Scheme}'"));
        }

        if (string.IsNullOrWhiteSpace(p.Period) || !Scoring.Period.TryParse(p.Period.Trim(), out _))
        {
            errors.Add(new("points.period", "required: a period such as 2025-09, 2025-Q3 or 2025"));
        }

        if (scheme is not null)
        {
            if (string.IsNullOrWhiteSpace(p.Indicator) || !await db.Indicators.AnyAsync(i => i.SchemeId == scheme.Id && i.Code == p.Indicator.Trim(), cancel))
            {
                errors.Add(new("points.indicator", string.IsNullOrWhiteSpace(p.Indicator) ? "required: an indicator's code" : $"scheme '{scheme.Code}' has no indicator '{p.Indicator}'"));
            }

            long[] ids = [.. units.Select(u => u.Id)];
            var assessed = await db.SchemeUnits.AsNoTracking().Where(s => s.SchemeId == scheme.Id && ids.Contains(s.UnitId)).Select(s => s.UnitId).ToListAsync(cancel);
            foreach (Unit u in units.Where(u => !assessed.Contains(u.Id)))
            {
                errors.Add(new("points.scheme", $"unit '{u.Code}' is not assessed in scheme '{scheme.Code}'"));
                break;
            }
        }

        return errors.Count > before ? null : new ArenaPointsSpec(p.Scheme!.Trim(), p.Period!.Trim(), p.Indicator!.Trim());
    }

    /// <summary>Checks the scores against the criteria; the scores as stored (<c>Q=18.5;P=27</c>, in the criteria's order) and their total.</summary>
    private static (string Scores, double Total) CheckScores(IReadOnlyList<ArenaCriterion> criteria, IReadOnlyDictionary<string, double?>? scores, List<ArenaError> errors)
    {
        if (scores is null)
        {
            errors.Add(new("scores", "required: an object with a score for every criterion"));
            return (string.Empty, 0);
        }

        var known = criteria.Select(c => c.Code).ToHashSet(StringComparer.Ordinal);
        foreach (string key in scores.Keys.Where(k => !known.Contains(k)).Order(StringComparer.Ordinal))
        {
            errors.Add(new("scores." + key, "the session has no such criterion"));
        }

        var text = new StringBuilder();
        double total = 0;
        foreach (ArenaCriterion c in criteria)
        {
            string max = c.MaxPoints.ToString("R", CultureInfo.InvariantCulture);
            if (!scores.TryGetValue(c.Code, out double? value))
            {
                errors.Add(new("scores." + c.Code, $"required: a multiple of 0.5 in [0, {max}]"));
            }
            else if (value is not { } v || !double.IsFinite(v) || v < 0 || v > c.MaxPoints || !IsHalfStep(v))
            {
                errors.Add(new("scores." + c.Code, $"expected a multiple of 0.5 in [0, {max}]"));
            }
            else
            {
                text.Append(text.Length == 0 ? string.Empty : ";").Append(c.Code).Append('=').Append(v.ToString("R", CultureInfo.InvariantCulture));
                total += v;
            }
        }

        return (text.ToString(), total);
    }

    /// <summary>The scores of a stored ballot by criterion code.</summary>
    public static IReadOnlyDictionary<string, double> ParseScores(string scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var map = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string part in scores.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            map[part[..eq]] = double.Parse(part.AsSpan(eq + 1), NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        return map;
    }

    private static bool IsHalfStep(double v) => Math.Abs((v * 2) - Math.Round(v * 2)) < 1e-9;

    private static string? CheckCode(string? code, string at, HashSet<string> seen, List<ArenaError> errors)
    {
        string? c = code?.Trim();
        if (string.IsNullOrEmpty(c) || c.Length > 32 || !c.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_'))
        {
            errors.Add(new(at + ".code", "required: 1 to 32 letters, digits, '-' or '_'"));
            return null;
        }

        if (!seen.Add(c))
        {
            errors.Add(new(at + ".code", $"'{c}' is used twice; codes must be unique"));
            return null;
        }

        return c;
    }

    private static string Describe(ArenaSession s, List<Unit> units, List<ArenaCriterion> criteria, List<ArenaCategory> categories, List<ArenaGrade> grades) =>
        $"{s.Name} [{s.Stage}]"
            + (s.HeldOn is { } d ? " " + d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : string.Empty)
            + (s.Place is null ? string.Empty : " @" + s.Place)
            + (grades.Count == 0 ? string.Empty : $" grades {string.Join(",", grades.Select(g => g.Code + "/" + AuditLog.Text(g.Points)))}")
            + $" contestants {string.Join(",", units.Select(u => u.Code))}; criteria {string.Join(",", criteria.Select(c => c.Code + "/" + AuditLog.Text(c.MaxPoints)))}; categories {string.Join(",", categories.Select(c => c.Code + "/" + AuditLog.Text(c.Weight) + "/" + AuditLog.Text(c.TrimCount)))}"
            + (s.PointsScheme is null ? string.Empty : $"; points {s.PointsScheme}/{s.PointsPeriod}/{s.PointsIndicator}")
            + (s.RankPoints is null ? string.Empty : $"; rank points {s.RankPoints}");

    private static string StateText(ArenaRoundState s) => s.ToString().ToLowerInvariant();

    private static string Cut(string s, int max) => s.Length > max ? s[..max] : s;

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static TimeSpan Backoff(int attempt) => TimeSpan.FromMilliseconds(Math.Min(200, 5 * attempt) + Random.Shared.Next(0, 10));

    private static bool IsUniqueViolation(Exception e) =>
        e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } or SqliteException { SqliteErrorCode: 19 };

    /// <summary>A busy or locked SQLite, a PostgreSQL serialization failure or deadlock, or another ballot of the same judge taking the version first.</summary>
    private static bool IsTransient(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is SqliteException { SqliteErrorCode: 5 or 6 or 19 }
                || x is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.UniqueViolation })
            {
                return true;
            }
        }

        return false;
    }
}
