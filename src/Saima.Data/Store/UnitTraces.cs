using System.Buffers;
using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Saima.Scoring;

namespace Saima.Data.Store;

/// <summary>
/// How one unit's scores of a result set came about, per node of the set's scheme version (in the
/// scheme's node order): the rule, the raw figure and the target the rule used, whether the value
/// was imputed, the score and the bonus/penalty points, and per group the weights of its children
/// as this unit's aggregation used them. What the unit page explains, kept when the set is computed.
/// </summary>
public sealed record UnitTrace(
    IReadOnlyList<string> Rules,
    IReadOnlyList<double?> Raw,
    IReadOnlyList<double?> Target,
    IReadOnlyList<bool> Imputed,
    IReadOnlyList<double?> Scores,
    IReadOnlyList<double?> Adjustments,
    IReadOnlyList<IReadOnlyList<double?>?> ChildWeights)
{
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The compact stored form: one JSON object of arrays (the rules of a node, often repeated, once each).</summary>
    public string ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, JsonOptions))
        {
            WriteJson(w);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary><see cref="ToJson"/> as UTF-8 into <paramref name="w"/> (a publication writes 40,000 of them straight into the store).</summary>
    internal void WriteJson(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        var distinct = Rules.Distinct(StringComparer.Ordinal).ToList();
        var index = distinct.Select((r, i) => (r, i)).ToDictionary(x => x.r, x => x.i, StringComparer.Ordinal);
        w.WriteStartArray("rules");
        distinct.ForEach(w.WriteStringValue);
        w.WriteEndArray();
        w.WriteStartArray("rule");
        foreach (string r in Rules)
        {
            w.WriteNumberValue(index[r]);
        }

        w.WriteEndArray();
        Numbers(w, "raw", Raw);
        Numbers(w, "target", Target);
        w.WriteStartArray("imputed");
        for (int i = 0; i < Imputed.Count; i++)
        {
            if (Imputed[i])
            {
                w.WriteNumberValue(i);
            }
        }

        w.WriteEndArray();
        Numbers(w, "score", Scores);
        Numbers(w, "adjustment", Adjustments);
        w.WriteStartArray("childWeights");
        foreach (IReadOnlyList<double?>? weights in ChildWeights)
        {
            if (weights is null)
            {
                w.WriteNullValue();
            }
            else
            {
                Values(w, weights);
            }
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Reads the stored form back (<see cref="ToJson"/>).</summary>
    public static UnitTrace FromJson(string json)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement root = doc.RootElement;
        var rules = root.GetProperty("rules").EnumerateArray().Select(r => r.GetString() ?? string.Empty).ToList();
        var rule = root.GetProperty("rule").EnumerateArray().Select(r => rules[r.GetInt32()]).ToList();
        var raw = Read(root.GetProperty("raw"));
        var imputed = new bool[raw.Count];
        foreach (JsonElement i in root.GetProperty("imputed").EnumerateArray())
        {
            imputed[i.GetInt32()] = true;
        }

        var weights = root.GetProperty("childWeights").EnumerateArray()
            .Select(g => g.ValueKind == JsonValueKind.Null ? null : (IReadOnlyList<double?>)Read(g)).ToList();
        return new UnitTrace(rule, raw, Read(root.GetProperty("target")), imputed, Read(root.GetProperty("score")), Read(root.GetProperty("adjustment")), weights);
    }

    /// <summary>Every scored unit's trace of a period's result (the engine run with <see cref="ScoringOptions.Explain"/>), by the unit's store id.</summary>
    internal static List<UnitTraceRow> Of(ScoringInputs inputs, PeriodResult pr)
    {
        var rows = new List<UnitTraceRow>(pr.Data.Units.Length);
        for (int u = 0; u < pr.Data.Units.Length; u++)
        {
            rows.Add(new UnitTraceRow { ResultSetId = 0, UnitId = inputs.UnitIds[pr.Data.Units[u]], Trace = Of(inputs, pr, u).ToJson() });
        }

        return rows;
    }

    /// <summary>The trace of the engine's unit <paramref name="u"/> in a period's result.</summary>
    internal static UnitTrace Of(ScoringInputs inputs, PeriodResult pr, int u)
    {
        Trace trace = pr.Trace ?? throw new InvalidOperationException("the period was scored without its trace");
        int nInd = inputs.Scheme.Indicators.Count, nodes = inputs.Scheme.NodeCount, groups = inputs.Scheme.Groups.Count;
        return new UnitTrace(
            Enumerable.Range(0, nodes).Select(k => trace.Rule[k][u]).ToList(),
            Enumerable.Range(0, nInd).Select(k => Num(trace.Raw[k][u])).ToList(),
            Enumerable.Range(0, nInd).Select(k => Num(trace.TargetUsed[k][u])).ToList(),
            Enumerable.Range(0, nInd).Select(k => trace.Imputed[k][u]).ToList(),
            Enumerable.Range(0, nodes).Select(k => Num(pr.Scores[k][u])).ToList(),
            Enumerable.Range(0, nodes).Select(k => Num(trace.Adjustment[k][u])).ToList(),
            Enumerable.Range(0, groups).Select(g => trace.ChildWeights[g][u] is { } cw ? (IReadOnlyList<double?>)cw.Select(Num).ToList() : null).ToList());
    }

    /// <summary>
    /// A unit's stored trace of a result set. A set computed before traces were kept has none: then
    /// the set is scored again once from the inputs it was computed from
    /// (<see cref="ScoringInputs.LoadAsStored"/>), the traces of all its units stored, and the unit's
    /// returned. Null when the unit was not scored in the set.
    /// </summary>
    /// <exception cref="WorkflowException">The set's inputs cannot be scored any more.</exception>
    public static async Task<UnitTrace?> ReadAsync(SaimaDb db, ResultSet set, long unitId, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(set);
        string? json = await db.UnitTraces.AsNoTracking().Where(t => t.ResultSetId == set.Id && t.UnitId == unitId).Select(t => t.Trace).SingleOrDefaultAsync(cancel);
        if (json is not null)
        {
            return FromJson(json);
        }

        if (await db.UnitTraces.AnyAsync(t => t.ResultSetId == set.Id, cancel))
        {
            return null;
        }

        ScoringInputs inputs = ScoringInputs.LoadAsStored(db, set);
        ResultService.Computed computed = ResultService.Run(inputs);
        try
        {
            Write(db, set.Id, Texts.Of(inputs, computed.Result));
        }
        catch (DbException)
        {
            // Another request stored them first: the same traces, derived from the same inputs.
        }

        for (int u = 0; u < computed.Table.Units; u++)
        {
            if (computed.Table.UnitId(u) == unitId)
            {
                return Of(inputs, computed.Result, u);
            }
        }

        return null;
    }

    /// <summary>
    /// The traces of a result set's units as UTF-8 JSON, one after another in one buffer: made (on
    /// another thread) while the set's rows are being written, whose time is mostly the database's,
    /// then written with <see cref="Write"/>. A township set's are about 57 MB.
    /// </summary>
    internal sealed class Texts
    {
        private readonly ArrayBufferWriter<byte> buffer;
        private readonly int[] ends;
        private readonly long[] unitIds;

        private Texts(ArrayBufferWriter<byte> buffer, int[] ends, long[] unitIds)
        {
            this.buffer = buffer;
            this.ends = ends;
            this.unitIds = unitIds;
        }

        /// <summary>How many units' traces.</summary>
        public int Count => ends.Length;

        /// <summary>Makes every unit's trace, in the engine's order of units.</summary>
        public static Texts Of(ScoringInputs inputs, PeriodResult pr)
        {
            int units = pr.Data.Units.Length;
            var buffer = new ArrayBufferWriter<byte>();
            int[] ends = new int[units];
            long[] unitIds = new long[units];
            using var w = new Utf8JsonWriter(buffer, JsonOptions);
            for (int u = 0; u < units; u++)
            {
                w.Reset(buffer);
                UnitTrace.Of(inputs, pr, u).WriteJson(w);
                w.Flush();
                ends[u] = buffer.WrittenCount;
                unitIds[u] = inputs.UnitIds[pr.Data.Units[u]];
            }

            return new Texts(buffer, ends, unitIds);
        }

        /// <summary>The unit's store id and its trace.</summary>
        public (long UnitId, ReadOnlyMemory<byte> Utf8) this[int u]
        {
            get
            {
                int start = u == 0 ? 0 : ends[u - 1];
                return (unitIds[u], buffer.WrittenMemory[start..ends[u]]);
            }
        }
    }

    /// <summary>
    /// Stores the traces of a result set's units, made beforehand (<see cref="Texts.Of"/>), inside
    /// the caller's transaction if any, else in one of its own.
    /// </summary>
    internal static void Write(SaimaDb db, long resultSetId, Texts texts)
    {
        using var own = db.Database.CurrentTransaction is null ? db.Database.BeginTransaction() : null;
        BulkWriter.WriteTexts(db, "unit_traces", "unit_id", "trace", resultSetId, texts.Count, u => texts[u]);
        own?.Commit();
    }

    private static double? Num(double v) => double.IsNaN(v) ? null : v;

    private static void Numbers(Utf8JsonWriter w, string name, IReadOnlyList<double?> values)
    {
        w.WritePropertyName(name);
        Values(w, values);
    }

    private static void Values(Utf8JsonWriter w, IReadOnlyList<double?> values)
    {
        w.WriteStartArray();
        Span<byte> text = stackalloc byte[32];
        foreach (double? v in values)
        {
            if (v is double d && double.IsFinite(d))
            {
                // The shortest text that reads back to the same double, a valid JSON number as formatted.
                if (!d.TryFormat(text, out int length, "R", CultureInfo.InvariantCulture))
                {
                    throw new InvalidOperationException("a double's shortest text is at most 25 bytes");
                }

                w.WriteRawValue(text[..length], skipInputValidation: true);
            }
            else
            {
                w.WriteNullValue();
            }
        }

        w.WriteEndArray();
    }

    private static List<double?> Read(JsonElement array) =>
        array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? (double?)null : e.GetDouble()).ToList();
}
