using System.Globalization;

namespace Saima.Data.Store;

/// <summary>
/// Writes the audit trail: every change to stored data as who, when, action, entity, key, field,
/// old value, new value and reason. Values are written in the invariant culture, numbers in their
/// shortest round-trip form, so that the trail reads the same on every machine.
/// </summary>
internal static class AuditLog
{
    public const string FigureEntity = "figure";
    public const string PeriodEntity = "period";
    public const string SchemeEntity = "scheme";
    public const string TargetEntity = "target";
    public const string UnitEntity = "unit";
    public const string AdjustmentEntity = "adjustment";
    public const string ResultEntity = "result_set";

    public static AuditEntry Entry(
        DateTimeOffset at, Actor actor, string action, string entity, string key,
        string? field = null, string? oldValue = null, string? newValue = null, string? reason = null) =>
        new()
        {
            At = at,
            User = actor.Name,
            Action = action,
            Entity = entity,
            EntityKey = key,
            Field = field,
            OldValue = oldValue,
            NewValue = newValue,
            Reason = reason,
        };

    public static string? Text(double? value) => value?.ToString("R", CultureInfo.InvariantCulture);

    public static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Text(FigureStatus status) => status.ToString().ToLowerInvariant();

    public static string Text(PeriodStatus status) => status.ToString().ToLowerInvariant();

    public static string Text(DateTimeOffset? at) =>
        at?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture) ?? string.Empty;

    /// <summary>The key of a figure across its revisions: scheme/unit/indicator/period codes, e.g. <c>S1/C01/GDP/2025-06</c>.</summary>
    public static string FigureKey(string scheme, string unit, string indicator, string period) => $"{scheme}/{unit}/{indicator}/{period}";
}

/// <summary>Reads the audit trail.</summary>
public static class AuditTrail
{
    /// <summary>
    /// The audit key of a figure over all its revisions, e.g. <c>S1/C01/GDP/2025-06</c>: importers
    /// that write figures use it too, so that a figure's life reads as one trail.
    /// </summary>
    public static string FigureKey(string schemeCode, string unitCode, string indicatorCode, string period) =>
        AuditLog.FigureKey(schemeCode, unitCode, indicatorCode, period);

    /// <summary>Every entry of one entity, oldest first.</summary>
    public static IReadOnlyList<AuditEntry> For(SaimaDb db, string entity, string key) =>
        db.Audit.Where(a => a.Entity == entity && a.EntityKey == key).OrderBy(a => a.Id).ToList();

    /// <summary>The life of a figure over all its revisions (draft, submit, return, approve, publish, correct), oldest first.</summary>
    public static IReadOnlyList<AuditEntry> ForFigure(SaimaDb db, long figureId)
    {
        var key = (from f in db.Figures
                   where f.Id == figureId
                   join s in db.Schemes on f.SchemeId equals s.Id
                   join u in db.Units on f.UnitId equals u.Id
                   join i in db.Indicators on f.IndicatorId equals i.Id
                   select new { Scheme = s.Code, Unit = u.Code, Indicator = i.Code, f.Period }).SingleOrDefault()
            ?? throw new NotFoundException($"figure {figureId.ToString(CultureInfo.InvariantCulture)} does not exist");
        return For(db, AuditLog.FigureEntity, AuditLog.FigureKey(key.Scheme, key.Unit, key.Indicator, key.Period));
    }
}
