using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Saima.Scoring;

namespace Saima.Data.Store;

/// <summary>How much of a scheme's history the inputs of a period are read from.</summary>
public enum InputHistory
{
    /// <summary>
    /// Only the periods the period's scores depend on: the period, the one before it (rank change),
    /// the earlier ones `previous` imputation reaches back to, and the levels a year earlier (growth).
    /// Costs what the period needs, whatever the store holds.
    /// </summary>
    Window,

    /// <summary>Every period up to the period: how results were read (and hashed) before the window.</summary>
    All,
}

/// <summary>
/// What the engine is given for one period of a scheme under one scheme version, read from the
/// store: the parsed scheme, the dataset (the period and the earlier periods of the same kind its
/// scores depend on, so that <c>previous</c> imputation, growth and rank changes work), and the
/// canonical text of all of it with its SHA-256.
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

    /// <summary>
    /// Every input as one text: scheme JSON, units and tracks, figures with targets, adjustments, in
    /// a fixed order. Kept only by the public <c>Load</c> overloads (to be read); null when the inputs
    /// were read for a publication or a stored set (<see cref="LoadAsStored"/>), which hash the text
    /// in pieces as it is made and never hold it (at a country's size, tens of megabytes).
    /// </summary>
    public string? CanonicalText { get; init; }

    /// <summary>SHA-256 of the canonical text (UTF-8), lower-case hex.</summary>
    public required string InputHash { get; init; }

    /// <summary>Store id of each engine unit, by the engine's global unit index.</summary>
    public required long[] UnitIds { get; init; }

    /// <summary>How many figure rows were read from the store to build these inputs (all revisions, before filtering).</summary>
    public required long FigureRowsRead { get; init; }

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
    public static ScoringInputs Load(SaimaDb db, long schemeVersionId, string period, DateTimeOffset asOf) =>
        Load(db, schemeVersionId, period, asOf, InputHistory.Window);

    /// <summary>The same, reading the whole history up to the period (<see cref="InputHistory.All"/>) or only the window it needs.</summary>
    public static ScoringInputs Load(SaimaDb db, long schemeVersionId, string period, DateTimeOffset asOf, InputHistory history) =>
        Load(db, schemeVersionId, period, asOf, history, null, keepText: true);

    /// <summary>
    /// The same without keeping the canonical text (only its hash), adding the seconds of each
    /// phase of the reading to <paramref name="phases"/> when given: what a publication reads.
    /// </summary>
    internal static ScoringInputs Load(SaimaDb db, long schemeVersionId, string period, DateTimeOffset asOf, InputHistory history, PublishPhases? phases) =>
        Load(db, schemeVersionId, period, asOf, history, phases, keepText: false);

    private static ScoringInputs Load(SaimaDb db, long schemeVersionId, string period, DateTimeOffset asOf, InputHistory history, PublishPhases? phases, bool keepText)
    {
        SchemeVersion version = db.SchemeVersions.AsNoTracking().SingleOrDefault(v => v.Id == schemeVersionId)
            ?? throw new NotFoundException($"scheme version {schemeVersionId.ToString(CultureInfo.InvariantCulture)} does not exist");
        return Load(db, version, period, asOf, history, phases, keepText);
    }

    /// <summary>
    /// The inputs a stored result set was computed from, as they stood when it was computed: read by
    /// window, or (for a set computed before inputs were read by window, whose hash covers the whole
    /// history) from every period, when that is what its stored hash says.
    /// </summary>
    public static ScoringInputs LoadAsStored(SaimaDb db, ResultSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        ScoringInputs inputs = Load(db, set.SchemeVersionId, set.Period, set.ComputedAt, InputHistory.Window, null);
        if (!string.Equals(inputs.InputHash, set.InputHash, StringComparison.Ordinal))
        {
            ScoringInputs all = Load(db, set.SchemeVersionId, set.Period, set.ComputedAt, InputHistory.All, null);
            if (string.Equals(all.InputHash, set.InputHash, StringComparison.Ordinal))
            {
                return all;
            }
        }

        return inputs;
    }

    /// <summary>The same for a version that need not be stored: a proposed scheme's preview (<see cref="SchemeAdmin.Preview"/>).</summary>
    public static ScoringInputs Load(SaimaDb db, SchemeVersion version, string period, DateTimeOffset asOf, InputHistory history = InputHistory.Window) =>
        Load(db, version, period, asOf, history, null, keepText: true);

    private static ScoringInputs Load(SaimaDb db, SchemeVersion version, string period, DateTimeOffset asOf, InputHistory history, PublishPhases? phases, bool keepText)
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
        var indicatorByCode = indicators.ToDictionary(i => i.Code, StringComparer.Ordinal);
        var units = (from su in db.SchemeUnits.AsNoTracking()
                     join u in db.Units.AsNoTracking() on su.UnitId equals u.Id
                     where su.SchemeId == version.SchemeId
                     select new { u.Id, u.Code, u.Name, su.Track }).ToList();
        units.Sort((a, b) => string.CompareOrdinal(a.Code, b.Code));
        var unitCode = units.ToDictionary(u => u.Id, u => u.Code);
        var unitIndex = new Dictionary<long, int>(units.Count);
        for (int u = 0; u < units.Count; u++)
        {
            unitIndex[units[u].Id] = u;
        }

        var indicatorIndex = new Dictionary<long, int>(indicators.Count);
        for (int i = 0; i < indicators.Count; i++)
        {
            indicatorIndex[indicators[i].Id] = i;
        }
        bool hasTracks = units.Any(u => u.Track is not null);

        // Codes the engine takes: its indicators, then denominators (reported indicators used only to divide).
        var engineCodes = new HashSet<string>(scheme.Indicators.Select(i => i.Code), StringComparer.Ordinal);
        engineCodes.UnionWith(scheme.DenominatorCodes);
        var scoredIndicators = new HashSet<string>(scheme.Indicators.Select(i => i.Code), StringComparer.Ordinal);

        // Published revisions (per period, then unit and indicator, the highest entered by asOf), read
        // period by period into a table of the scheme's units by its indicators (see PeriodLevels):
        // a township scheme's window is millions of figures, which a dictionary would hold at three
        // times the memory.
        var levels = new Dictionary<string, PeriodLevels>(StringComparer.Ordinal);
        var none = new PeriodLevels(units.Count, indicators.Count);
        long rowsRead = 0;
        PeriodLevels LevelsAt(string p) => levels.GetValueOrDefault(p) ?? none;
        PeriodLevels Into(string p)
        {
            if (!levels.TryGetValue(p, out var into))
            {
                levels[p] = into = new PeriodLevels(units.Count, indicators.Count);
            }

            return into;
        }

        void Keep(PeriodLevels into, long unitId, long indicatorId, int revision, double? value)
        {
            rowsRead++;
            if (unitIndex.TryGetValue(unitId, out int u) && indicatorIndex.TryGetValue(indicatorId, out int i))
            {
                into.Keep(u, i, revision, value);
            }
        }

        // Figures of any periods (the whole history).
        void Read(IQueryable<Figure> figures)
        {
            foreach (var f in figures.Select(f => new { f.UnitId, f.IndicatorId, f.Period, f.Value, f.Revision }).AsEnumerable())
            {
                if (!Scoring.Period.TryParse(f.Period, out Period p) || p.Kind != kind)
                {
                    rowsRead++;
                    continue;
                }

                Keep(Into(f.Period), f.UnitId, f.IndicatorId, f.Revision, f.Value);
            }
        }

        // Figures of one period (its code not read per row).
        void ReadPeriod(string period, IQueryable<Figure> figures)
        {
            bool ofKind = Scoring.Period.TryParse(period, out Period p) && p.Kind == kind;
            var into = Into(period);
            foreach (var f in figures.Select(f => new { f.UnitId, f.IndicatorId, f.Value, f.Revision }).AsEnumerable())
            {
                if (!ofKind)
                {
                    rowsRead++;
                    continue;
                }

                Keep(into, f.UnitId, f.IndicatorId, f.Revision, f.Value);
            }
        }

        // Revisions entered after asOf are not read (the store keeps times in a form that compares as time on both providers).
        IQueryable<Figure> published = db.Figures.AsNoTracking().Where(f => f.SchemeId == version.SchemeId && f.Status == FigureStatus.Published && f.EnteredAt <= asOf);

        // Periods published with their missing figures counted as zero (as published by then).
        var zeroPeriods = db.Periods.AsNoTracking()
            .Where(p => p.SchemeId == version.SchemeId && p.MissingRule == MissingRules.Zero && p.Status == PeriodStatus.Published && string.Compare(p.Code, period) <= 0)
            .Select(p => new { p.Code, p.PublishedAt }).ToList()
            .Where(p => p.PublishedAt <= asOf && Scoring.Period.TryParse(p.Code, out Period pp) && pp.Kind == kind)
            .Select(p => p.Code).ToHashSet(StringComparer.Ordinal);

        // Growth indicators the engine scores, and the levels they are derived from.
        var growthIndicators = indicators.Where(i => i.GrowthOfId is not null && scoredIndicators.Contains(i.Code)).ToList();
        var growthLevels = growthIndicators.Select(i => i.GrowthOfId!.Value).ToHashSet();

        // The reported indicators the engine takes, by code; the rows each period makes, kept until figures are read again.
        var reportedByCode = indicators.Where(i => i.GrowthOfId is null && engineCodes.Contains(i.Code)).ToList();
        reportedByCode.Sort((a, b) => string.CompareOrdinal(a.Code, b.Code));
        int[] reportedAt = reportedByCode.Select(i => indicatorIndex[i.Id]).ToArray();
        int[] growthAt = growthIndicators.Select(i => indicatorIndex.GetValueOrDefault(i.GrowthOfId!.Value, -1)).ToArray();

        // What came before the figures: the scheme, its units and indicators (and in a new process,
        // the store's model and its first queries being compiled).
        phases?.Lap("inputs.scheme");

        // The periods whose rows the engine is given. Everything up to the period (the whole history,
        // as results computed before reading by window were hashed), or the window a period's scores
        // truly depend on: the period, the one before it in the data (its scores give the rank change),
        // for `previous` imputation the earlier periods back to each unit's last usable value, and for
        // derived growth the levels of the same periods a year earlier.
        bool hinted = PlanByIndex(db, on: true);
        var window = new SortedSet<string>(StringComparer.Ordinal);
        var complete = new HashSet<string>(StringComparer.Ordinal);
        var levelsOnly = new HashSet<string>(StringComparer.Ordinal);
        if (history == InputHistory.All)
        {
            Read(published.Where(f => string.Compare(f.Period, period) <= 0));
            foreach (var (p, at) in levels)
            {
                if (at.Count > 0)
                {
                    window.Add(p);
                }
            }

            window.UnionWith(zeroPeriods);
        }
        else
        {
            // A period of the window: all its figures, or (reaching back for imputation) only those of some indicators.
            void Add(string p, HashSet<long>? only = null)
            {
                window.Add(p);
                if (only is null && complete.Add(p))
                {
                    ReadPeriod(p, published.Where(f => f.Period == p));
                }
                else if (only is not null && !complete.Contains(p))
                {
                    ReadPeriod(p, published.Where(f => f.Period == p && only.Contains(f.IndicatorId)));
                }

                string before = DerivedFigures.YearEarlier(p);
                if (growthLevels.Count > 0 && (only is null || only.Overlaps(growthLevels)) && !complete.Contains(before) && levelsOnly.Add(before))
                {
                    ReadPeriod(before, published.Where(f => f.Period == before && growthLevels.Contains(f.IndicatorId)));
                }
            }

            // The latest period before `cursor` that has published figures or was published with zeros.
            string? Earlier(string cursor)
            {
                string? q = published.Where(f => string.Compare(f.Period, cursor) < 0)
                    .OrderByDescending(f => f.Period).Select(f => f.Period).FirstOrDefault();
                string? z = zeroPeriods.Where(c => string.CompareOrdinal(c, cursor) < 0).Max(StringComparer.Ordinal);
                return q is null ? z : z is null || string.CompareOrdinal(q, z) > 0 ? q : z;
            }

            Add(period);
            string? previous = null;
            for (string? q = Earlier(period); q is not null; q = Earlier(q))
            {
                if (!Scoring.Period.TryParse(q, out Period pq) || pq.Kind != kind)
                {
                    continue;
                }

                Add(q);
                if (RowsOf(q).Any())
                {
                    previous = q;
                    break;
                }
            }

            // `previous` imputation in either scored period reaches back to a unit's last usable value
            // (a value, and a non-zero denominator where the indicator has one).
            var imputedFromPrevious = scheme.Indicators.Where(i => UsesPrevious(scheme, i)).ToList();
            if (previous is not null && imputedFromPrevious.Count > 0)
            {
                var need = new HashSet<(string Unit, string Code)>();
                var usable = Usable(previous);
                foreach (var u in units)
                {
                    foreach (IndicatorDef i in imputedFromPrevious)
                    {
                        if (!usable.Contains((u.Code, i.Code)))
                        {
                            need.Add((u.Code, i.Code));
                        }
                    }
                }

                for (string? q = Earlier(previous); q is not null && need.Count > 0; q = Earlier(q))
                {
                    if (!Scoring.Period.TryParse(q, out Period pq) || pq.Kind != kind)
                    {
                        continue;
                    }

                    // Only the indicators still needed: their own figures, their denominators, the levels of a growth.
                    var needed = need.Select(n => n.Code).ToHashSet(StringComparer.Ordinal);
                    var only = new HashSet<long>();
                    foreach (IndicatorDef i in scheme.Indicators.Where(i => needed.Contains(i.Code)))
                    {
                        foreach (string? code in new[] { i.Code, i.Denominator })
                        {
                            if (code is not null && indicatorByCode.TryGetValue(code, out Indicator? stored))
                            {
                                only.Add(stored.GrowthOfId ?? stored.Id);
                            }
                        }
                    }

                    Add(q, only);
                    need.ExceptWith(Usable(q));
                }
            }
        }

        phases?.Lap("inputs.figures");

        // The periods of the window that give the engine rows (reported figures the scheme uses, zeros,
        // derived growth), in the window's order. The rows themselves are made as they are fed to the
        // engine and the hash, a period at a time, and never held all at once.
        var periodsWithRows = window.Where(p => RowsOf(p).Any()).ToList();
        if (!periodsWithRows.Contains(period, StringComparer.Ordinal))
        {
            throw new WorkflowException($"period {period} of scheme '{schemeRow.Code}' has no published figures to score");
        }

        phases?.Lap("inputs.rows");

        // Targets of the years scored, of the scored indicators: a table of units by indicators per year.
        var years = periodsWithRows.Select(p => int.Parse(p.AsSpan(0, 4), CultureInfo.InvariantCulture)).Distinct().ToList();
        var scoredIds = indicators.Where(i => scoredIndicators.Contains(i.Code)).Select(i => i.Id).ToHashSet();
        var targets = years.ToDictionary(y => y, _ => new PeriodLevels(units.Count, indicators.Count));
        foreach (var t in db.Targets.AsNoTracking().Where(t => t.SchemeId == version.SchemeId && years.Contains(t.Year))
                     .Select(t => new { t.UnitId, t.IndicatorId, t.Year, t.Value }).AsEnumerable())
        {
            if (scoredIds.Contains(t.IndicatorId) && unitIndex.TryGetValue(t.UnitId, out int u) && indicatorIndex.TryGetValue(t.IndicatorId, out int i))
            {
                targets[t.Year].Keep(u, i, 0, t.Value);
            }
        }

        if (hinted)
        {
            PlanByIndex(db, on: false);
        }

        phases?.Lap("inputs.targets");

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

        // The same rows, in the same order, feed the engine's dataset (here) and the canonical text
        // and its hash (on another thread, at the same time), so the hash is of exactly what was scored.
        // Made in order (periods in the window's order, units and indicators by code); checked, not assumed.
        IEnumerable<InputRow> Rows()
        {
            InputRow last = default;
            foreach (string p in periodsWithRows)
            {
                PeriodLevels yearTargets = targets[int.Parse(p.AsSpan(0, 4), CultureInfo.InvariantCulture)];
                foreach (InputRow made in RowsOf(p))
                {
                    InputRow r = made;
                    if (yearTargets.TryGet(r.UnitAt, r.IndicatorAt, out double? stated) && stated is { } t)
                    {
                        r = r with { Target = t };
                    }

                    if (last.Period is not null && InputOrder(last, r) >= 0)
                    {
                        throw new InvalidOperationException($"inputs made out of order: {last.Period} {last.Unit} {last.Code} before {r.Period} {r.Unit} {r.Code}");
                    }

                    last = r;
                    yield return r;
                }
            }
        }

        using var hashed = new HashedText(keepText);
        Task<(string Hash, string? Text)> hashing = Task.Run(() =>
        {
            StringBuilder text = hashed.Line;
            text.Append(history == InputHistory.All ? "saima-inputs 1\n" : "saima-inputs 2\n");
            text.Append(CultureInfo.InvariantCulture, $"scheme {schemeRow.Code} version {version.Version} period {period}\n");
            text.Append(CultureInfo.InvariantCulture, $"json {version.Json.Length}\n").Append(version.Json).Append('\n');
            hashed.EndLine();
            foreach (var u in units)
            {
                text.Append("unit ").Append(u.Code).Append('\t').Append(u.Track ?? "-").Append('\n');
                hashed.EndLine();
            }

            foreach (InputRow r in Rows())
            {
                text.Append("figure ").Append(r.Period).Append('\t').Append(r.Unit).Append('\t').Append(r.Code).Append('\t');
                Number(text, r.Value).Append('\t');
                Number(text, r.Target).Append('\n');
                hashed.EndLine();
            }

            foreach (AdjustmentRow a in adjustments)
            {
                text.Append("adjust ").Append(a.Unit).Append('\t').Append(a.Period ?? "*").Append('\t').Append(a.Node ?? "*").Append('\t');
                Number(text, a.Points).Append('\t').Append(a.Reason.ReplaceLineEndings(" ")).Append('\n');
                hashed.EndLine();
            }

            string h = hashed.Finish(out string? whole);
            return (h, whole);
        });

        var builder = new DatasetBuilder(scheme, attributeNames: null, declaredUnits: true, hasTracks: hasTracks);
        Dataset dataset;
        try
        {
            foreach (var u in units)
            {
                builder.DeclareUnit(u.Code, u.Name, u.Track, null, -1);
            }

            foreach (InputRow r in Rows())
            {
                builder.AddFigure(r.Unit, r.Code, r.Period, r.Value, r.Target, -1);
            }

            foreach (AdjustmentRow a in adjustments)
            {
                builder.AddAdjustment(a.Unit, a.Points, a.Period, a.Node, a.Reason, -1);
            }

            dataset = builder.Build();
        }
        catch
        {
            // The text's thread reads what this one does: it is let finish before the builder's failure goes up.
            ((IAsyncResult)hashing).AsyncWaitHandle.WaitOne();
            throw;
        }

        (string hash, string? canonical) = hashing.GetAwaiter().GetResult();
        phases?.Lap("inputs.dataset+hash");
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
            InputHash = hash,
            UnitIds = ids,
            FigureRowsRead = rowsRead,
        };

        // The rows of one period of the window, made as they are read (never kept): its reported figures
        // the engine takes, zeros where the period was published with missing figures counted as zero,
        // and growth derived from its levels. In order of unit code, then indicator code (the order the
        // engine and the hash take them in).
        IEnumerable<InputRow> RowsOf(string p)
        {
            var at = LevelsAt(p);
            var yearEarlier = growthIndicators.Count == 0 ? none : LevelsAt(DerivedFigures.YearEarlier(p));
            bool zero = zeroPeriods.Contains(p);
            var own = new List<InputRow>(reportedByCode.Count + growthIndicators.Count);
            for (int u = 0; u < units.Count; u++)
            {
                var unit = units[u];
                own.Clear();
                for (int k = 0; k < reportedByCode.Count; k++)
                {
                    Indicator ind = reportedByCode[k];
                    int i = reportedAt[k];
                    if (at.TryGet(u, i, out double? level))
                    {
                        double counted = level ?? (zero && scoredIndicators.Contains(ind.Code) && Due(ind, p) ? 0 : double.NaN);
                        own.Add(new InputRow(p, unit.Code, ind.Code, counted, double.NaN, u, i));
                    }
                    else if (zero && scoredIndicators.Contains(ind.Code) && Due(ind, p))
                    {
                        // Scored indicators due in a zero period and without a figure count 0 there (and only there: no
                        // growth is derived from such a zero). Denominators are left missing: dividing by 0 scores nothing.
                        own.Add(new InputRow(p, unit.Code, ind.Code, 0, double.NaN, u, i));
                    }
                }

                for (int k = 0; k < growthIndicators.Count; k++)
                {
                    Indicator ind = growthIndicators[k];
                    int level = growthAt[k];
                    if (level >= 0
                        && at.TryGet(u, level, out double? now)
                        && yearEarlier.TryGet(u, level, out double? before)
                        && DerivedFigures.Growth(now, before) is { } growth)
                    {
                        own.Add(new InputRow(p, unit.Code, ind.Code, growth, double.NaN, u, indicatorIndex[ind.Id]));
                    }
                }

                if (growthIndicators.Count > 0)
                {
                    own.Sort(ByCode);
                }

                foreach (InputRow row in own)
                {
                    yield return row;
                }
            }
        }

        // The units and indicators of a period whose value `previous` imputation can take.
        HashSet<(string Unit, string Code)> Usable(string p)
        {
            var value = new Dictionary<(int Unit, string Code), double>();
            foreach (InputRow r in RowsOf(p))
            {
                if (!double.IsNaN(r.Value))
                {
                    value[(r.UnitAt, r.Code)] = r.Value;
                }
            }

            var found = new HashSet<(string Unit, string Code)>();
            for (int u = 0; u < units.Count; u++)
            {
                foreach (IndicatorDef i in scheme.Indicators)
                {
                    if (value.ContainsKey((u, i.Code))
                        && (i.Denominator is null || (value.TryGetValue((u, i.Denominator), out double d) && d != 0)))
                    {
                        found.Add((units[u].Code, i.Code));
                    }
                }
            }

            return found;
        }

        static bool Due(Indicator ind, string p) => Scoring.Period.TryParse(p, out Period pp) && Intake.IntakePeriods.IsDue(ind.Frequency, pp);
    }

    /// <summary>
    /// On PostgreSQL, inside a transaction (a publication), turns sequential scans and JIT
    /// compilation off for the reads of figures and targets (<paramref name="on"/>), or back to the
    /// session's settings. The planner takes a period's figures for rows scattered over the whole
    /// table (it cannot know that a period's figures arrive together) and reads all of it: at a
    /// country's 61 million figures a sequential scan of 8 GB (17 s) where the index reads the
    /// period's 34,000 pages (3 s, cold); and it compiles such a query first (about 1 s). Set with
    /// <c>SET LOCAL</c>: nothing outlives the transaction. Whether it was set.
    /// </summary>
    private static bool PlanByIndex(SaimaDb db, bool on)
    {
        if (db.Database.CurrentTransaction is null || db.Database.GetDbConnection() is not Npgsql.NpgsqlConnection)
        {
            return false;
        }

        db.Database.ExecuteSqlRaw(on
            ? "SET LOCAL enable_seqscan = off; SET LOCAL jit = off"
            : "SET LOCAL enable_seqscan TO DEFAULT; SET LOCAL jit TO DEFAULT");
        return true;
    }

    /// <summary>Whether an indicator may be imputed from an earlier period: by its own rule, the scheme's, or a track's override.</summary>
    private static bool UsesPrevious(Scheme scheme, IndicatorDef indicator)
    {
        if ((indicator.Impute ?? scheme.Steps.Impute).Method == ImputeMethod.Previous)
        {
            return true;
        }

        return scheme.Tracks?.Overrides.Values.Any(o => o.Indicators.GetValueOrDefault(indicator.Code)?.Impute?.Method == ImputeMethod.Previous) == true;
    }

    /// <summary>A number's canonical text (the shortest that reads back to the same double; missing as nothing), appended.</summary>
    private static StringBuilder Number(StringBuilder text, double v)
    {
        if (!double.IsNaN(v))
        {
            Span<char> digits = stackalloc char[32];
            if (v.TryFormat(digits, out int written, "R", CultureInfo.InvariantCulture))
            {
                text.Append(digits[..written]);
            }
            else
            {
                text.Append(v.ToString("R", CultureInfo.InvariantCulture));
            }
        }

        return text;
    }

    /// <summary>
    /// The canonical text, hashed (SHA-256 of its UTF-8) in pieces of whole lines as it is written:
    /// the same hash as of the whole text, without holding it unless asked to.
    /// </summary>
    private sealed class HashedText(bool keep) : IDisposable
    {
        private const int Piece = 1 << 15;
        private readonly IncrementalHash sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly StringBuilder? whole = keep ? new StringBuilder() : null;
        private byte[] bytes = new byte[Encoding.UTF8.GetMaxByteCount(Piece * 2)];

        /// <summary>Where the lines are written; <see cref="EndLine"/> after each.</summary>
        public StringBuilder Line { get; } = new(Piece * 2);

        /// <summary>After a whole line: hashes what was written once it is a piece's worth.</summary>
        public void EndLine()
        {
            if (Line.Length >= Piece)
            {
                Flush();
            }
        }

        /// <summary>The hash (lower-case hex), and the whole text when it was kept.</summary>
        public string Finish(out string? text)
        {
            Flush();
            text = whole?.ToString();
            return Convert.ToHexStringLower(sha.GetHashAndReset());
        }

        public void Dispose() => sha.Dispose();

        private void Flush()
        {
            // Pieces end at a line's end, so no character is split.
            string piece = Line.ToString();
            Line.Clear();
            whole?.Append(piece);
            int max = Encoding.UTF8.GetMaxByteCount(piece.Length);
            if (bytes.Length < max)
            {
                bytes = new byte[max];
            }

            int n = Encoding.UTF8.GetBytes(piece, bytes);
            sha.AppendData(bytes, 0, n);
        }
    }

    private static readonly Comparison<InputRow> InputOrder = static (a, b) =>
    {
        int c = string.CompareOrdinal(a.Period, b.Period);
        c = c != 0 ? c : string.CompareOrdinal(a.Unit, b.Unit);
        return c != 0 ? c : string.CompareOrdinal(a.Code, b.Code);
    };

    private static readonly Comparer<InputRow> ByCode = Comparer<InputRow>.Create(static (a, b) => string.CompareOrdinal(a.Code, b.Code));

    /// <summary>One row the engine is given; <see cref="UnitAt"/> and <see cref="IndicatorAt"/> are the unit's and indicator's places in the scheme's lists.</summary>
    private readonly record struct InputRow(string Period, string Unit, string Code, double Value, double Target, int UnitAt, int IndicatorAt);

    /// <summary>
    /// The published levels of one period (or the targets of one year): per unit, a row of the
    /// scheme's indicators holding the highest revision kept and its value (which may be missing).
    /// A unit's row is made when its first figure arrives, so a period read for a few indicators
    /// (reaching back for imputation) costs the units it touches.
    /// </summary>
    private sealed class PeriodLevels(int units, int indicators)
    {
        private readonly Level[]?[] byUnit = new Level[]?[units];

        /// <summary>How many unit and indicator pairs have a level.</summary>
        public int Count { get; private set; }

        /// <summary>Keeps the figure when the pair has none yet or a lower revision.</summary>
        public void Keep(int unit, int indicator, int revision, double? value)
        {
            Level[] row = byUnit[unit] ??= new Level[indicators];
            ref Level cell = ref row[indicator];
            if (cell.Has && cell.Revision >= revision)
            {
                return;
            }

            if (!cell.Has)
            {
                Count++;
            }

            cell = new Level(true, value is null, revision, value ?? 0);
        }

        /// <summary>The pair's level (null: a figure without a value), or false when it has none.</summary>
        public bool TryGet(int unit, int indicator, out double? value)
        {
            Level[]? row = byUnit[unit];
            if (row is null || !row[indicator].Has)
            {
                value = null;
                return false;
            }

            Level cell = row[indicator];
            value = cell.Missing ? null : cell.Value;
            return true;
        }

        private readonly record struct Level(bool Has, bool Missing, int Revision, double Value);
    }

    private sealed record AdjustmentRow(string Unit, string? Period, string? Node, double Points, string Reason);
}
