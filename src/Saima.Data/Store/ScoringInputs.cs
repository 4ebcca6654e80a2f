using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Saima.Scoring;

namespace Saima.Data.Store;

/// <summary>
/// What the engine is given for one period of a scheme under one scheme version, read from the
/// store: the parsed scheme, the dataset (the period and every earlier period of the same kind,
/// so that <c>previous</c> imputation and rank changes work), and the canonical text of all of it
/// with its SHA-256.
/// </summary>
public sealed class ScoringInputs
{
    public required SchemeVersion Version { get; init; }
    public required Scheme Scheme { get; init; }
    public required Dataset Dataset { get; init; }

    /// <summary>The period scored, e.g. 2025-06; the last period of <see cref="Dataset"/>.</summary>
    public required string Period { get; init; }

    /// <summary>Only figures entered (and published) at or before this time were read.</summary>
    public required DateTimeOffset AsOf { get; init; }

    /// <summary>Every input as one text: scheme JSON, units and tracks, figures with targets, adjustments, in a fixed order.</summary>
    public required string CanonicalText { get; init; }

    /// <summary>SHA-256 of <see cref="CanonicalText"/> (UTF-8), lower-case hex.</summary>
    public required string InputHash { get; init; }

    /// <summary>Store id of each engine unit, by the engine's global unit index.</summary>
    public required long[] UnitIds { get; init; }

    /// <summary>
    /// Reads the inputs of <paramref name="period"/> under <paramref name="schemeVersionId"/> as
    /// they stood at <paramref name="asOf"/>. Figures: the published revisions, per unit, indicator
    /// and period the highest revision entered at or before <paramref name="asOf"/> (a correction
    /// made later is not seen, so stored results can be recomputed exactly). Derived growth from
    /// those levels. Targets: each period's year. Adjustments: the approved ones, approved at or
    /// before <paramref name="asOf"/> (<see cref="AdjustmentService.CountsAsOf"/>), for every period or one of the dataset's.
    /// In a period published with missing figures counted as zero (<see cref="MissingRules.Zero"/>),
    /// the scored indicators due there and missing (no figure, or one without a value) are given as 0.
    /// </summary>
    public static ScoringInputs Load(SaimaDb db, long schemeVersionId, string period, DateTimeOffset asOf)
    {
        SchemeVersion version = db.SchemeVersions.AsNoTracking().SingleOrDefault(v => v.Id == schemeVersionId)
            ?? throw new NotFoundException($"scheme version {schemeVersionId.ToString(CultureInfo.InvariantCulture)} does not exist");
        return Load(db, version, period, asOf);
    }

    /// <summary>The same for a version that need not be stored: a proposed scheme's preview (<see cref="SchemeAdmin.Preview"/>).</summary>
    public static ScoringInputs Load(SaimaDb db, SchemeVersion version, string period, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(version);
        AssessmentScheme schemeRow = db.Schemes.AsNoTracking().Single(s => s.Id == version.SchemeId);
        PeriodKind kind = SchemeService.KindOf(schemeRow.Frequency);
        if (!Scoring.Period.TryParse(period, out Period target) || target.Kind != kind || target.ToString() != period)
        {
            throw new WorkflowException($"'{period}' is not a {schemeRow.Frequency} period of scheme '{schemeRow.Code}'");
        }

        Scheme scheme = SchemeParser.Parse(version.Json);
        List<Indicator> indicators = db.Indicators.AsNoTracking().Where(i => i.SchemeId == version.SchemeId).ToList();
        var indicatorById = indicators.ToDictionary(i => i.Id);
        var units = (from su in db.SchemeUnits.AsNoTracking()
                     join u in db.Units.AsNoTracking() on su.UnitId equals u.Id
                     where su.SchemeId == version.SchemeId
                     select new { u.Id, u.Code, u.Name, su.Track }).ToList();
        units.Sort((a, b) => string.CompareOrdinal(a.Code, b.Code));
        var unitCode = units.ToDictionary(u => u.Id, u => u.Code);
        bool hasTracks = units.Any(u => u.Track is not null);

        // Codes the engine takes: its indicators, then denominators (reported indicators used only to divide).
        var engineCodes = new HashSet<string>(scheme.Indicators.Select(i => i.Code), StringComparer.Ordinal);
        engineCodes.UnionWith(scheme.DenominatorCodes);
        var scoredIndicators = new HashSet<string>(scheme.Indicators.Select(i => i.Code), StringComparer.Ordinal);

        // Published revisions up to the period; same-kind periods compare as text in time order.
        var stored = db.Figures.AsNoTracking()
            .Where(f => f.SchemeId == version.SchemeId && f.Status == FigureStatus.Published && string.Compare(f.Period, period) <= 0)
            .Select(f => new { f.UnitId, f.IndicatorId, f.Period, f.Value, f.Revision, f.EnteredAt })
            .ToList();
        var levels = new Dictionary<(long Unit, long Indicator, string Period), (int Revision, double? Value)>();
        foreach (var f in stored)
        {
            if (f.EnteredAt > asOf || !unitCode.ContainsKey(f.UnitId)
                || !Scoring.Period.TryParse(f.Period, out Period p) || p.Kind != kind)
            {
                continue;
            }

            var key = (f.UnitId, f.IndicatorId, f.Period);
            if (!levels.TryGetValue(key, out var have) || have.Revision < f.Revision)
            {
                levels[key] = (f.Revision, f.Value);
            }
        }

        var targets = db.Targets.AsNoTracking().Where(t => t.SchemeId == version.SchemeId)
            .Select(t => new { t.UnitId, t.IndicatorId, t.Year, t.Value })
            .ToDictionary(t => (t.UnitId, t.IndicatorId, t.Year), t => t.Value);

        // Periods published with their missing figures counted as zero (as published by then).
        var zeroPeriods = db.Periods.AsNoTracking()
            .Where(p => p.SchemeId == version.SchemeId && p.MissingRule == MissingRules.Zero && p.Status == PeriodStatus.Published && string.Compare(p.Code, period) <= 0)
            .Select(p => new { p.Code, p.PublishedAt }).ToList()
            .Where(p => p.PublishedAt <= asOf && Scoring.Period.TryParse(p.Code, out Period pp) && pp.Kind == kind)
            .Select(p => p.Code).ToHashSet(StringComparer.Ordinal);

        // Rows of the dataset: reported figures the scheme uses, then derived growth.
        var rows = new List<InputRow>(levels.Count);
        var periodsWithRows = new HashSet<string>(StringComparer.Ordinal);
        foreach (var ((unit, indicatorId, p), (_, value)) in levels)
        {
            Indicator ind = indicatorById[indicatorId];
            if (ind.GrowthOfId is not null || !engineCodes.Contains(ind.Code))
            {
                continue;
            }

            periodsWithRows.Add(p);
            double counted = value ?? (zeroPeriods.Contains(p) && scoredIndicators.Contains(ind.Code) && Due(ind, p) ? 0 : double.NaN);
            rows.Add(new InputRow(p, unitCode[unit], ind.Code, counted, Target(unit, ind, p)));
        }

        // Scored indicators due in a zero period and without a figure count 0 there (and only there: no
        // growth is derived from such a zero). Denominators are left missing: dividing by 0 scores nothing.
        foreach (string p in zeroPeriods)
        {
            foreach (Indicator ind in indicators.Where(i => i.GrowthOfId is null && scoredIndicators.Contains(i.Code) && Due(i, p)))
            {
                foreach (var u in units)
                {
                    if (!levels.ContainsKey((u.Id, ind.Id, p)))
                    {
                        periodsWithRows.Add(p);
                        rows.Add(new InputRow(p, u.Code, ind.Code, 0, Target(u.Id, ind, p)));
                    }
                }
            }
        }

        foreach (Indicator ind in indicators.Where(i => i.GrowthOfId is not null && scoredIndicators.Contains(i.Code)))
        {
            long level = ind.GrowthOfId!.Value;
            foreach (var ((unit, indicatorId, p), (_, value)) in levels)
            {
                if (indicatorId != level || !levels.TryGetValue((unit, level, DerivedFigures.YearEarlier(p)), out var before))
                {
                    continue;
                }

                if (DerivedFigures.Growth(value, before.Value) is { } growth)
                {
                    periodsWithRows.Add(p);
                    rows.Add(new InputRow(p, unitCode[unit], ind.Code, growth, Target(unit, ind, p)));
                }
            }
        }

        if (!rows.Any(r => r.Period == period))
        {
            throw new WorkflowException($"period {period} of scheme '{schemeRow.Code}' has no published figures to score");
        }

        rows.Sort(static (a, b) =>
        {
            int c = string.CompareOrdinal(a.Period, b.Period);
            c = c != 0 ? c : string.CompareOrdinal(a.Unit, b.Unit);
            return c != 0 ? c : string.CompareOrdinal(a.Code, b.Code);
        });

        // Only approved items: proposed, rejected and withdrawn ones are never given to the engine.
        var adjustments = db.Adjustments.AsNoTracking().Where(a => a.SchemeId == version.SchemeId && a.Status == AdjustmentStatus.Approved).ToList()
            .Where(a => AdjustmentService.CountsAsOf(a, asOf) && unitCode.ContainsKey(a.UnitId) && (a.Period is null || periodsWithRows.Contains(a.Period)))
            .Select(a => new AdjustmentRow(unitCode[a.UnitId], a.Period, a.Node, a.Points, a.Reason))
            .ToList();
        adjustments.Sort(static (a, b) =>
        {
            int c = string.CompareOrdinal(a.Unit, b.Unit);
            c = c != 0 ? c : string.CompareOrdinal(a.Period, b.Period);
            c = c != 0 ? c : string.CompareOrdinal(a.Node, b.Node);
            c = c != 0 ? c : a.Points.CompareTo(b.Points);
            return c != 0 ? c : string.CompareOrdinal(a.Reason, b.Reason);
        });

        // One pass over the sorted inputs feeds both the engine and the canonical text, so the hash is of exactly what was scored.
        var text = new StringBuilder(64 + version.Json.Length + (rows.Count * 40));
        text.Append("saima-inputs 1\n");
        text.Append(CultureInfo.InvariantCulture, $"scheme {schemeRow.Code} version {version.Version} period {period}\n");
        text.Append(CultureInfo.InvariantCulture, $"json {version.Json.Length}\n").Append(version.Json).Append('\n');
        var builder = new DatasetBuilder(scheme, attributeNames: null, declaredUnits: true, hasTracks: hasTracks);
        foreach (var u in units)
        {
            builder.DeclareUnit(u.Code, u.Name, u.Track, null, -1);
            text.Append("unit ").Append(u.Code).Append('\t').Append(u.Track ?? "-").Append('\n');
        }

        foreach (InputRow r in rows)
        {
            builder.AddFigure(r.Unit, r.Code, r.Period, r.Value, r.Target, -1);
            text.Append("figure ").Append(r.Period).Append('\t').Append(r.Unit).Append('\t').Append(r.Code).Append('\t')
                .Append(Number(r.Value)).Append('\t').Append(Number(r.Target)).Append('\n');
        }

        foreach (AdjustmentRow a in adjustments)
        {
            builder.AddAdjustment(a.Unit, a.Points, a.Period, a.Node, a.Reason, -1);
            text.Append("adjust ").Append(a.Unit).Append('\t').Append(a.Period ?? "*").Append('\t').Append(a.Node ?? "*").Append('\t')
                .Append(Number(a.Points)).Append('\t').Append(a.Reason.ReplaceLineEndings(" ")).Append('\n');
        }

        Dataset dataset = builder.Build();
        string canonical = text.ToString();
        long[] ids = new long[dataset.UnitCodes.Length];
        var idByCode = units.ToDictionary(u => u.Code, u => u.Id, StringComparer.Ordinal);
        for (int g = 0; g < ids.Length; g++)
        {
            ids[g] = idByCode[dataset.UnitCodes[g]];
        }

        return new ScoringInputs
        {
            Version = version,
            Scheme = scheme,
            Dataset = dataset,
            Period = period,
            AsOf = asOf,
            CanonicalText = canonical,
            InputHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))),
            UnitIds = ids,
        };

        static bool Due(Indicator ind, string p) => Scoring.Period.TryParse(p, out Period pp) && Intake.IntakePeriods.IsDue(ind.Frequency, pp);

        double Target(long unit, Indicator ind, string p) =>
            scoredIndicators.Contains(ind.Code) && targets.TryGetValue((unit, ind.Id, int.Parse(p.AsSpan(0, 4), CultureInfo.InvariantCulture)), out double t)
                ? t
                : double.NaN;
    }

    private static string Number(double v) => double.IsNaN(v) ? string.Empty : v.ToString("R", CultureInfo.InvariantCulture);

    private readonly record struct InputRow(string Period, string Unit, string Code, double Value, double Target);

    private sealed record AdjustmentRow(string Unit, string? Period, string? Node, double Points, string Reason);
}
