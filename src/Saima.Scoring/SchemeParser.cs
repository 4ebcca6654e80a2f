using System.Globalization;
using System.Text.Json;

namespace Saima.Scoring;

/// <summary>
/// Reads a scheme from JSON and validates it whole: unknown keys, wrong types, missing or
/// out-of-range parameters, unknown codes, a cycle or two roots in the hierarchy. Every refusal
/// names the JSON path (<c>$.indicators[3].normalise.range</c>) and what was expected.
/// </summary>
public static partial class SchemeParser
{
    /// <summary>Parses and validates a scheme. Throws <see cref="SchemeException"/> naming the JSON path.</summary>
    public static Scheme Parse(string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException ex)
        {
            long line = (ex.LineNumber ?? 0) + 1;
            long col = (ex.BytePositionInLine ?? 0) + 1;
            throw new SchemeException("$", $"not valid JSON at line {line}, column {col}: {FirstSentence(ex.Message)}");
        }

        using (doc)
        {
            return Read(new Node(doc.RootElement, "$"));
        }
    }

    private static string FirstSentence(string message)
    {
        int i = message.IndexOf(" LineNumber", StringComparison.Ordinal);
        return (i > 0 ? message[..i] : message).TrimEnd('.', ' ');
    }

    private static Scheme Read(Node root)
    {
        root.Object("name", "steps", "indicators", "groups", "tracks", "ranking", "warnings");
        string name = root.Get("name") is { } n ? n.String() : string.Empty;

        Steps steps = root.Get("steps") is { } s ? ReadSteps(s) : new Steps();

        Node indicatorsNode = root.Required("indicators", "an array of indicators");
        var indicators = new List<IndicatorDef>();
        foreach (Node item in indicatorsNode.Array())
        {
            indicators.Add(ReadIndicator(item));
        }

        if (indicators.Count == 0)
        {
            throw indicatorsNode.Error("expected at least one indicator");
        }

        Node groupsNode = root.Required("groups", "an array of groups");
        var groups = new List<GroupDef>();
        foreach (Node item in groupsNode.Array())
        {
            groups.Add(ReadGroup(item));
        }

        if (groups.Count == 0)
        {
            throw groupsNode.Error("expected at least one group (the root)");
        }

        int root0 = CheckHierarchy(indicators, groups);

        var denominators = new List<string>();
        var indicatorCodes = indicators.Select(i => i.Code).ToHashSet(StringComparer.Ordinal);
        var groupCodes = groups.Select(g => g.Code).ToHashSet(StringComparer.Ordinal);
        for (int i = 0; i < indicators.Count; i++)
        {
            string? d = indicators[i].Denominator;
            if (d is null)
            {
                continue;
            }

            if (groupCodes.Contains(d))
            {
                throw new SchemeException($"$.indicators[{i}].denominator", $"'{d}' is a group; expected the code of a figure in the data");
            }

            if (string.Equals(d, indicators[i].Code, StringComparison.Ordinal))
            {
                throw new SchemeException($"$.indicators[{i}].denominator", $"indicator '{d}' cannot be its own denominator; expected the code of another figure in the data");
            }

            if (!indicatorCodes.Contains(d) && !denominators.Contains(d, StringComparer.Ordinal))
            {
                denominators.Add(d);
            }
        }

        var transforms = indicators.ToDictionary(i => i.Code, i => i.Transform, StringComparer.Ordinal);
        TrackSettings? tracks = root.Get("tracks") is { } t ? ReadTracks(t, transforms, groupCodes) : null;

        int? roundTo = null;
        if (root.Get("ranking") is { } ranking)
        {
            ranking.Object("roundTo");
            if (ranking.Get("roundTo") is { } r && !r.IsNull)
            {
                roundTo = r.Int(0, 15);
            }
        }

        List<WarningRule>? rules = null;
        if (root.Get("warnings") is { } warnings)
        {
            warnings.Object("rules");
            Node rulesNode = warnings.Required("rules", "an array of rules");
            rules = [];
            foreach (Node rule in rulesNode.Array())
            {
                rule.Object("level", "minGap");
                string level = rule.Required("level", "a level name such as \"red\"").String();
                double? minGap = rule.Get("minGap") is { IsNull: false } g ? g.Number() : null;
                rules.Add(new WarningRule(level, minGap));
            }

            if (rules.Count == 0)
            {
                throw rulesNode.Error("expected at least one rule");
            }
        }

        return new Scheme
        {
            Name = name,
            Steps = steps,
            Indicators = indicators,
            Groups = groups,
            Tracks = tracks,
            RoundTo = roundTo,
            WarningRules = rules,
            DenominatorCodes = denominators,
            RootGroup = root0,
        };
    }

    private static Steps ReadSteps(Node s)
    {
        s.Object("screen", "impute", "treat", "normalise", "aggregate");
        ScreenStep? screen = null;
        if (s.Get("screen") is { IsNull: false } sc)
        {
            sc.Object("minDataShare");
            screen = new ScreenStep(sc.Required("minDataShare", "a share between 0 and 1").Number(0, 1));
        }

        return new Steps
        {
            Screen = screen,
            Impute = s.Get("impute") is { } i ? ReadImpute(i) : ImputeStep.None,
            Treat = s.Get("treat") is { } t ? ReadTreat(t) : TreatStep.None,
            Normalise = s.Get("normalise") is { } n ? ReadNormalise(n, Transform.None) : NormaliseStep.DefaultMinMax,
            Aggregate = s.Get("aggregate") is { } a ? ReadAggregate(a) : AggregateStep.Arithmetic,
        };
    }

    private static IndicatorDef ReadIndicator(Node n)
    {
        n.Object("code", "name", "name_en", "parent", "weight", "direction", "denominator", "transform", "cumulative", "impute", "treat", "normalise");
        Transform transform = n.Get("transform") is { } t
            ? t.Enum("transform", ("none", Transform.None), ("ln", Transform.Ln), ("log10", Transform.Log10), ("sqrt", Transform.Sqrt))
            : Transform.None;
        int direction = 1;
        if (n.Get("direction") is { } d)
        {
            double v = d.Number();
            direction = v switch
            {
                1 => 1,
                -1 => -1,
                _ => throw d.Error("expected 1 (higher is better) or -1 (lower is better)"),
            };
        }

        return new IndicatorDef
        {
            Code = n.Required("code", "the indicator's code").Code(),
            Name = n.Get("name") is { IsNull: false } nm ? nm.String() : null,
            NameEn = n.Get("name_en") is { IsNull: false } en ? en.String() : null,
            Parent = n.Required("parent", "the code of the group it belongs to").Code(),
            Weight = n.Get("weight") is { } w ? w.Weight() : 1,
            Direction = direction,
            Denominator = n.Get("denominator") is { IsNull: false } den ? den.Code() : null,
            Transform = transform,
            Cumulative = n.Get("cumulative") is { } c && c.Bool(),
            Impute = n.Get("impute") is { } i ? ReadImpute(i) : null,
            Treat = n.Get("treat") is { } tr ? ReadTreat(tr) : null,
            Normalise = n.Get("normalise") is { } no ? ReadNormalise(no, transform) : null,
        };
    }

    private static GroupDef ReadGroup(Node n)
    {
        n.Object("code", "name", "name_en", "parent", "weight", "aggregate", "weights", "minDataShare");
        return new GroupDef
        {
            Code = n.Required("code", "the group's code").Code(),
            Name = n.Get("name") is { IsNull: false } nm ? nm.String() : null,
            NameEn = n.Get("name_en") is { IsNull: false } en ? en.String() : null,
            Parent = n.Get("parent") is { IsNull: false } p ? p.Code() : null,
            Weight = n.Get("weight") is { } w ? w.Weight() : 1,
            Aggregate = n.Get("aggregate") is { } a ? ReadAggregate(a) : null,
            Weights = n.Get("weights") is { } ws ? ReadWeighting(ws) : WeightingMethod.Given,
            MinDataShare = n.Get("minDataShare") is { } m ? m.Number(0, 1) : 0,
        };
    }

    private static WeightingMethod ReadWeighting(Node n) =>
        n.Enum("weighting", ("given", WeightingMethod.Given), ("equal", WeightingMethod.Equal), ("entropy", WeightingMethod.Entropy));

    private static ImputeStep ReadImpute(Node n)
    {
        n.ExpectObject();
        Node m = n.Required("method", "an imputation method");
        ImputeMethod method = m.Enum(
            "imputation method",
            ("none", ImputeMethod.None),
            ("mean", ImputeMethod.Mean),
            ("median", ImputeMethod.Median),
            ("groupMean", ImputeMethod.GroupMean),
            ("groupMedian", ImputeMethod.GroupMedian),
            ("zero", ImputeMethod.Zero),
            ("previous", ImputeMethod.Previous));
        if (method is ImputeMethod.GroupMean or ImputeMethod.GroupMedian)
        {
            n.Object("method", "group");
            return new ImputeStep(method, n.Required("group", "the name of a column of the units file").Code());
        }

        n.Object("method");
        return new ImputeStep(method);
    }

    private static TreatStep ReadTreat(Node n)
    {
        n.ExpectObject();
        Node m = n.Required("method", "none or winsorise");
        TreatMethod method = m.Enum("treatment", ("none", TreatMethod.None), ("winsorise", TreatMethod.Winsorise));
        if (method == TreatMethod.None)
        {
            n.Object("method");
            return TreatStep.None;
        }

        n.Object("method", "skew", "kurtosis", "maxPoints", "fallback");
        return new TreatStep(
            method,
            n.Get("skew") is { } s ? s.Number(0, double.MaxValue) : 2,
            n.Get("kurtosis") is { } k ? k.Number(double.MinValue, double.MaxValue) : 3.5,
            n.Get("maxPoints") is { } p ? p.Int(0, int.MaxValue) : 5,
            n.Get("fallback") is { } f ? f.Enum("fallback", ("log", TreatFallback.Log), ("none", TreatFallback.None)) : TreatFallback.Log);
    }

    private static AggregateStep ReadAggregate(Node n)
    {
        n.ExpectObject();
        n.Object("method");
        return new AggregateStep(n.Required("method", "an aggregation method").Enum(
            "aggregation method",
            ("arithmetic", AggregateMethod.Arithmetic),
            ("sum", AggregateMethod.Sum),
            ("geometric", AggregateMethod.Geometric),
            ("harmonic", AggregateMethod.Harmonic),
            ("median", AggregateMethod.Median),
            ("topsis", AggregateMethod.Topsis),
            ("copeland", AggregateMethod.Copeland)));
    }

    private static NormaliseStep ReadNormalise(Node n, Transform transform)
    {
        n.ExpectObject();
        NormaliseMethod method = n.Required("method", "a normalisation method").Enum(
            "normalisation method",
            ("none", NormaliseMethod.None),
            ("minmax", NormaliseMethod.MinMax),
            ("zscore", NormaliseMethod.ZScore),
            ("vector", NormaliseMethod.Vector),
            ("goalposts", NormaliseMethod.Goalposts),
            ("rank", NormaliseMethod.Rank),
            ("target", NormaliseMethod.Target),
            ("completion", NormaliseMethod.Completion),
            ("rankPoints", NormaliseMethod.RankPoints),
            ("tiers", NormaliseMethod.Tiers),
            ("leaderRatio", NormaliseMethod.LeaderRatio));
        var step = new NormaliseStep(method);
        switch (method)
        {
            case NormaliseMethod.None:
            case NormaliseMethod.Vector:
            case NormaliseMethod.Rank:
                n.Object("method");
                return step;
            case NormaliseMethod.MinMax:
            {
                n.Object("method", "range");
                double lo = 0, hi = 100;
                if (n.Get("range") is { } r)
                {
                    double[] range = r.Numbers();
                    if (range.Length != 2 || !(range[0] < range[1]))
                    {
                        throw r.Error("expected two numbers [low, high] with low < high");
                    }

                    (lo, hi) = (range[0], range[1]);
                }

                return step with { Low = lo, High = hi };
            }

            case NormaliseMethod.ZScore:
                n.Object("method", "mean", "sd");
                return step with
                {
                    Mean = n.Get("mean") is { } mean ? mean.Number() : 0,
                    Sd = n.Get("sd") is { } sd ? sd.Positive() : 1,
                };
            case NormaliseMethod.Goalposts:
            {
                n.Object("method", "min", "max", "scale", "clamp");
                Node minNode = n.Required("min", "the lower goalpost");
                Node maxNode = n.Required("max", "the upper goalpost");
                double min = minNode.Number(), max = maxNode.Number();
                double tmin = TransformBound(minNode, min, transform), tmax = TransformBound(maxNode, max, transform);
                if (tmin == tmax)
                {
                    throw maxNode.Error("expected max different from min");
                }

                return step with
                {
                    Min = tmin,
                    Max = tmax,
                    Scale = n.Get("scale") is { } sc ? sc.Number() : 1,
                    Clamp = n.Get("clamp") is not { } cl || cl.Bool(),
                };
            }

            case NormaliseMethod.Target:
                n.Object("method", "cap", "scale");
                return step with
                {
                    Cap = n.Get("cap") is { } cap ? cap.Number() : 1,
                    Scale = n.Get("scale") is { } sc2 ? sc2.Number() : 100,
                };
            case NormaliseMethod.Completion:
            {
                n.Object("method", "full", "atTarget", "perPoint", "cap", "floor", "basis");
                return step with
                {
                    Full = n.Required("full", "the full marks").Number(),
                    AtTarget = n.Required("atTarget", "the share of full marks at target, e.g. 0.8").Number(),
                    PerPoint = n.Required("perPoint", "the points per percentage point above or below target").Number(),
                    Cap = n.Required("cap", "the maximum share of full marks, e.g. 1.2").Number(),
                    Floor = n.Get("floor") is { } f ? f.Number() : 0,
                    Basis = n.Get("basis") is { } b
                        ? b.Enum("basis", ("ratio", CompletionBasis.Ratio), ("difference", CompletionBasis.Difference))
                        : CompletionBasis.Ratio,
                };
            }

            case NormaliseMethod.RankPoints:
                n.Object("method", "first", "step", "floor");
                return step with
                {
                    First = n.Required("first", "the points of place 1").Number(),
                    Step = n.Required("step", "the points lost per place").Number(),
                    Floor = n.Get("floor") is { } f2 ? f2.Number() : 0,
                };
            case NormaliseMethod.Tiers:
            {
                n.Object("method", "bounds", "points");
                Node boundsNode = n.Required("bounds", "ascending band bounds");
                double[] bounds = boundsNode.Numbers();
                if (bounds.Length == 0)
                {
                    throw boundsNode.Error("expected at least one bound");
                }

                for (int i = 0; i < bounds.Length; i++)
                {
                    bounds[i] = TransformBound(boundsNode.Item(i), bounds[i], transform);
                    if (i > 0 && !(bounds[i] > bounds[i - 1]))
                    {
                        throw boundsNode.Item(i).Error("expected bounds in strictly ascending order");
                    }
                }

                Node pointsNode = n.Required("points", "the points of each band");
                double[] points = pointsNode.Numbers();
                if (points.Length != bounds.Length + 1)
                {
                    throw pointsNode.Error($"expected {bounds.Length + 1} numbers (one more than bounds), found {points.Length}");
                }

                return step with { Bounds = bounds, Points = points };
            }

            case NormaliseMethod.LeaderRatio:
                n.Object("method", "full");
                return step with { Full = n.Required("full", "the full marks").Number() };
            default:
                throw n.Error("unsupported method");
        }
    }

    private static double TransformBound(Node at, double x, Transform transform)
    {
        double y = Transforms.Apply(transform, x);
        if (double.IsNaN(y) || double.IsInfinity(y))
        {
            throw at.Error($"{x.ToString("R", CultureInfo.InvariantCulture)} is outside the domain of the indicator's transform {Transforms.Name(transform)}; expected a number {(transform == Transform.Sqrt ? "≥ 0" : "> 0")}");
        }

        return y;
    }

    private static TrackSettings ReadTracks(Node t, Dictionary<string, Transform> transforms, HashSet<string> groupCodes)
    {
        t.Object("compare", "overrides", "name_en");
        CompareScope compare = t.Get("compare") is { } c
            ? c.Enum("compare", ("all", CompareScope.All), ("track", CompareScope.Track))
            : CompareScope.All;
        var overrides = new Dictionary<string, TrackOverride>(StringComparer.Ordinal);
        if (t.Get("overrides") is { } o)
        {
            foreach ((string track, Node tn) in o.Properties())
            {
                tn.Object("weights", "indicators", "groups");
                var weights = new Dictionary<string, double>(StringComparer.Ordinal);
                if (tn.Get("weights") is { } w)
                {
                    foreach ((string code, Node wn) in w.Properties())
                    {
                        if (!transforms.ContainsKey(code) && !groupCodes.Contains(code))
                        {
                            throw wn.Error($"unknown code '{code}': expected an indicator or group of the scheme");
                        }

                        weights[code] = wn.Weight();
                    }
                }

                var inds = new Dictionary<string, IndicatorOverride>(StringComparer.Ordinal);
                if (tn.Get("indicators") is { } iNode)
                {
                    foreach ((string code, Node io) in iNode.Properties())
                    {
                        if (!transforms.TryGetValue(code, out Transform transform))
                        {
                            throw io.Error($"unknown indicator '{code}'; expected the code of an indicator of the scheme");
                        }

                        io.Object("normalise", "impute", "treat");
                        inds[code] = new IndicatorOverride(
                            io.Get("normalise") is { } no ? ReadNormalise(no, transform) : null,
                            io.Get("impute") is { } im ? ReadImpute(im) : null,
                            io.Get("treat") is { } tr ? ReadTreat(tr) : null);
                    }
                }

                var grps = new Dictionary<string, GroupOverride>(StringComparer.Ordinal);
                if (tn.Get("groups") is { } gNode)
                {
                    foreach ((string code, Node go) in gNode.Properties())
                    {
                        if (!groupCodes.Contains(code))
                        {
                            throw go.Error($"unknown group '{code}'; expected the code of a group of the scheme");
                        }

                        go.Object("aggregate", "weights");
                        grps[code] = new GroupOverride(
                            go.Get("aggregate") is { } ag ? ReadAggregate(ag) : null,
                            go.Get("weights") is { } ws ? ReadWeighting(ws) : null);
                    }
                }

                overrides[track] = new TrackOverride { Weights = weights, Indicators = inds, Groups = grps };
            }
        }

        var namesEn = new Dictionary<string, string>(StringComparer.Ordinal);
        if (t.Get("name_en") is { } names)
        {
            foreach ((string track, Node nn) in names.Properties())
            {
                namesEn[track] = nn.String();
            }
        }

        return new TrackSettings { Compare = compare, Overrides = overrides, NamesEn = namesEn };
    }

    private static int CheckHierarchy(List<IndicatorDef> indicators, List<GroupDef> groups)
    {
        var groupIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int g = 0; g < groups.Count; g++)
        {
            if (!groupIndex.TryAdd(groups[g].Code, g))
            {
                throw new SchemeException($"$.groups[{g}].code", $"duplicate code '{groups[g].Code}'; expected each code once");
            }
        }

        var indicatorIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < indicators.Count; i++)
        {
            string code = indicators[i].Code;
            if (!indicatorIndex.TryAdd(code, i) || groupIndex.ContainsKey(code))
            {
                throw new SchemeException($"$.indicators[{i}].code", $"duplicate code '{code}'; expected each code once among indicators and groups");
            }
        }

        var childCount = new int[groups.Count];
        for (int i = 0; i < indicators.Count; i++)
        {
            string parent = indicators[i].Parent;
            if (!groupIndex.TryGetValue(parent, out int g))
            {
                string what = indicatorIndex.ContainsKey(parent) ? $"'{parent}' is an indicator" : $"unknown group '{parent}'";
                throw new SchemeException($"$.indicators[{i}].parent", $"{what}; expected the code of a group");
            }

            childCount[g]++;
        }

        int root = -1;
        for (int g = 0; g < groups.Count; g++)
        {
            string? parent = groups[g].Parent;
            if (parent is null)
            {
                if (root >= 0)
                {
                    throw new SchemeException(
                        $"$.groups[{g}].parent",
                        $"group '{groups[g].Code}' has no parent, nor has '{groups[root].Code}': expected exactly one root");
                }

                root = g;
                continue;
            }

            if (!groupIndex.TryGetValue(parent, out int p))
            {
                string what = indicatorIndex.ContainsKey(parent) ? $"'{parent}' is an indicator" : $"unknown group '{parent}'";
                throw new SchemeException($"$.groups[{g}].parent", $"{what}; expected the code of a group");
            }

            childCount[p]++;
        }

        if (root < 0)
        {
            throw new SchemeException("$.groups", "every group has a parent: expected exactly one root (a group without parent)");
        }

        // Every group must reach the root; a walk longer than the number of groups is a cycle.
        for (int g = 0; g < groups.Count; g++)
        {
            int at = g;
            for (int steps = 0; groups[at].Parent is { } parent; steps++)
            {
                if (steps > groups.Count)
                {
                    throw new SchemeException($"$.groups[{g}].parent", $"group '{groups[g].Code}' is in a cycle of parents; expected a tree under one root");
                }

                at = groupIndex[parent];
            }
        }

        for (int g = 0; g < groups.Count; g++)
        {
            if (childCount[g] == 0)
            {
                throw new SchemeException($"$.groups[{g}]", $"group '{groups[g].Code}' has no children; expected at least one indicator or group under it");
            }
        }

        return root;
    }

    /// <summary>A JSON element with its path, and typed readers that refuse with that path.</summary>
    private readonly struct Node(JsonElement element, string path)
    {
        public string Path => path;

        public bool IsNull => element.ValueKind == JsonValueKind.Null;

        public SchemeException Error(string message) => new(path, message);

        public void ExpectObject()
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw Error($"expected an object such as {{ \"method\": ... }}, found {Kind()}");
            }
        }

        public void Object(params string[] allowed)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw Error($"expected an object, found {Kind()}");
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty p in element.EnumerateObject())
            {
                if (System.Array.IndexOf(allowed, p.Name) < 0)
                {
                    throw new SchemeException($"{path}.{p.Name}", $"unknown key '{p.Name}'; expected one of: {string.Join(", ", allowed)}");
                }

                if (!seen.Add(p.Name))
                {
                    throw new SchemeException($"{path}.{p.Name}", $"key '{p.Name}' appears twice");
                }
            }
        }

        public IEnumerable<(string Name, Node Value)> Properties()
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw Error($"expected an object, found {Kind()}");
            }

            var list = new List<(string, Node)>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty p in element.EnumerateObject())
            {
                if (!seen.Add(p.Name))
                {
                    throw new SchemeException($"{path}.{p.Name}", $"key '{p.Name}' appears twice");
                }

                list.Add((p.Name, new Node(p.Value, $"{path}.{p.Name}")));
            }

            return list;
        }

        public Node? Get(string key) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(key, out JsonElement v)
                ? new Node(v, $"{path}.{key}")
                : null;

        public Node Required(string key, string what) =>
            Get(key) is { IsNull: false } n ? n : throw new SchemeException($"{path}.{key}", $"missing; expected {what}");

        public IEnumerable<Node> Array()
        {
            if (element.ValueKind != JsonValueKind.Array)
            {
                throw Error($"expected an array, found {Kind()}");
            }

            var list = new List<Node>();
            int i = 0;
            foreach (JsonElement e in element.EnumerateArray())
            {
                list.Add(new Node(e, $"{path}[{i++}]"));
            }

            return list;
        }

        public Node Item(int i) => new(element[i], $"{path}[{i}]");

        public string String()
        {
            if (element.ValueKind != JsonValueKind.String)
            {
                throw Error($"expected a string, found {Kind()}");
            }

            return element.GetString()!;
        }

        public string Code()
        {
            string s = String();
            if (s.Trim().Length == 0)
            {
                throw Error("expected a non-empty code");
            }

            return s;
        }

        public bool Bool() => element.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error($"expected true or false, found {Kind()}"),
        };

        public double Number()
        {
            if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out double v) || !double.IsFinite(v))
            {
                throw Error($"expected a finite number, found {Kind()}");
            }

            return v;
        }

        public double Number(double min, double max)
        {
            double v = Number();
            if (v < min || v > max)
            {
                throw Error($"expected a number between {Text(min)} and {Text(max)}, found {Text(v)}");
            }

            return v;
        }

        public double Positive()
        {
            double v = Number();
            return v > 0 ? v : throw Error($"expected a positive number, found {Text(v)}");
        }

        public double Weight()
        {
            double v = Number();
            return v >= 0 ? v : throw Error($"expected a weight ≥ 0, found {Text(v)}");
        }

        public int Int(int min, int max)
        {
            double v = Number();
            if (v != Math.Floor(v) || v < min || v > max)
            {
                throw Error($"expected a whole number between {min} and {max}, found {Text(v)}");
            }

            return (int)v;
        }

        public double[] Numbers()
        {
            var list = new List<double>();
            foreach (Node n in Array())
            {
                list.Add(n.Number());
            }

            return list.ToArray();
        }

        public T Enum<T>(string what, params (string Name, T Value)[] options)
        {
            string s = String();
            foreach ((string name, T value) in options)
            {
                if (string.Equals(name, s, StringComparison.Ordinal))
                {
                    return value;
                }
            }

            throw Error($"unknown {what} '{s}'; expected one of: {string.Join(", ", options.Select(o => o.Name))}");
        }

        private string Kind() => element.ValueKind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.String => $"the string \"{element.GetString()}\"",
            JsonValueKind.Number => $"the number {element.GetRawText()}",
            JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
            JsonValueKind.Null => "null",
            _ => "nothing",
        };

        private static string Text(double v) => v.ToString("R", CultureInfo.InvariantCulture);
    }
}
