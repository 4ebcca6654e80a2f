using Microsoft.EntityFrameworkCore;
using Saima.Scoring;

namespace Saima.Data.Store;

/// <summary>How a published period stands revised: how many corrections, the latest when.</summary>
public sealed record PeriodRevision(string Period, int Corrections, DateTimeOffset LastAt);

/// <summary>
/// One correction of a published figure (修订): the old and new value, the reason, who and when,
/// and the unit's total score and rank in the results before and after it (null where a unit
/// had none).
/// </summary>
public sealed record CorrectionEntry(
    long FigureId,
    string Period,
    string UnitCode,
    string UnitName,
    string? UnitNameEn,
    string IndicatorCode,
    string IndicatorName,
    string? IndicatorNameEn,
    string? UnitOfMeasure,
    int Revision,
    double? OldValue,
    double? NewValue,
    string Reason,
    string By,
    DateTimeOffset At,
    double? TotalBefore,
    int? RankBefore,
    double? TotalAfter,
    int? RankAfter);

/// <summary>A page of corrections, newest first, and how many there are in all.</summary>
public sealed record CorrectionPage(IReadOnlyList<CorrectionEntry> Items, int Total, int Page, int PageSize)
{
    public int Pages => Total == 0 ? 1 : ((Total - 1) / PageSize) + 1;
}

/// <summary>
/// The corrections of published figures as the published pages show them: a correction is a
/// figure revision after the first, with its reason, made by <see cref="FigureWorkflow.Correct"/>
/// together with a new result set computed at the same moment; the result set before it is the
/// period's previous one of the same scheme version. Read only; paged.
/// </summary>
public sealed class RevisionHistory(SaimaDb db)
{
    public const int MaxPageSize = 200;

    /// <summary>Whether a published period was revised: the number of corrections and the latest one's time (null: none).</summary>
    public async Task<PeriodRevision?> PeriodAsync(long schemeId, string period, CancellationToken cancel = default)
    {
        var corrections = Corrections(schemeId).Where(f => f.Period == period);
        int count = await corrections.CountAsync(cancel);
        if (count == 0)
        {
            return null;
        }

        // Times are compared in memory: SQLite keeps them as text, which has no MAX with offsets.
        var times = await corrections.Select(f => f.EnteredAt).ToListAsync(cancel);
        return new PeriodRevision(period, count, times.Max());
    }

    /// <summary>The corrections of a period (or of every period when null), of one unit or all, newest first, paged.</summary>
    public async Task<CorrectionPage> ListAsync(long schemeId, string? period, long? unitId, int page, int pageSize, CancellationToken cancel = default)
    {
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        page = Math.Max(page, 1);
        IQueryable<Figure> corrections = Corrections(schemeId);
        if (period is not null)
        {
            corrections = corrections.Where(f => f.Period == period);
        }

        if (unitId is { } u)
        {
            corrections = corrections.Where(f => f.UnitId == u);
        }

        int total = await corrections.CountAsync(cancel);
        var rows = await (from f in corrections
                          join un in db.Units on f.UnitId equals un.Id
                          join i in db.Indicators on f.IndicatorId equals i.Id
                          orderby f.Id descending
                          select new
                          {
                              f.Id, f.SchemeId, f.UnitId, f.IndicatorId, f.Period, f.Revision, f.Value, f.Reason, f.EnteredBy, f.EnteredAt,
                              UnitCode = un.Code, UnitName = un.Name, UnitNameEn = un.NameEn,
                              IndicatorCode = i.Code, IndicatorName = i.Name, IndicatorNameEn = i.NameEn, i.UnitOfMeasure,
                          })
            .Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancel);

        var items = new List<CorrectionEntry>(rows.Count);
        var roots = new Dictionary<long, string>();
        foreach (var r in rows)
        {
            double? old = await db.Figures.AsNoTracking()
                .Where(f => f.SchemeId == r.SchemeId && f.UnitId == r.UnitId && f.IndicatorId == r.IndicatorId && f.Period == r.Period && f.Revision == r.Revision - 1)
                .Select(f => f.Value).FirstOrDefaultAsync(cancel);

            // The set computed with the correction, and the one in force before it.
            DateTimeOffset at = r.EnteredAt;
            var sets = await db.ResultSets.AsNoTracking().Where(s => s.SchemeId == r.SchemeId && s.Period == r.Period)
                .Select(s => new { s.Id, s.SchemeVersionId, s.ComputedAt }).ToListAsync(cancel);
            var after = sets.Where(s => s.ComputedAt >= at).OrderBy(s => s.Id).FirstOrDefault();
            var before = after is null ? null : sets.Where(s => s.Id < after.Id && s.SchemeVersionId == after.SchemeVersionId).MaxBy(s => s.Id);
            (double? Score, int? Rank) totalBefore = (null, null), totalAfter = (null, null);
            if (after is not null)
            {
                if (!roots.TryGetValue(after.SchemeVersionId, out string? root))
                {
                    string json = await db.SchemeVersions.AsNoTracking().Where(v => v.Id == after.SchemeVersionId).Select(v => v.Json).SingleAsync(cancel);
                    Scheme parsed = SchemeParser.Parse(json);
                    roots[after.SchemeVersionId] = root = parsed.Groups[parsed.RootGroup].Code;
                }

                long[] setIds = before is null ? [after.Id] : [after.Id, before.Id];
                var totals = await db.ResultRows.AsNoTracking().Where(x => setIds.Contains(x.ResultSetId) && x.UnitId == r.UnitId && x.Node == root)
                    .Select(x => new { x.ResultSetId, x.Score, x.Rank }).ToListAsync(cancel);
                var a = totals.FirstOrDefault(x => x.ResultSetId == after.Id);
                var b = before is null ? null : totals.FirstOrDefault(x => x.ResultSetId == before.Id);
                totalAfter = (a?.Score, a?.Rank);
                totalBefore = (b?.Score, b?.Rank);
            }

            items.Add(new CorrectionEntry(r.Id, r.Period, r.UnitCode, r.UnitName, r.UnitNameEn, r.IndicatorCode, r.IndicatorName, r.IndicatorNameEn, r.UnitOfMeasure,
                r.Revision, old, r.Value, r.Reason ?? string.Empty, r.EnteredBy, r.EnteredAt, totalBefore.Score, totalBefore.Rank, totalAfter.Score, totalAfter.Rank));
        }

        return new CorrectionPage(items, total, page, pageSize);
    }

    /// <summary>Corrections: published revisions after the first (each carries its reason).</summary>
    private IQueryable<Figure> Corrections(long schemeId) =>
        db.Figures.AsNoTracking().Where(f => f.SchemeId == schemeId && f.Revision > 1 && f.Status == FigureStatus.Published && f.Reason != null);
}
