namespace Saima.Scoring.Tests;

/// <summary>
/// Every refusal names the exact JSON path and says what was expected. Schemes are written with
/// single quotes for readability.
/// </summary>
public class SchemeParserTests
{
    private const string Root = "'groups':[{'code':'R'}]";

    private static string One(string indicatorExtra) => "{'indicators':[{'code':'X','parent':'R'" + indicatorExtra + "}]," + Root + "}";

    private static string Norm(string normalise, string more = "") => One(",'normalise':" + normalise + more);

    /// <summary>Bad schemes: the JSON, the exact path of the refusal, and a fragment of its message.</summary>
    public static TheoryData<string, string, string> BadSchemes => new()
    {
        // Unknown keys at several depths.
        { "{'indicators':[{'code':'X','parent':'R'}]," + Root + ",'foo':1}", "$.foo", "unknown key 'foo'" },
        { "{'indicators':[{'code':'X','parent':'R','wieght':2}]," + Root + "}", "$.indicators[0].wieght", "unknown key 'wieght'" },
        { "{'indicators':[{'code':'X','parent':'R','normalise':{'method':'minmax','rnage':[0,1]}}]," + Root + "}", "$.indicators[0].normalise.rnage", "expected one of: method, range" },
        { "{'steps':{'treat':{'method':'winsorise','skw':2}},'indicators':[{'code':'X','parent':'R'}]," + Root + "}", "$.steps.treat.skw", "unknown key 'skw'" },
        { "{'steps':{'screening':null},'indicators':[{'code':'X','parent':'R'}]," + Root + "}", "$.steps.screening", "unknown key" },
        { "{'indicators':[{'code':'X','parent':'R'}],'groups':[{'code':'R','aggregate':{'method':'sum','x':1}}]}", "$.groups[0].aggregate.x", "unknown key 'x'" },
        { "{'indicators':[{'code':'X','parent':'R'}]," + Root + ",'tracks':{'overrides':{'city':{'indicators':{'X':{'normalise':{'method':'rank','range':[0,1]}}}}}}}", "$.tracks.overrides.city.indicators.X.normalise.range", "unknown key 'range'" },
        { "{'indicators':[{'code':'X','parent':'R'}]," + Root + ",'warnings':{'rules':[{'level':'red','gap':1}]}}", "$.warnings.rules[0].gap", "unknown key 'gap'" },
        // Wrong types.
        { "{'indicators':[{'code':'X','parent':'R','weight':'2'}]," + Root + "}", "$.indicators[0].weight", "expected a finite number" },
        { "{'indicators':{'code':'X'}," + Root + "}", "$.indicators", "expected an array" },
        { "{'indicators':[{'code':'X','parent':'R','cumulative':'yes'}]," + Root + "}", "$.indicators[0].cumulative", "expected true or false" },
        { "{'indicators':[{'code':7,'parent':'R'}]," + Root + "}", "$.indicators[0].code", "expected a string" },
        { "{'indicators':[{'code':'X','parent':'R','name_en':3}]," + Root + "}", "$.indicators[0].name_en", "expected a string" },
        { "{'indicators':[{'code':'X','parent':'R'}],'groups':[{'code':'R','name_en':['Total']}]}", "$.groups[0].name_en", "expected a string" },
        { "{'indicators':[{'code':'X','parent':'R'}]," + Root + ",'tracks':{'name_en':{'县':1}}}", "$.tracks.name_en.县", "expected a string" },
        { "{'indicators':[{'code':'X','parent':'R','normalise':'minmax'}]," + Root + "}", "$.indicators[0].normalise", "expected an object" },
        { "[]", "$", "expected an object" },
        { "{'indicators':[{'code':'X','parent':'R','impute':'mean'}]," + Root + "}", "$.indicators[0].impute", "expected an object" },
        { "{'indicators':[{'code':'X','parent':'R','treat':'winsorise'}]," + Root + "}", "$.indicators[0].treat", "expected an object" },
        { "{'steps':{'normalise':'rank'},'indicators':[{'code':'X','parent':'R'}]," + Root + "}", "$.steps.normalise", "expected an object" },
        // Missing required parameters.
        { "{'indicators':[{'code':'X','parent':'R','normalise':{'method':'completion','atTarget':0.8,'perPoint':0.5,'cap':1.2}}]," + Root + "}", "$.indicators[0].normalise.full", "missing; expected the full marks" },
        { "{'indicators':[{'code':'X','parent':'R','normalise':{'method':'goalposts','min':0}}]," + Root + "}", "$.indicators[0].normalise.max", "missing; expected the upper goalpost" },
        { "{'indicators':[{'code':'X','parent':'R','normalise':{'method':'rankPoints','first':10}}]," + Root + "}", "$.indicators[0].normalise.step", "missing; expected" },
        { "{'indicators':[{'code':'X','parent':'R','normalise':{'method':'leaderRatio'}}]," + Root + "}", "$.indicators[0].normalise.full", "missing; expected" },
        { "{'indicators':[{'code':'X','parent':'R','impute':{'method':'groupMean'}}]," + Root + "}", "$.indicators[0].impute.group", "missing; expected the name of a column" },
        { "{'indicators':[{'code':'X','parent':'R','normalise':{}}]," + Root + "}", "$.indicators[0].normalise.method", "missing; expected a normalisation method" },
        { "{'indicators':[{'code':'X'}]," + Root + "}", "$.indicators[0].parent", "missing; expected the code of the group" },
        { "{" + Root + "}", "$.indicators", "missing; expected an array of indicators" },
        // Out of range.
        { "{'indicators':[{'code':'X','parent':'R','normalise':{'method':'minmax','range':[5,1]}}]," + Root + "}", "$.indicators[0].normalise.range", "expected two numbers [low, high] with low < high" },
        { "{'indicators':[{'code':'X','parent':'R','normalise':{'method':'minmax','range':[0,1,2]}}]," + Root + "}", "$.indicators[0].normalise.range", "low < high" },
        { "{'indicators':[{'code':'X','parent':'R','normalise':{'method':'tiers','bounds':[60,80],'points':[0,5]}}]," + Root + "}", "$.indicators[0].normalise.points", "expected 3 numbers (one more than bounds), found 2" },
        { "{'indicators':[{'code':'X','parent':'R','normalise':{'method':'tiers','bounds':[60,60],'points':[0,5,9]}}]," + Root + "}", "$.indicators[0].normalise.bounds[1]", "strictly ascending" },
        { "{'indicators':[{'code':'X','parent':'R','direction':2}]," + Root + "}", "$.indicators[0].direction", "expected 1 (higher is better) or -1" },
        { "{'indicators':[{'code':'X','parent':'R','normalise':{'method':'zscore','sd':0}}]," + Root + "}", "$.indicators[0].normalise.sd", "expected a positive number" },
        { "{'steps':{'screen':{'minDataShare':1.5}},'indicators':[{'code':'X','parent':'R'}]," + Root + "}", "$.steps.screen.minDataShare", "expected a number between 0 and 1" },
        { "{'indicators':[{'code':'X','parent':'R'}],'groups':[{'code':'R','minDataShare':-0.1}]}", "$.groups[0].minDataShare", "between 0 and 1" },
        { "{'indicators':[{'code':'X','parent':'R'}]," + Root + ",'ranking':{'roundTo':2.5}}", "$.ranking.roundTo", "expected a whole number" },
        { "{'indicators':[{'code':'X','parent':'R','normalise':{'method':'softmax'}}]," + Root + "}", "$.indicators[0].normalise.method", "unknown normalisation method 'softmax'; expected one of" },
        { "{'indicators':[{'code':'X','parent':'R'}],'groups':[{'code':'R','weights':'heavy'}]}", "$.groups[0].weights", "expected one of: given, equal, entropy" },
        { "{'indicators':[{'code':'X','parent':'R','transform':'exp'}]," + Root + "}", "$.indicators[0].transform", "expected one of: none, ln, log10, sqrt" },
        { "{'indicators':[{'code':'X','parent':'R','weight':-1}]," + Root + "}", "$.indicators[0].weight", "expected a weight ≥ 0, found -1" },
        { "{'indicators':[{'code':'X','parent':'R'}],'groups':[{'code':'R','weight':-0.5}]}", "$.groups[0].weight", "expected a weight ≥ 0" },
        // Hierarchy.
        { "{'indicators':[{'code':'X','parent':'R'},{'code':'Y','parent':'S'}],'groups':[{'code':'R'},{'code':'S'}]}", "$.groups[1].parent", "expected exactly one root" },
        { "{'indicators':[{'code':'X','parent':'A'},{'code':'Y','parent':'R'}],'groups':[{'code':'R'},{'code':'A','parent':'B'},{'code':'B','parent':'A'}]}", "$.groups[1].parent", "cycle" },
        { "{'indicators':[{'code':'X','parent':'A'}],'groups':[{'code':'A','parent':'A'}]}", "$.groups", "expected exactly one root" },
        { "{'indicators':[{'code':'X','parent':'Q'}]," + Root + "}", "$.indicators[0].parent", "unknown group 'Q'; expected the code of a group" },
        { "{'indicators':[{'code':'X','parent':'R'},{'code':'Y','parent':'X'}]," + Root + "}", "$.indicators[1].parent", "'X' is an indicator; expected the code of a group" },
        { "{'indicators':[{'code':'X','parent':'R'}],'groups':[{'code':'R'},{'code':'E','parent':'R'}]}", "$.groups[1]", "group 'E' has no children; expected at least one" },
        { "{'indicators':[{'code':'X','parent':'R'},{'code':'X','parent':'R'}]," + Root + "}", "$.indicators[1].code", "duplicate code 'X'" },
        { "{'indicators':[{'code':'R','parent':'R'}]," + Root + "}", "$.indicators[0].code", "duplicate code 'R'" },
        { "{'indicators':[{'code':'X','parent':'R'}],'groups':[{'code':'R'},{'code':'R','parent':'R'}]}", "$.groups[1].code", "duplicate code 'R'" },
        { "{'indicators':[]," + Root + "}", "$.indicators", "expected at least one indicator" },
        { "{'indicators':[{'code':'X','parent':'R','denominator':'X'}]," + Root + "}", "$.indicators[0].denominator", "cannot be its own denominator" },
        // Track overrides naming codes the scheme lacks.
        { "{'indicators':[{'code':'X','parent':'R'}]," + Root + ",'tracks':{'overrides':{'city':{'weights':{'NOPE':2}}}}}", "$.tracks.overrides.city.weights.NOPE", "unknown code 'NOPE': expected an indicator or group" },
        { "{'indicators':[{'code':'X','parent':'R'}]," + Root + ",'tracks':{'overrides':{'city':{'indicators':{'R':{}}}}}}", "$.tracks.overrides.city.indicators.R", "unknown indicator 'R'" },
        { "{'indicators':[{'code':'X','parent':'R'}]," + Root + ",'tracks':{'overrides':{'city':{'groups':{'X':{'weights':'equal'}}}}}}", "$.tracks.overrides.city.groups.X", "unknown group 'X'" },
        { "{'indicators':[{'code':'X','parent':'R'}]," + Root + ",'tracks':{'overrides':{'city':{'weights':{'X':-2}}}}}", "$.tracks.overrides.city.weights.X", "expected a weight ≥ 0" },
        { "{'indicators':[{'code':'X','parent':'R'}]," + Root + ",'tracks':{'compare':'some'}}", "$.tracks.compare", "expected one of: all, track" },
        // A goalpost or tier bound outside the transform's domain.
        { "{'indicators':[{'code':'X','parent':'R','transform':'ln','normalise':{'method':'goalposts','min':0,'max':100}}]," + Root + "}", "$.indicators[0].normalise.min", "0 is outside the domain of the indicator's transform ln" },
        { "{'indicators':[{'code':'X','parent':'R','transform':'sqrt','normalise':{'method':'goalposts','min':1,'max':-4}}]," + Root + "}", "$.indicators[0].normalise.max", "outside the domain" },
        { "{'indicators':[{'code':'X','parent':'R','transform':'log10','normalise':{'method':'tiers','bounds':[-1,10],'points':[0,1,2]}}]," + Root + "}", "$.indicators[0].normalise.bounds[0]", "outside the domain" },
        { "{'indicators':[{'code':'X','parent':'R','transform':'ln'}]," + Root + ",'tracks':{'overrides':{'c':{'indicators':{'X':{'normalise':{'method':'goalposts','min':-1,'max':5}}}}}}}", "$.tracks.overrides.c.indicators.X.normalise.min", "outside the domain" },
        { "{'indicators':[{'code':'X','parent':'R','normalise':{'method':'goalposts','min':5,'max':5}}]," + Root + "}", "$.indicators[0].normalise.max", "expected max different from min" },
    };

    [Theory]
    [MemberData(nameof(BadSchemes))]
    public void Parse_BadScheme_RefusesAtTheExactJsonPath(string json, string path, string message)
    {
        SchemeException ex = Assert.Throws<SchemeException>(() => SchemeParser.Parse(Fx.Q(json)));
        Assert.Equal(path, ex.Path);
        Assert.Contains(message, ex.Reason, StringComparison.Ordinal);
        Assert.StartsWith(path + ": ", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BadSchemes))]
    public void Parse_BadScheme_MessageSaysWhatWasExpected(string json, string path, string message)
    {
        _ = (path, message);
        SchemeException ex = Assert.Throws<SchemeException>(() => SchemeParser.Parse(Fx.Q(json)));
        Assert.Contains("expected", ex.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{'indicators':[{'code':'X','parent':'R'}],}")]
    [InlineData("{'indicators':[{'code':'X','parent':'R'}] // comment\n}")]
    [InlineData("{'indicators':")]
    public void Parse_InvalidJson_RefusesAtTheRootWithLineAndColumn(string json)
    {
        SchemeException ex = Assert.Throws<SchemeException>(() => SchemeParser.Parse(Fx.Q(json)));
        Assert.Equal("$", ex.Path);
        Assert.Contains("line", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EnglishNames_OfIndicatorsGroupsAndTracks_AreKept()
    {
        Scheme s = SchemeParser.Parse(Fx.Q(
            "{'indicators':[{'code':'X','parent':'D','name':'增速','name_en':'Growth'},{'code':'Y','parent':'D'}]," +
            "'groups':[{'code':'R','name':'总分','name_en':'Total'},{'code':'D','parent':'R','name':'经济发展','name_en':'Economy'}]," +
            "'tracks':{'name_en':{'县':'Counties','城区':'Urban districts'}}}"));
        Assert.Equal(("增速", "Growth"), (s.Indicators[0].Name, s.Indicators[0].NameEn));
        Assert.Null(s.Indicators[1].NameEn);
        Assert.Equal(("Total", "Economy"), (s.Groups[0].NameEn, s.Groups[1].NameEn));
        Assert.Equal("Counties", s.Tracks!.NamesEn["县"]);
        Assert.Equal("Urban districts", s.Tracks.NamesEn["城区"]);
    }

    [Fact]
    public void Resolve_TrackOverride_ThenOwnRule_ThenDefault()
    {
        Scheme s = SchemeParser.Parse(Fx.Q(
            "{'steps':{'normalise':{'method':'rank'},'aggregate':{'method':'sum'}}," +
            "'indicators':[{'code':'X','parent':'R','normalise':{'method':'vector'}},{'code':'Y','parent':'R'}]," +
            "'groups':[{'code':'R'}]," +
            "'tracks':{'overrides':{'县':{'indicators':{'X':{'normalise':{'method':'tiers','bounds':[1],'points':[0,1]}}},'groups':{'R':{'aggregate':{'method':'geometric'},'weights':'equal'}}}}}}"));
        Assert.Equal(NormaliseMethod.Tiers, s.NormaliseFor(0, "县").Method);
        Assert.Equal(NormaliseMethod.Vector, s.NormaliseFor(0, "城区").Method);
        Assert.Equal(NormaliseMethod.Vector, s.NormaliseFor(0, null).Method);
        Assert.Equal(NormaliseMethod.Rank, s.NormaliseFor(1, "县").Method);
        Assert.Equal((AggregateMethod.Geometric, WeightingMethod.Equal), (s.AggregateFor(0, "县").Method, s.WeightingFor(0, "县")));
        Assert.Equal((AggregateMethod.Sum, WeightingMethod.Given), (s.AggregateFor(0, null).Method, s.WeightingFor(0, null)));
    }

    [Fact]
    public void Parse_MinimalScheme_FillsTheContractDefaults()
    {
        Scheme s = SchemeParser.Parse(Fx.Q(One(string.Empty)));
        Assert.Null(s.Steps.Screen);
        Assert.Equal(ImputeMethod.None, s.Steps.Impute.Method);
        Assert.Equal(TreatMethod.None, s.Steps.Treat.Method);
        Assert.Equal(NormaliseMethod.MinMax, s.Steps.Normalise.Method);
        Assert.Equal((0.0, 100.0), (s.Steps.Normalise.Low, s.Steps.Normalise.High));
        Assert.Equal(AggregateMethod.Arithmetic, s.Steps.Aggregate.Method);
        IndicatorDef x = s.Indicators[0];
        Assert.Equal((1.0, 1, Transform.None, false), (x.Weight, x.Direction, x.Transform, x.Cumulative));
        Assert.Equal(WeightingMethod.Given, s.Groups[0].Weights);
        Assert.Null(s.RoundTo);
        Assert.Null(s.WarningRules);
    }

    [Fact]
    public void Parse_WinsoriseWithoutParameters_TakesTheDefaults()
    {
        Scheme s = SchemeParser.Parse(Fx.Q(One(",'treat':{'method':'winsorise'}")));
        TreatStep t = s.Indicators[0].Treat!;
        Assert.Equal((2.0, 3.5, 5, TreatFallback.Log), (t.SkewLimit, t.KurtosisLimit, t.MaxPoints, t.Fallback));
    }

    [Fact]
    public void Parse_GoalpostsUnderTransform_StoresTransformedGoalposts()
    {
        // Goalposts are transformed like the values: sqrt(4) = 2, sqrt(100) = 10.
        Scheme s = SchemeParser.Parse(Fx.Q(Norm("{'method':'goalposts','min':4,'max':100}", ",'transform':'sqrt'")));
        NormaliseStep n = s.Indicators[0].Normalise!;
        Assert.Equal((2.0, 10.0, 1.0, true), (n.Min, n.Max, n.Scale, n.Clamp));
    }

    [Fact]
    public void Parse_DenominatorNotAnIndicator_IsListedOnce()
    {
        Scheme s = SchemeParser.Parse(Fx.Q(
            "{'indicators':[{'code':'X','parent':'R','denominator':'Pop'},{'code':'Y','parent':'R','denominator':'Pop'},{'code':'Z','parent':'R','denominator':'X'}]," + Root + "}"));
        Assert.Equal(new[] { "Pop" }, s.DenominatorCodes);
    }

    [Fact]
    public void Score_OverrideForTrackTheUnitsLack_IsRefusedAtItsPath()
    {
        // The parser cannot know the tracks; the engine refuses the override when the data has no such track.
        Scheme s = Fx.Flat("{'code':'X','parent':'R'}", "'tracks':{'overrides':{'town':{'weights':{'X':2}}}}");
        UnitRow[] units = [new("A", "city"), new("B", "county")];
        SchemeException ex = Assert.Throws<SchemeException>(() => Fx.Score(s, Fx.Rows("X", "A B", 1, 2), units));
        Assert.Equal("$.tracks.overrides.town", ex.Path);
        Assert.Contains("unknown track 'town'", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Score_GroupImputeOnMissingColumn_IsRefusedAtItsPath()
    {
        Scheme s = Fx.Flat("{'code':'X','parent':'R','impute':{'method':'groupMean','group':'region'}}");
        SchemeException ex = Assert.Throws<SchemeException>(() => Fx.Score(s, Fx.Rows("X", "A B", 1, double.NaN)));
        Assert.Equal("$.indicators[0].impute.group", ex.Path);
        Assert.Contains("no column 'region'", ex.Reason, StringComparison.Ordinal);
    }
}
