using System.Globalization;

namespace Saima.Scoring;

/// <summary>
/// Bad input data (as opposed to a bad scheme). <see cref="Record"/> is the caller's reference to
/// the offending record (for the CLI, the line number of the file it came from), or -1.
/// </summary>
public sealed class DataException(string message, int source = -1, string? column = null) : Exception(message)
{
    public int Record { get; } = source;
    public string? Column { get; } = column;
}

/// <summary>A bonus or penalty item (加分/扣分).</summary>
public sealed record Adjustment(int Unit, double Points, int PeriodIndex, int Node, string? Reason);

/// <summary>
/// The figures of one period laid out for the machine: one contiguous column of doubles per code
/// (indicators in scheme order, then denominators), one row per unit of the period in code order.
/// Missing is NaN.
/// </summary>
public sealed class PeriodData
{
    public required Period Period { get; init; }

    /// <summary>Global unit indices of the units with at least one row, ascending (= code order).</summary>
    public required int[] Units { get; init; }

    /// <summary>[code][local unit]: indicators (scheme order) then <see cref="Scheme.DenominatorCodes"/>.</summary>
    public required double[][] Values { get; init; }

    /// <summary>[indicator][local unit], NaN where no target was given.</summary>
    public required double[][] Targets { get; init; }
}

/// <summary>The input of one scoring run: units, their tracks and attributes, and the periods' figures.</summary>
public sealed class Dataset
{
    /// <summary>Unit codes sorted ordinal; a unit's global index is its position here.</summary>
    public required string[] UnitCodes { get; init; }
    public string?[] UnitNames { get; init; } = [];

    /// <summary>Track name per unit, or null when there are no tracks.</summary>
    public string[]? UnitTracks { get; init; }

    /// <summary>Distinct track names, sorted ordinal (empty without tracks).</summary>
    public string[] Tracks { get; init; } = [];

    /// <summary>Extra text columns of the units file, usable as imputation groups.</summary>
    public IReadOnlyDictionary<string, string[]> Attributes { get; init; } =
        new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Periods in chronological order; a single <see cref="Period.None"/> without a period column.</summary>
    public required PeriodData[] Periods { get; init; }
    public IReadOnlyList<Adjustment> Adjustments { get; init; } = [];
    public bool HasPeriods => Periods.Length > 0 && Periods[0].Period.Kind != PeriodKind.None;
}

/// <summary>
/// Collects long-format figures (unit, code, period, value, target) and lays them out as a
/// <see cref="Dataset"/>. Every method throws <see cref="DataException"/> carrying the caller's
/// <c>source</c> on bad input.
/// </summary>
public sealed class DatasetBuilder
{
    private readonly Scheme _scheme;
    private readonly Dictionary<string, int> _codes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _units = new(StringComparer.Ordinal);
    private readonly List<string> _unitCodes = [];
    private readonly List<string?> _unitNames = [];
    private readonly List<string?> _unitTracks = [];
    private readonly List<string[]> _unitAttributes = [];
    private readonly string[] _attributeNames;
    private readonly bool _declared;
    private readonly bool _hasTracks;
    private readonly Dictionary<string, int> _periods = new(StringComparer.Ordinal);
    private readonly List<Period> _periodKeys = [];
    private readonly List<List<Figure>> _figures = [];
    private readonly List<PendingAdjustment> _adjustments = [];
    private PeriodKind _kind = PeriodKind.None;
    private bool _sawPeriodless;

    private readonly record struct Figure(int Unit, int Code, double Value, double Target, int Source);

    private readonly record struct PendingAdjustment(string Unit, double Points, string? Period, int Node, string? Reason, int Source);

    /// <param name="scheme">The scheme whose codes the figures use.</param>
    /// <param name="attributeNames">Names of extra unit columns (from a units file), or empty.</param>
    /// <param name="declaredUnits">True when a units file lists the units: any other unit is an error.</param>
    /// <param name="hasTracks">True when the units file has a track column.</param>
    public DatasetBuilder(Scheme scheme, IReadOnlyList<string>? attributeNames = null, bool declaredUnits = false, bool hasTracks = false)
    {
        _scheme = scheme;
        _attributeNames = attributeNames?.ToArray() ?? [];
        _declared = declaredUnits;
        _hasTracks = hasTracks;
        for (int i = 0; i < scheme.Indicators.Count; i++)
        {
            _codes[scheme.Indicators[i].Code] = i;
        }

        for (int d = 0; d < scheme.DenominatorCodes.Count; d++)
        {
            _codes.TryAdd(scheme.DenominatorCodes[d], scheme.Indicators.Count + d);
        }
    }

    public int CodeCount => _scheme.Indicators.Count + _scheme.DenominatorCodes.Count;

    /// <summary>Declares a unit from a units file.</summary>
    public void DeclareUnit(string code, string? name, string? track, IReadOnlyList<string>? attributes, int source)
    {
        if (code.Length == 0)
        {
            throw new DataException("empty unit code; expected a unit code", source, "unit");
        }

        if (_units.ContainsKey(code))
        {
            throw new DataException($"unit '{code}' is listed twice; expected each unit once", source, "unit");
        }

        if (_hasTracks && string.IsNullOrEmpty(track))
        {
            throw new DataException($"unit '{code}' has no track; expected a track name", source, "track");
        }

        AddUnit(code, name, track, attributes?.ToArray() ?? new string[_attributeNames.Length]);
    }

    private int AddUnit(string code, string? name, string? track, string[] attributes)
    {
        int index = _unitCodes.Count;
        _units.Add(code, index);
        _unitCodes.Add(code);
        _unitNames.Add(name);
        _unitTracks.Add(track);
        _unitAttributes.Add(attributes);
        return index;
    }

    /// <summary>Adds one figure. <paramref name="period"/> is null when the file has no period column.</summary>
    public void AddFigure(string unit, string code, string? period, double value, double target, int source)
    {
        if (!_units.TryGetValue(unit, out int u))
        {
            if (unit.Length == 0)
            {
                throw new DataException("empty unit code; expected a unit code", source, "unit");
            }

            if (_declared)
            {
                throw new DataException($"unknown unit '{unit}': it is not in the units file", source, "unit");
            }

            u = AddUnit(unit, null, null, new string[_attributeNames.Length]);
        }

        if (!_codes.TryGetValue(code, out int c))
        {
            throw new DataException(
                $"unknown indicator '{code}': expected an indicator of the scheme or a code used as a denominator",
                source,
                "indicator");
        }

        if (c >= _scheme.Indicators.Count && !double.IsNaN(target))
        {
            throw new DataException($"'{code}' is a denominator, not an indicator: it takes no target", source, "target");
        }

        int p = PeriodIndex(period, source);
        _figures[p].Add(new Figure(u, c, value, target, source));
    }

    private int PeriodIndex(string? text, int source)
    {
        text ??= string.Empty;
        if (_periods.TryGetValue(text, out int p))
        {
            return p;
        }

        Period key;
        if (text.Length == 0)
        {
            if (_kind != PeriodKind.None)
            {
                throw new DataException("empty period; expected a period like the others in the file", source, "period");
            }

            _sawPeriodless = true;
            key = Period.None;
        }
        else
        {
            if (!Period.TryParse(text, out key))
            {
                throw new DataException($"period '{text}' is not a period; expected 2025, 2025-Q2 or 2025-06", source, "period");
            }

            if (_sawPeriodless || (_kind != PeriodKind.None && _kind != key.Kind))
            {
                throw new DataException(
                    $"period '{text}' is of another kind than the file's earlier periods; expected one kind (years, quarters or months) per file",
                    source,
                    "period");
            }

            _kind = key.Kind;
            string canonical = key.ToString();
            if (!string.Equals(canonical, text, StringComparison.Ordinal) && _periods.TryGetValue(canonical, out p))
            {
                _periods[text] = p;
                return p;
            }
        }

        p = _periodKeys.Count;
        _periods[text] = p;
        if (text.Length > 0 && !_periods.ContainsKey(key.ToString()))
        {
            _periods[key.ToString()] = p;
        }

        _periodKeys.Add(key);
        _figures.Add([]);
        return p;
    }

    /// <summary>Adds a bonus or penalty item. Null or empty period: every period; null node: the root.</summary>
    public void AddAdjustment(string unit, double points, string? period, string? node, string? reason, int source)
    {
        if (!double.IsFinite(points))
        {
            throw new DataException("points must be a finite number", source, "points");
        }

        int n;
        if (string.IsNullOrEmpty(node))
        {
            n = _scheme.Indicators.Count + _scheme.RootGroup;
        }
        else
        {
            n = _scheme.NodeIndex(node);
            if (n < 0)
            {
                throw new DataException($"unknown node '{node}': expected an indicator or group code of the scheme", source, "node");
            }
        }

        if (unit.Length == 0)
        {
            throw new DataException("empty unit code; expected a unit code", source, "unit");
        }

        _adjustments.Add(new PendingAdjustment(unit, points, string.IsNullOrEmpty(period) ? null : period, n, reason, source));
    }

    public Dataset Build()
    {
        if (_periodKeys.Count == 0)
        {
            throw new DataException("the data has no rows; expected at least one figure");
        }

        // Global unit order is ordinal code order: every reduction runs in that order.
        int nUnits = _unitCodes.Count;
        int[] order = Enumerable.Range(0, nUnits).ToArray();
        string[] codes = _unitCodes.ToArray();
        Array.Sort(codes, order, StringComparer.Ordinal);
        int[] remap = new int[nUnits];
        for (int i = 0; i < nUnits; i++)
        {
            remap[order[i]] = i;
        }

        string[]? tracks = null;
        string[] trackNames = [];
        if (_hasTracks)
        {
            tracks = new string[nUnits];
            for (int i = 0; i < nUnits; i++)
            {
                tracks[i] = _unitTracks[order[i]] ?? string.Empty;
            }

            trackNames = tracks.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        }

        var attributes = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        for (int a = 0; a < _attributeNames.Length; a++)
        {
            var column = new string[nUnits];
            for (int i = 0; i < nUnits; i++)
            {
                column[i] = _unitAttributes[order[i]][a] ?? string.Empty;
            }

            attributes[_attributeNames[a]] = column;
        }

        int[] periodOrder = Enumerable.Range(0, _periodKeys.Count).ToArray();
        Period[] keys = _periodKeys.ToArray();
        Array.Sort(keys, periodOrder);
        int[] periodRemap = new int[keys.Length];
        int nCodes = CodeCount;
        int nInd = _scheme.Indicators.Count;
        var periods = new PeriodData[keys.Length];
        int[] local = new int[nUnits];
        for (int pi = 0; pi < keys.Length; pi++)
        {
            periodRemap[periodOrder[pi]] = pi;
            List<Figure> figures = _figures[periodOrder[pi]];
            bool[] present = new bool[nUnits];
            foreach (Figure f in figures)
            {
                present[remap[f.Unit]] = true;
            }

            int count = 0;
            for (int g = 0; g < nUnits; g++)
            {
                if (present[g])
                {
                    local[g] = count++;
                }
            }

            int[] units = new int[count];
            for (int g = 0, k = 0; g < nUnits; g++)
            {
                if (present[g])
                {
                    units[k++] = g;
                }
            }

            var values = new double[nCodes][];
            var seen = new bool[nCodes][];
            for (int c = 0; c < nCodes; c++)
            {
                values[c] = new double[count];
                Array.Fill(values[c], double.NaN);
                seen[c] = new bool[count];
            }

            var targets = new double[nInd][];
            for (int i = 0; i < nInd; i++)
            {
                targets[i] = new double[count];
                Array.Fill(targets[i], double.NaN);
            }

            foreach (Figure f in figures)
            {
                int l = local[remap[f.Unit]];
                if (seen[f.Code][l])
                {
                    string where = keys[pi].Kind == PeriodKind.None ? string.Empty : $" in period {keys[pi]}";
                    throw new DataException(
                        $"duplicate row: unit '{_unitCodes[f.Unit]}', indicator '{CodeName(f.Code)}'{where} appears twice; expected one row per unit, indicator and period",
                        f.Source);
                }

                seen[f.Code][l] = true;
                values[f.Code][l] = f.Value;
                if (f.Code < nInd)
                {
                    targets[f.Code][l] = f.Target;
                }
            }

            periods[pi] = new PeriodData { Period = keys[pi], Units = units, Values = values, Targets = targets };
        }

        var adjustments = new List<Adjustment>(_adjustments.Count);
        foreach (PendingAdjustment a in _adjustments)
        {
            if (!_units.TryGetValue(a.Unit, out int u))
            {
                throw new DataException($"unknown unit '{a.Unit}': it has no figures and is not in the units file", a.Source, "unit");
            }

            int p = -1;
            if (a.Period is not null)
            {
                if (!_periods.TryGetValue(a.Period, out int raw))
                {
                    string known = string.Join(", ", keys.Select(k => k.ToString()));
                    throw new DataException(
                        $"unknown period '{a.Period}': expected one of the data's periods ({known})", a.Source, "period");
                }

                p = periodRemap[raw];
            }

            adjustments.Add(new Adjustment(remap[u], a.Points, p, a.Node, a.Reason));
        }

        // A canonical order, so that the sum of several items on one score does not depend on row order.
        adjustments.Sort(static (a, b) =>
        {
            int c = a.Unit.CompareTo(b.Unit);
            c = c != 0 ? c : a.Node.CompareTo(b.Node);
            c = c != 0 ? c : a.PeriodIndex.CompareTo(b.PeriodIndex);
            return c != 0 ? c : a.Points.CompareTo(b.Points);
        });

        string?[] names = new string?[nUnits];
        for (int i = 0; i < nUnits; i++)
        {
            names[i] = _unitNames[order[i]];
        }

        return new Dataset
        {
            UnitCodes = codes,
            UnitNames = names,
            UnitTracks = tracks,
            Tracks = trackNames,
            Attributes = attributes,
            Periods = periods,
            Adjustments = adjustments,
        };
    }

    private string CodeName(int code) =>
        code < _scheme.Indicators.Count
            ? _scheme.Indicators[code].Code
            : _scheme.DenominatorCodes[code - _scheme.Indicators.Count];

    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
