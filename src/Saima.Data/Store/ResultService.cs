using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Saima.Scoring;

namespace Saima.Data.Store;

/// <summary>Whether recomputing a stored result set from its stored inputs gave the same numbers.</summary>
/// <param name="Identical">Every row, warning and the explanation equal to the bit.</param>
/// <param name="SameInputs">The inputs read now hash to the stored <see cref="ResultSet.InputHash"/>.</param>
/// <param name="Differences">The first differences found, in words (empty when identical).</param>
public sealed record RecomputeReport(
    long ResultSetId,
    bool Identical,
    bool SameInputs,
    string StoredHash,
    string RecomputedHash,
    int RowsCompared,
    int WarningsCompared,
    IReadOnlyList<string> Differences);

/// <summary>One unit and node of two result sets of a period: old and new score and rank.</summary>
public sealed record ResultChange(long UnitId, string UnitCode, string Node, double? OldScore, double? NewScore, int? OldRank, int? NewRank)
{
    /// <summary>Old rank minus new rank: positive means the unit moved up.</summary>
    public int? RankMove => OldRank is { } o && NewRank is { } n ? o - n : null;

    public bool Changed => !ResultService.SameBits(OldScore, NewScore) || OldRank != NewRank;
}

/// <summary>
/// Scores a period from the store and keeps the results: rows per unit and node, warnings, and
/// the explanation (weights and outlier treatment), with the hash of the inputs. Stored results
/// can be recomputed and checked to the bit, and two result sets of a period compared.
/// </summary>
public sealed class ResultService(SaimaDb db, TimeProvider clock)
{
    /// <summary>Scores a period whose figures are published under a given scheme version (a "what if" with another version, or a rerun) and stores the results.</summary>
    /// <param name="phases">When given, the seconds of each phase of the computation are added to it.</param>
    public ResultSet Compute(Actor actor, long schemeVersionId, string period, PublishPhases? phases = null)
    {
        actor.RequireOffice("compute results");
        using var tx = db.Database.BeginTransaction();
        ResultSet set = ComputeCore(schemeVersionId, period, StoreTime.Now(clock), actor, phases);
        tx.Commit();
        phases?.Lap("commit");
        return set;
    }

    /// <summary>
    /// Scores a published period again, with the scheme version it was published with and the
    /// figures as they stand, and stores the results as a new result set (the period's newest).
    /// With the same inputs the numbers are the same to the bit; it is how an operator reruns a
    /// period, and how the benchmarks time one period's publication on a store already built.
    /// </summary>
    public ResultSet Rerun(Actor actor, string schemeCode, string period, PublishPhases? phases = null)
    {
        actor.RequireOffice("compute results");
        AssessmentScheme scheme = db.Schemes.AsNoTracking().SingleOrDefault(s => s.Code == schemeCode)
            ?? throw new NotFoundException(WorkflowCodes.NoScheme, $"scheme '{schemeCode}' does not exist", schemeCode);
        ReportingPeriod rp = db.Periods.AsNoTracking().SingleOrDefault(p => p.SchemeId == scheme.Id && p.Code == period)
            ?? throw new NotFoundException(WorkflowCodes.NoPeriod, $"period {period} of scheme '{schemeCode}' does not exist", period, schemeCode);
        if (rp.Status != PeriodStatus.Published || rp.SchemeVersionId is not { } versionId)
        {
            throw new WorkflowException(WorkflowCodes.PeriodNotPublished, $"period {period} of scheme '{schemeCode}' is not published; publish it first", period, schemeCode);
        }

        return Compute(actor, versionId, period, phases);
    }

    /// <summary>Scores and stores, inside the caller's transaction.</summary>
    internal ResultSet ComputeCore(long schemeVersionId, string period, DateTimeOffset now, Actor actor, PublishPhases? phases = null)
    {
        ScoringInputs inputs = ScoringInputs.Load(db, schemeVersionId, period, now, InputHistory.Window, phases);
        Computed computed = Run(inputs, phases);
        var set = new ResultSet
        {
            SchemeId = inputs.Version.SchemeId,
            SchemeVersionId = schemeVersionId,
            Period = period,
            ComputedAt = now,
            ComputedBy = actor.Name,
            InputHash = inputs.InputHash,
            ExplainJson = computed.ExplainJson,
        };

        // Only new rows are added here, so there is nothing for change detection to find: skipping
        // it keeps a context that tracks a period's thousands of figures (as Publish's does) fast.
        bool detect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            db.ResultSets.Add(set);
            db.SaveChanges();
            phases?.Lap("set");
            // The rows, warnings and traces go from the engine's arrays straight into the store and
            // the digest: no object per row is made or held (ResultTable). The digest only reads
            // the arrays, so it is worked out on the other core while the database takes the rows
            // (on PostgreSQL most of that time is the server's: taking the rows and building their
            // partition's primary key).
            // The units' traces are made meanwhile too, after the digest.
            Task<string> digest = Task.Run(() => AuditChain.Digest(computed.Table));
            Task<UnitTrace.Texts> traces = digest.ContinueWith(_ => UnitTrace.Texts.Of(inputs, computed.Result), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            BulkWriter.WriteResults(db, set.Id, computed.Table, phases);
            db.ResultNodeRanked.AddRange(computed.Table.RankedPerNode().Select(n => new ResultNodeRanked { ResultSetId = set.Id, Node = n.Node, Ranked = n.Ranked }));
            UnitTrace.Write(db, set.Id, traces.GetAwaiter().GetResult());
            phases?.Lap("traces");
            StoredAnalysis.AtPublication(db, inputs, set.Id, computed.Table.RankedAtRoot(), now);
            phases?.Lap("analysis");
            AuditChain.AppendResultSet(db, set, digest.GetAwaiter().GetResult());
            phases?.Lap("digest.wait");
            db.Audit.Add(AuditLog.Entry(now, actor, "compute", AuditLog.ResultEntity, AuditLog.Text(set.Id), "input_hash", null, set.InputHash,
                string.Create(CultureInfo.InvariantCulture, $"period {period}, scheme version {inputs.Version.Version}")));
            db.SaveChanges();
            phases?.Lap("audit");
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = detect;
        }

        return set;
    }

    /// <summary>
    /// Recomputes a stored result set from the inputs as they stood when it was computed (same
    /// scheme version, published figure revisions entered by then) and compares every number to
    /// the bit. Writes nothing.
    /// </summary>
    public RecomputeReport Recompute(long resultSetId)
    {
        ResultSet set = db.ResultSets.AsNoTracking().SingleOrDefault(r => r.Id == resultSetId)
            ?? throw new NotFoundException($"result set {resultSetId.ToString(CultureInfo.InvariantCulture)} does not exist");
        ScoringInputs inputs = ScoringInputs.LoadAsStored(db, set);
        Computed computed = Run(inputs);
        var differences = new List<string>();
        const int MaxShown = 20;
        void Differ(string text)
        {
            if (differences.Count < MaxShown)
            {
                differences.Add(text);
            }
        }

        var stored = db.ResultRows.AsNoTracking().Where(r => r.ResultSetId == resultSetId).ToList()
            .ToDictionary(r => (r.UnitId, r.Node));
        if (stored.Count != computed.Rows.Count)
        {
            Differ(string.Create(CultureInfo.InvariantCulture, $"{stored.Count} rows stored, {computed.Rows.Count} recomputed"));
        }

        int mismatches = 0;
        foreach (ResultRow r in computed.Rows)
        {
            if (!stored.TryGetValue((r.UnitId, r.Node), out ResultRow? s))
            {
                mismatches++;
                Differ(string.Create(CultureInfo.InvariantCulture, $"unit {r.UnitId} node {r.Node}: not stored"));
                continue;
            }

            if (!SameBits(s.Value, r.Value) || !SameBits(s.Score, r.Score) || s.Rank != r.Rank || s.TrackRank != r.TrackRank || s.RankChange != r.RankChange)
            {
                mismatches++;
                Differ(string.Create(
                    CultureInfo.InvariantCulture,
                    $"unit {r.UnitId} node {r.Node}: stored value {AuditLog.Text(s.Value)} score {AuditLog.Text(s.Score)} rank {s.Rank} track rank {s.TrackRank} change {s.RankChange}; recomputed {AuditLog.Text(r.Value)} {AuditLog.Text(r.Score)} {r.Rank} {r.TrackRank} {r.RankChange}"));
            }
        }

        var storedWarnings = db.WarningResults.AsNoTracking().Where(w => w.ResultSetId == resultSetId).ToList()
            .ToDictionary(w => (w.UnitId, w.Indicator));
        if (storedWarnings.Count != computed.Warnings.Count)
        {
            mismatches++;
            Differ(string.Create(CultureInfo.InvariantCulture, $"{storedWarnings.Count} warnings stored, {computed.Warnings.Count} recomputed"));
        }

        foreach (WarningResult w in computed.Warnings)
        {
            if (!storedWarnings.TryGetValue((w.UnitId, w.Indicator), out WarningResult? s)
                || !SameBits(s.Value, w.Value) || !SameBits(s.Target, w.Target) || !SameBits(s.Completion, w.Completion)
                || !SameBits(s.Expected, w.Expected) || !SameBits(s.Gap, w.Gap) || s.Level != w.Level)
            {
                mismatches++;
                Differ(string.Create(CultureInfo.InvariantCulture, $"warning of unit {w.UnitId} indicator {w.Indicator} differs"));
            }
        }

        if (!string.Equals(set.ExplainJson, computed.ExplainJson, StringComparison.Ordinal))
        {
            mismatches++;
            Differ("the explanation (weights, treatment) differs");
        }

        bool sameInputs = string.Equals(set.InputHash, inputs.InputHash, StringComparison.Ordinal);
        if (!sameInputs)
        {
            Differ("the inputs read now hash differently from those stored (a target, track or the scheme's units changed since)");
        }

        return new RecomputeReport(
            resultSetId,
            mismatches == 0 && stored.Count == computed.Rows.Count,
            sameInputs,
            set.InputHash,
            inputs.InputHash,
            computed.Rows.Count,
            computed.Warnings.Count,
            differences);
    }

    /// <summary>
    /// Recomputes every stored result set from its stored inputs (<see cref="Recompute"/>), oldest
    /// first, and records the check in the audit trail (how many sets, which differ). Office only;
    /// changes no result.
    /// </summary>
    public IReadOnlyList<RecomputeReport> RecomputeAll(Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOffice("verify results");
        var ids = db.ResultSets.AsNoTracking().OrderBy(r => r.Id).Select(r => r.Id).ToList();
        var reports = new List<RecomputeReport>(ids.Count);
        foreach (long id in ids)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                reports.Add(Recompute(id));
            }
            catch (WorkflowException e)
            {
                // A set whose inputs cannot be scored any more (e.g. one not made by the store) differs.
                reports.Add(new RecomputeReport(id, false, false, string.Empty, string.Empty, 0, 0, [e.Message]));
            }
        }

        var differ = reports.Where(r => !r.Identical).Select(r => AuditLog.Text(r.ResultSetId)).ToList();
        db.Audit.Add(AuditLog.Entry(StoreTime.Now(clock), actor, "verify", AuditLog.ResultEntity, "*", "recomputed", null,
            string.Create(CultureInfo.InvariantCulture, $"{reports.Count} result sets, {differ.Count} differ{(differ.Count > 0 ? ": " + string.Join(", ", differ.Take(50)) : string.Empty)}")));
        db.SaveChanges();
        return reports;
    }

    /// <summary>
    /// The latest result set of a period (the published one, or the latest recomputation after a
    /// correction), optionally of one scheme version only.
    /// </summary>
    public ResultSet? Latest(long schemeId, string period, long? schemeVersionId = null) =>
        db.ResultSets.AsNoTracking()
            .Where(r => r.SchemeId == schemeId && r.Period == period && (schemeVersionId == null || r.SchemeVersionId == schemeVersionId))
            .OrderByDescending(r => r.Id)
            .FirstOrDefault();

    /// <summary>
    /// Compares two result sets (typically of one period, before and after a correction): per unit
    /// and node the old and new score and rank, in unit-code order and the scheme's node order.
    /// </summary>
    public IReadOnlyList<ResultChange> Compare(long oldResultSetId, long newResultSetId)
    {
        ResultSet newer = db.ResultSets.AsNoTracking().SingleOrDefault(r => r.Id == newResultSetId)
            ?? throw new NotFoundException($"result set {newResultSetId.ToString(CultureInfo.InvariantCulture)} does not exist");
        if (!db.ResultSets.Any(r => r.Id == oldResultSetId))
        {
            throw new NotFoundException($"result set {oldResultSetId.ToString(CultureInfo.InvariantCulture)} does not exist");
        }

        Scheme scheme = SchemeParser.Parse(db.SchemeVersions.AsNoTracking().Single(v => v.Id == newer.SchemeVersionId).Json);
        var before = db.ResultRows.AsNoTracking().Where(r => r.ResultSetId == oldResultSetId).ToList().ToDictionary(r => (r.UnitId, r.Node));
        var after = db.ResultRows.AsNoTracking().Where(r => r.ResultSetId == newResultSetId).ToList().ToDictionary(r => (r.UnitId, r.Node));
        var ids = before.Keys.Concat(after.Keys).Select(k => k.UnitId).Distinct().ToList();
        var codes = db.Units.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionary(u => u.Id, u => u.Code);
        return before.Keys.Union(after.Keys)
            .Select(k =>
            {
                ResultRow? o = before.GetValueOrDefault(k);
                ResultRow? n = after.GetValueOrDefault(k);
                return new ResultChange(k.UnitId, codes[k.UnitId], k.Node, o?.Score, n?.Score, o?.Rank, n?.Rank);
            })
            .OrderBy(c => c.UnitCode, StringComparer.Ordinal)
            .ThenBy(c => scheme.NodeIndex(c.Node) is var i && i < 0 ? int.MaxValue : i)
            .ThenBy(c => c.Node, StringComparer.Ordinal)
            .ToList();
    }

    internal static bool SameBits(double? a, double? b) =>
        a is null ? b is null : b is not null && BitConverter.DoubleToInt64Bits(a.Value) == BitConverter.DoubleToInt64Bits(b.Value);

    /// <summary>
    /// A scored period: its rows and warnings as a <see cref="ResultTable"/> over the engine's
    /// arrays, and the explanation. <see cref="Rows"/>, <see cref="Warnings"/> and
    /// <see cref="Traces"/> are made as objects only when asked for (a recomputation's comparison,
    /// a preview); the publication streams <see cref="Table"/> instead.
    /// </summary>
    internal sealed class Computed(ScoringInputs inputs, PeriodResult result, string explainJson)
    {
        private List<ResultRow>? rows;
        private List<WarningResult>? warnings;
        private List<UnitTraceRow>? traces;

        public ResultTable Table { get; } = new(inputs, result);

        public PeriodResult Result => result;

        public string ExplainJson => explainJson;

        /// <summary>Every row, unit by unit in the engine's order and node by node in the scheme's.</summary>
        public List<ResultRow> Rows => rows ??= [.. Table.Rows()];

        /// <summary>Every warning, in the engine's order.</summary>
        public List<WarningResult> Warnings => warnings ??= [.. Table.Warnings()];

        /// <summary>Every unit's trace.</summary>
        public List<UnitTraceRow> Traces => traces ??= UnitTrace.Of(inputs, result);
    }

    /// <summary>Runs the engine and lays the scored period out as rows, in the store's canonical form.</summary>
    internal static Computed Run(ScoringInputs inputs, PublishPhases? phases = null)
    {
        ScoringResult result;
        try
        {
            // Only the stored period and the one before it (for its rank change) are scored; earlier
            // periods still feed `previous` imputation.
            result = ScoringEngine.Score(inputs.Scheme, inputs.Dataset, new ScoringOptions { Explain = true, LastPeriods = 2 });
        }
        catch (Exception ex) when (ex is ScoringException or SchemeException or Scoring.DataException)
        {
            throw new WorkflowException($"period {inputs.Period} cannot be scored with scheme version {inputs.Version.Version.ToString(CultureInfo.InvariantCulture)}: {ex.Message}", ex);
        }

        phases?.Lap("engine");
        PeriodResult pr = result.Periods[^1];
        string explain = Explain(inputs, pr);
        phases?.Lap("explain");
        return new Computed(inputs, pr, explain);
    }

    private static string Explain(ScoringInputs inputs, PeriodResult pr)
    {
        Scheme scheme = inputs.Scheme;
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("period", inputs.Period);
            w.WriteNumber("schemeVersion", inputs.Version.Version);
            w.WriteString("inputHash", inputs.InputHash);
            w.WriteStartArray("weights");
            foreach (WeightRow row in pr.Weights)
            {
                w.WriteStartObject();
                w.WriteString("track", row.Track);
                w.WriteString("node", scheme.NodeCode(row.Node));
                w.WriteString("parent", row.Node < scheme.Indicators.Count ? scheme.Indicators[row.Node].Parent : scheme.Groups[row.Node - scheme.Indicators.Count].Parent);
                Number(w, "weight", row.Weight);
                Number(w, "effectiveWeight", row.EffectiveWeight);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("treatments");
            foreach (TreatmentRow row in pr.Treatments)
            {
                w.WriteStartObject();
                w.WriteString("track", row.Track);
                w.WriteString("indicator", scheme.Indicators[row.Indicator].Code);
                w.WriteString("treatment", row.Treatment switch
                {
                    TreatmentKind.Winsorised => "winsorised",
                    TreatmentKind.Log => "log",
                    _ => "none",
                });
                w.WriteNumber("points", row.Points);
                Number(w, "skewBefore", row.SkewBefore);
                Number(w, "kurtosisBefore", row.KurtosisBefore);
                Number(w, "skewAfter", row.SkewAfter);
                Number(w, "kurtosisAfter", row.KurtosisAfter);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Number(Utf8JsonWriter w, string name, double v)
    {
        // JSON has no NaN: a statistic that does not exist (skew of fewer than 3 values) is null.
        if (double.IsFinite(v))
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
