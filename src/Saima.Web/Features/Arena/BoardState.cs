using System.Text.Json;
using System.Text.Json.Serialization;
using Saima.Data;
using Saima.Data.Store;

namespace Saima.Web.Features.Arena;

/// <summary>An open round on the board: the contestant, its ballots in, and per examiner category.</summary>
public sealed record BoardRound(string Unit, string Name, int Ballots, IReadOnlyList<BoardCategory> Categories);

/// <summary>Ballots in from one examiner category (no score).</summary>
public sealed record BoardCategory(string Code, string Name, int Ballots);

/// <summary>A line of the board's ranking: only there when the board shows scores.</summary>
public sealed record BoardLine(int? Rank, string Unit, string Name, double? Score, string? Grades);

/// <summary>
/// What the hall's board shows, as <c>?handler=Data</c> and the event stream send it. When the
/// session's board shows scores at the end (<see cref="ArenaBoardScores.End"/>) and the session is
/// not over, <see cref="Ranking"/> is null and nothing else carries a score: the open rounds and
/// their ballots in by category only. Live, the ranking holds the contestants whose round is
/// closed, ranked among themselves; once every round is closed or the session is published, all.
/// </summary>
public sealed record BoardState(
    string Session, string Board, bool Scores, bool Published, IReadOnlyList<BoardRound> Now,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<BoardLine>? Ranking)
{
    /// <summary>Most lines of the ranking sent.</summary>
    public const int MaxLines = 100;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The state as JSON (camelCase), as the stream and the data handler send it.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The board of <paramref name="session"/> from its results as they stand (or as frozen).</summary>
    public static BoardState Of(ArenaSessionView session, ArenaResults results)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(results);
        var byUnit = results.Contestants.ToDictionary(c => c.Unit, StringComparer.Ordinal);
        BoardRound[] now = [.. session.Contestants.Where(c => c.State == ArenaRoundState.Open).Take(MaxLines).Select(c => new BoardRound(
            c.Unit, c.UnitName, c.Ballots,
            [.. session.Categories.Select(cat => new BoardCategory(cat.Code, cat.Name,
                byUnit.GetValueOrDefault(c.Unit)?.Categories.FirstOrDefault(x => x.Code == cat.Code)?.Ballots ?? 0))]))];
        bool scores = session.BoardShowsScores;
        if (!scores)
        {
            return new BoardState(session.Code, session.Board, false, session.Published, now, null);
        }

        bool all = session.Published || session.AllClosed;
        var shown = session.Contestants
            .Where(c => (all || c.State == ArenaRoundState.Closed) && byUnit.GetValueOrDefault(c.Unit)?.Score is not null)
            .Select(c => (Round: c, Result: byUnit[c.Unit]))
            .ToList();
        int?[] ranks = ArenaScoring.Rank([.. shown.Select(s => s.Result.Score)]);
        BoardLine[] ranking = [.. shown.Select((s, i) => new BoardLine(all ? s.Result.Rank : ranks[i], s.Round.Unit, s.Round.UnitName, s.Result.Score, BoardModel.Shares(session, s.Result)))
            .OrderBy(l => l.Rank).ThenBy(l => l.Unit, StringComparer.Ordinal).Take(MaxLines)];
        return new BoardState(session.Code, session.Board, true, session.Published, now, ranking);
    }
}
