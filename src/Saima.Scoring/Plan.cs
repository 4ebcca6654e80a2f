namespace Saima.Scoring;

/// <summary>
/// The scheme resolved against a data set: for every track the rule of every step of every node
/// (track override, else the node's own, else the scheme default), the hierarchy as index
/// arrays, and the units' tracks. Built once per scoring run.
/// </summary>
internal sealed class Plan
{
    public required Scheme Scheme { get; init; }
    public required Dataset Data { get; init; }
    public int IndicatorCount => Scheme.Indicators.Count;
    public int GroupCount => Scheme.Groups.Count;
    public int NodeCount => Scheme.NodeCount;

    /// <summary>Number of tracks (1 without tracks).</summary>
    public required int TrackCount { get; init; }
    public required bool HasTracks { get; init; }
    public required bool CompareTrack { get; init; }
    public required string[] TrackNames { get; init; }

    /// <summary>Track index of every global unit (0 without tracks).</summary>
    public required int[] UnitTrack { get; init; }

    public required ImputeStep[][] Impute { get; init; }
    public required TreatStep[][] Treat { get; init; }
    public required NormaliseStep[][] Normalise { get; init; }
    public required AggregateStep[][] Aggregate { get; init; }
    public required WeightingMethod[][] Weighting { get; init; }

    /// <summary>[track][node] given (or overridden) weight.</summary>
    public required double[][] Weight { get; init; }

    /// <summary>[group] child node indices, in node order (indicators, then groups).</summary>
    public required int[][] Children { get; init; }

    /// <summary>[node] parent group index, -1 for the root.</summary>
    public required int[] Parent { get; init; }

    /// <summary>Groups ordered so that every group comes after all of its descendants.</summary>
    public required int[] BottomUp { get; init; }

    /// <summary>[indicator] index of its denominator in <see cref="PeriodData.Values"/>, or -1.</summary>
    public required int[] Denominator { get; init; }

    /// <summary>[track][indicator] attribute column (by global unit) for group imputation, or null.</summary>
    public required string[]?[][] ImputeGroup { get; init; }

    /// <summary>The same plan with other given weights ([track][node]); everything else shared.</summary>
    public Plan WithWeights(double[][] weight) => new()
    {
        Scheme = Scheme,
        Data = Data,
        TrackCount = TrackCount,
        HasTracks = HasTracks,
        CompareTrack = CompareTrack,
        TrackNames = TrackNames,
        UnitTrack = UnitTrack,
        Impute = Impute,
        Treat = Treat,
        Normalise = Normalise,
        Aggregate = Aggregate,
        Weighting = Weighting,
        Weight = weight,
        Children = Children,
        Parent = Parent,
        BottomUp = BottomUp,
        Denominator = Denominator,
        ImputeGroup = ImputeGroup,
    };

    public static Plan Create(Scheme scheme, Dataset data)
    {
        int nInd = scheme.Indicators.Count, nGroups = scheme.Groups.Count, nNodes = scheme.NodeCount;
        bool hasTracks = data.UnitTracks is not null;
        string[] trackNames = hasTracks ? data.Tracks : [string.Empty];
        int nTracks = trackNames.Length;
        var trackIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int t = 0; t < nTracks; t++)
        {
            trackIndex[trackNames[t]] = t;
        }

        int[] unitTrack = new int[data.UnitCodes.Length];
        if (hasTracks)
        {
            for (int u = 0; u < unitTrack.Length; u++)
            {
                unitTrack[u] = trackIndex[data.UnitTracks![u]];
            }
        }

        var overrides = new TrackOverride?[nTracks];
        if (scheme.Tracks is { } ts)
        {
            foreach ((string name, TrackOverride o) in ts.Overrides)
            {
                if (!hasTracks || !trackIndex.TryGetValue(name, out int t))
                {
                    string known = hasTracks
                        ? $"expected one of the units' tracks ({string.Join(", ", trackNames)})"
                        : "the units have no tracks (give a units file with a track column)";
                    throw new SchemeException($"$.tracks.overrides.{name}", $"unknown track '{name}': {known}");
                }

                overrides[t] = o;
            }
        }

        var impute = new ImputeStep[nTracks][];
        var treat = new TreatStep[nTracks][];
        var normalise = new NormaliseStep[nTracks][];
        var aggregate = new AggregateStep[nTracks][];
        var weighting = new WeightingMethod[nTracks][];
        var weight = new double[nTracks][];
        var imputeGroup = new string[]?[nTracks][];
        for (int t = 0; t < nTracks; t++)
        {
            TrackOverride? o = overrides[t];
            impute[t] = new ImputeStep[nInd];
            treat[t] = new TreatStep[nInd];
            normalise[t] = new NormaliseStep[nInd];
            imputeGroup[t] = new string[]?[nInd];
            weight[t] = new double[nNodes];
            for (int i = 0; i < nInd; i++)
            {
                IndicatorDef def = scheme.Indicators[i];
                IndicatorOverride? io = o is not null && o.Indicators.TryGetValue(def.Code, out IndicatorOverride? x) ? x : null;
                impute[t][i] = io?.Impute ?? def.Impute ?? scheme.Steps.Impute;
                treat[t][i] = io?.Treat ?? def.Treat ?? scheme.Steps.Treat;
                normalise[t][i] = scheme.NormaliseFor(i, o is null ? null : trackNames[t]);
                weight[t][i] = o is not null && o.Weights.TryGetValue(def.Code, out double w) ? w : def.Weight;
                if (impute[t][i].Group is { } column)
                {
                    if (!data.Attributes.TryGetValue(column, out string[]? values))
                    {
                        string path = io?.Impute is not null
                            ? $"$.tracks.overrides.{trackNames[t]}.indicators.{def.Code}.impute.group"
                            : def.Impute is not null ? $"$.indicators[{i}].impute.group" : "$.steps.impute.group";
                        throw new SchemeException(path, $"no column '{column}' in the units file; expected the name of one of its text columns");
                    }

                    imputeGroup[t][i] = values;
                }
            }

            aggregate[t] = new AggregateStep[nGroups];
            weighting[t] = new WeightingMethod[nGroups];
            for (int g = 0; g < nGroups; g++)
            {
                GroupDef def = scheme.Groups[g];
                string? track = o is null ? null : trackNames[t];
                aggregate[t][g] = scheme.AggregateFor(g, track);
                weighting[t][g] = scheme.WeightingFor(g, track);
                weight[t][nInd + g] = o is not null && o.Weights.TryGetValue(def.Code, out double w) ? w : def.Weight;
            }
        }

        var groupIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int g = 0; g < nGroups; g++)
        {
            groupIndex[scheme.Groups[g].Code] = g;
        }

        int[] parent = new int[nNodes];
        var children = new List<int>[nGroups];
        for (int g = 0; g < nGroups; g++)
        {
            children[g] = [];
        }

        for (int node = 0; node < nNodes; node++)
        {
            string? p = node < nInd ? scheme.Indicators[node].Parent : scheme.Groups[node - nInd].Parent;
            parent[node] = p is null ? -1 : groupIndex[p];
            if (p is not null)
            {
                children[parent[node]].Add(node);
            }
        }

        // Depth-first post-order from the root: children before parents.
        var order = new List<int>(nGroups);
        Visit(scheme.RootGroup);

        void Visit(int g)
        {
            foreach (int c in children[g])
            {
                if (c >= nInd)
                {
                    Visit(c - nInd);
                }
            }

            order.Add(g);
        }

        var denominator = new int[nInd];
        for (int i = 0; i < nInd; i++)
        {
            string? d = scheme.Indicators[i].Denominator;
            if (d is null)
            {
                denominator[i] = -1;
                continue;
            }

            int idx = -1;
            for (int k = 0; k < nInd && idx < 0; k++)
            {
                if (string.Equals(scheme.Indicators[k].Code, d, StringComparison.Ordinal))
                {
                    idx = k;
                }
            }

            for (int k = 0; k < scheme.DenominatorCodes.Count && idx < 0; k++)
            {
                if (string.Equals(scheme.DenominatorCodes[k], d, StringComparison.Ordinal))
                {
                    idx = nInd + k;
                }
            }

            denominator[i] = idx;
        }

        return new Plan
        {
            Scheme = scheme,
            Data = data,
            TrackCount = nTracks,
            HasTracks = hasTracks,
            CompareTrack = hasTracks && scheme.Tracks?.Compare == CompareScope.Track,
            TrackNames = trackNames,
            UnitTrack = unitTrack,
            Impute = impute,
            Treat = treat,
            Normalise = normalise,
            Aggregate = aggregate,
            Weighting = weighting,
            Weight = weight,
            Children = children.Select(c => c.ToArray()).ToArray(),
            Parent = parent,
            BottomUp = order.ToArray(),
            Denominator = denominator,
            ImputeGroup = imputeGroup,
        };
    }
}
