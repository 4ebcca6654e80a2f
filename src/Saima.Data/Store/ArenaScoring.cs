using System.Text.Json.Serialization;

namespace Saima.Data.Store;

/// <summary>A grade of a graded session as the results need it: code and points.</summary>
public sealed record ArenaGradeRule(string Code, double Points);

/// <summary>How often a grade was picked for a contestant (latest valid ballots): count and percentage of its ballots.</summary>
public sealed record ArenaGradeShare(string Code, int Count, double Percent);

/// <summary>A category of examiners as the results need it.</summary>
public sealed record ArenaCategoryRule(string Code, double Weight, int Trim);

/// <summary>The latest ballot of a judge for a contestant, as the results need it.</summary>
public sealed record ArenaBallotTotal(string JudgeId, string Category, string Contestant, double Total, string? Grade = null);

/// <summary>A contestant's score in one category: n ballots, the number kept (used), their mean, and every total (ascending) with the dropped ones.</summary>
public sealed record ArenaCategoryScore(string Code, int Ballots, int Used, double Score, IReadOnlyList<double> Totals, IReadOnlyList<double> Dropped);

/// <summary>A contestant's result: its score (null without any ballot), rank (null likewise), ballots counted and category scores; on a graded session the share of each grade.</summary>
public sealed record ArenaContestantResult(
    string Unit, double? Score, int? Rank, int Ballots, IReadOnlyList<ArenaCategoryScore> Categories,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ArenaGradeShare>? Grades = null);

/// <summary>A judge's line in the results: the ballots it has (latest per contestant) and its flags (<see cref="ArenaScoring"/>).</summary>
public sealed record ArenaJudgeResult(string Id, string Category, int Ballots, IReadOnlyList<string> Flags);

/// <summary>The results of a session as they stand (or as frozen at publication).</summary>
public sealed record ArenaResults(string Session, bool Published, IReadOnlyList<ArenaContestantResult> Contestants, IReadOnlyList<ArenaJudgeResult> Judges);

/// <summary>
/// The arithmetic of on-site evaluation, pure. Per contestant and category, of the n latest
/// ballot totals: when n &gt; 2·trim the trim lowest and the trim highest are dropped, else all
/// are kept; the category score is the mean of those kept. A contestant's score is
/// Σ weight·category score / Σ weight over the categories it has ballots of. Higher scores rank
/// first; scores within <see cref="Tie"/> of the one before share its rank (1, 2, 2, 4). Judge
/// flags: <c>straight</c> (3 or more ballots, every total equal), <c>max</c> (3 or more ballots,
/// every total at the session's full marks), <c>far</c> (3 or more ballots whose totals lie on
/// average more than <see cref="FarShare"/> of full marks from the contestants' mean total of all
/// other judges), <c>voided</c> (the office voided the judge; its ballots do not count).
/// A graded session (民主测评) is the same arithmetic on each ballot's grade points (full marks:
/// the highest grade's points), plus, per contestant, the count and percentage of each grade
/// among its valid ballots (every ballot counted, trimmed or not).
/// </summary>
public static class ArenaScoring
{
    /// <summary>Scores closer than this are equal for ranking.</summary>
    public const double Tie = 1e-9;

    /// <summary>How far, as a share of full marks, a judge's totals may lie on average from the others' before it is flagged <c>far</c>.</summary>
    public const double FarShare = 0.2;

    /// <summary>
    /// The results of a session. <paramref name="contestants"/> in presentation order; ballots of
    /// voided judges must not be among <paramref name="ballots"/>; <paramref name="judges"/> lists
    /// every judge (id, category, voided).
    /// </summary>
    public static ArenaResults Compute(
        string session, bool published, IReadOnlyList<string> contestants, IReadOnlyList<ArenaCategoryRule> categories,
        IReadOnlyList<ArenaBallotTotal> ballots, IReadOnlyList<(string Id, string Category, bool Voided)> judges, double fullMarks,
        IReadOnlyList<ArenaGradeRule>? grades = null)
    {
        ArgumentNullException.ThrowIfNull(contestants);
        ArgumentNullException.ThrowIfNull(categories);
        ArgumentNullException.ThrowIfNull(ballots);
        ArgumentNullException.ThrowIfNull(judges);
        var byContestant = ballots.GroupBy(b => b.Contestant, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var rows = new List<(string Unit, double? Score, int Ballots, List<ArenaCategoryScore> Categories)>();
        foreach (string unit in contestants)
        {
            List<ArenaBallotTotal> mine = byContestant.GetValueOrDefault(unit) ?? [];
            var cats = new List<ArenaCategoryScore>();
            double weighted = 0, weights = 0;
            foreach (ArenaCategoryRule c in categories)
            {
                double[] totals = [.. mine.Where(b => b.Category == c.Code).Select(b => b.Total).Order()];
                if (totals.Length == 0)
                {
                    continue;
                }

                ArenaCategoryScore score = CategoryScore(c, totals);
                cats.Add(score);
                weighted += c.Weight * score.Score;
                weights += c.Weight;
            }

            rows.Add((unit, cats.Count == 0 ? null : weighted / weights, mine.Count, cats));
        }

        int?[] ranks = Rank([.. rows.Select(r => r.Score)]);
        var results = rows.Select((r, i) => new ArenaContestantResult(
            r.Unit, r.Score, ranks[i], r.Ballots, r.Categories,
            grades is null ? null : Shares(grades, byContestant.GetValueOrDefault(r.Unit) ?? []))).ToList();
        return new ArenaResults(session, published, results, JudgeFlags(judges, ballots, fullMarks));
    }

    /// <summary>
    /// Bonus or penalty points by rank: a contestant of rank r ≤ first.Count gets first[r−1] (shared
    /// ranks share the points), a contestant of the last rank gets <paramref name="last"/> unless
    /// its rank already earned points from <paramref name="first"/>; no score, no points; 0 points
    /// are left out. In presentation order.
    /// </summary>
    public static IReadOnlyList<(string Unit, int Rank, double Points)> RankBonuses(IReadOnlyList<ArenaContestantResult> contestants, IReadOnlyList<double> first, double? last)
    {
        ArgumentNullException.ThrowIfNull(contestants);
        ArgumentNullException.ThrowIfNull(first);
        int lastRank = contestants.Max(c => c.Rank) ?? 0;
        var list = new List<(string, int, double)>();
        foreach (ArenaContestantResult c in contestants)
        {
            if (c.Rank is not { } rank)
            {
                continue;
            }

            double points = rank <= first.Count ? first[rank - 1] : rank == lastRank && last is { } l ? l : 0;
            if (points != 0)
            {
                list.Add((c.Unit, rank, points));
            }
        }

        return list;
    }

    /// <summary>Each grade's count and percentage (0 to 100) among the ballots, in the grades' order.</summary>
    public static IReadOnlyList<ArenaGradeShare> Shares(IReadOnlyList<ArenaGradeRule> grades, IReadOnlyList<ArenaBallotTotal> ballots)
    {
        ArgumentNullException.ThrowIfNull(grades);
        ArgumentNullException.ThrowIfNull(ballots);
        return [.. grades.Select(g =>
        {
            int n = ballots.Count(b => string.Equals(b.Grade, g.Code, StringComparison.Ordinal));
            return new ArenaGradeShare(g.Code, n, ballots.Count == 0 ? 0 : 100.0 * n / ballots.Count);
        })];
    }

    /// <summary>The score of one category from its totals (ascending).</summary>
    public static ArenaCategoryScore CategoryScore(ArenaCategoryRule category, IReadOnlyList<double> ascending)
    {
        ArgumentNullException.ThrowIfNull(category);
        ArgumentNullException.ThrowIfNull(ascending);
        int n = ascending.Count;
        int trim = n > 2 * category.Trim ? category.Trim : 0;
        var kept = new List<double>(n);
        var dropped = new List<double>();
        for (int i = 0; i < n; i++)
        {
            (i < trim || i >= n - trim ? dropped : kept).Add(ascending[i]);
        }

        double sum = 0;
        foreach (double v in kept)
        {
            sum += v;
        }

        return new ArenaCategoryScore(category.Code, n, kept.Count, sum / kept.Count, [.. ascending], dropped);
    }

    /// <summary>Ranks of scores: higher first, within <see cref="Tie"/> of the one before shares its rank; null scores get no rank.</summary>
    public static int?[] Rank(IReadOnlyList<double?> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        int[] order = [.. Enumerable.Range(0, scores.Count).Where(i => scores[i] is not null).OrderByDescending(i => scores[i]!.Value).ThenBy(i => i)];
        var ranks = new int?[scores.Count];
        for (int k = 0; k < order.Length; k++)
        {
            int i = order[k];
            ranks[i] = k > 0 && Math.Abs(scores[order[k - 1]]!.Value - scores[i]!.Value) <= Tie ? ranks[order[k - 1]] : k + 1;
        }

        return ranks;
    }

    private static List<ArenaJudgeResult> JudgeFlags(IReadOnlyList<(string Id, string Category, bool Voided)> judges, IReadOnlyList<ArenaBallotTotal> ballots, double fullMarks)
    {
        var byJudge = ballots.GroupBy(b => b.JudgeId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var sums = ballots.GroupBy(b => b.Contestant, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (Sum: g.Sum(b => b.Total), Count: g.Count()), StringComparer.Ordinal);
        var list = new List<ArenaJudgeResult>(judges.Count);
        foreach ((string id, string category, bool voided) in judges)
        {
            List<ArenaBallotTotal> mine = byJudge.GetValueOrDefault(id) ?? [];
            var flags = new List<string>();
            if (voided)
            {
                flags.Add("voided");
            }

            if (mine.Count >= 3)
            {
                double first = mine[0].Total;
                if (mine.All(b => Math.Abs(b.Total - first) <= Tie))
                {
                    flags.Add("straight");
                }

                if (fullMarks > 0 && mine.All(b => Math.Abs(b.Total - fullMarks) <= Tie))
                {
                    flags.Add("max");
                }

                // Distance from the mean total of the other judges, contestant by contestant.
                double distance = 0;
                int compared = 0;
                foreach (ArenaBallotTotal b in mine)
                {
                    (double sum, int count) = sums[b.Contestant];
                    if (count > 1)
                    {
                        distance += Math.Abs(b.Total - ((sum - b.Total) / (count - 1)));
                        compared++;
                    }
                }

                if (fullMarks > 0 && compared >= 3 && distance / compared > FarShare * fullMarks)
                {
                    flags.Add("far");
                }
            }

            list.Add(new ArenaJudgeResult(id, category, mine.Count, flags));
        }

        return list;
    }
}
