using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Localization;
using Saima.Data;
using Saima.Scoring;
using Saima.Web.Features.Paging;
using Saima.Web.Features.Shared;

namespace Saima.Web.Features.Matrix;

/// <summary>How a matrix cell is coloured: by the scheme's warning level, or against the average of the compared units.</summary>
public enum CellBasis
{
    None,
    Warning,
    Average,
}

/// <summary>One cell of the matrix: the indicator's score and value for a unit, and its colour.</summary>
/// <param name="Css">The CSS class of the colour: warn-{colour} for a warning, cell-above/-below/-even against the average, cell-none without a score.</param>
public sealed record MatrixCell(string Indicator, double? Score, double? Value, CellBasis Basis, string Css, string? Warning);

public sealed record MatrixRow(string Code, string Name, string? Track, double? Total, int? Rank, IReadOnlyList<MatrixCell> Cells);

/// <summary>A dimension of the scheme and its indicators, in scheme order: the column groups.</summary>
public sealed record MatrixGroup(string Code, string Name, IReadOnlyList<NodeOption> Indicators);

/// <summary>
/// The red/green matrix (红绿双色分析, 指标一张图): the units of a published period (all, or one
/// track) against every indicator, grouped by dimension. A cell takes the colour of the scheme's
/// warning level for that unit and indicator when the scheme has warning rules and the period
/// has a warning with a level for it; otherwise it is green above the average score of the units
/// compared (those shown), red below it (scores: higher is always better).
/// </summary>
public sealed class MatrixModel(SaimaDb db, IMemoryCache cache, IStringLocalizer<RuleTexts> ruleTexts, IStringLocalizer<Texts> texts, IStringLocalizer<MatrixTexts> matrixTexts) : PageModel
{
    /// <summary>Two scores closer than this are the same (stored scores are rounded far coarser).</summary>
    private const double Tolerance = 1e-9;

    [BindProperty(SupportsGet = true, Name = "scheme")]
    public string? SchemeCode { get; set; }

    [BindProperty(SupportsGet = true, Name = "period")]
    public string? Period { get; set; }

    [BindProperty(SupportsGet = true, Name = "track")]
    public string? Track { get; set; }

    /// <summary>"score" (the default) or "value": what the cells show; the colour is the same.</summary>
    [BindProperty(SupportsGet = true, Name = "show")]
    public string? Show { get; set; }

    /// <summary>One dimension's columns only (its code), or null for every dimension.</summary>
    [BindProperty(SupportsGet = true, Name = "dim")]
    public string? Dimension { get; set; }

    /// <summary>A unit's name or code to find (part of it, any case).</summary>
    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    /// <summary>Where the page's rows are among all the units found: at most <see cref="UnitListPage.Size"/> a page.</summary>
    public UnitListPage? Paging { get; private set; }

    /// <summary>Every dimension of the scheme, for the choice of columns (<see cref="Groups"/> may be one of them).</summary>
    public IReadOnlyList<MatrixGroup> AllGroups { get; private set; } = [];

    public IReadOnlyList<AssessmentScheme> Schemes { get; private set; } = [];
    public AssessmentScheme? Scheme { get; private set; }
    public IReadOnlyList<string> Periods { get; private set; } = [];
    public IReadOnlyList<string> Tracks { get; private set; } = [];

    /// <summary>The tracks' display names in the user's language (the scheme's <c>tracks.name_en</c> in English).</summary>
    public IReadOnlyDictionary<string, string> TrackNames { get; private set; } = new Dictionary<string, string>();

    /// <summary>A track's display name.</summary>
    public string TrackName(string? track) => track is null ? string.Empty : TrackNames.GetValueOrDefault(track) ?? track;
    public IReadOnlyList<MatrixGroup> Groups { get; private set; } = [];
    public IReadOnlyList<MatrixRow> Rows { get; private set; } = [];

    /// <summary>The scheme's warning levels in its own order (worst last as the rules are written), when it has rules.</summary>
    public IReadOnlyList<string> Levels { get; private set; } = [];

    /// <summary>The average score of the compared units per indicator.</summary>
    public IReadOnlyDictionary<string, double?> Averages { get; private set; } = new Dictionary<string, double?>();

    /// <summary>How each indicator is scored, in words (<see cref="RuleTexts"/>), for the shown track (all: the scheme's own rule).</summary>
    public IReadOnlyDictionary<string, string> Rules { get; private set; } = new Dictionary<string, string>();

    public bool AnyWarning { get; private set; }
    public bool AnyAverage { get; private set; }
    public bool ShowValue => Show == "value";
    public bool English { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancel)
    {
        if (!await LoadAsync(cancel))
        {
            return NotFound();
        }

        Window();
        return Page();
    }

    /// <summary>
    /// A scheme of more indicators than this shows one dimension's columns unless all are asked
    /// for (<see cref="AllDimensions"/>): 50 units × 200 indicators is over a megabyte a page.
    /// </summary>
    public const int WideIndicators = 60;

    /// <summary>The value of <c>dim</c> that asks for every dimension's columns of a wide scheme.</summary>
    public const string AllDimensions = "all";

    /// <summary>Whether the scheme has more than <see cref="WideIndicators"/> indicators (the page then starts at one dimension).</summary>
    public bool Wide { get; private set; }

    /// <summary>Whether this page shows the first dimension only because the scheme is wide and none was chosen.</summary>
    public bool NarrowedForWidth { get; private set; }

    /// <summary>
    /// The page shows a window of the kept matrix: one dimension's columns when asked, or the
    /// first dimension's when the scheme is wide and none was asked for (the unit column stays),
    /// and one page of the units found. The export keeps the whole matrix.
    /// </summary>
    private void Window()
    {
        AllGroups = Groups;
        Wide = Groups.Sum(g => g.Indicators.Count) > WideIndicators;
        if (Wide && string.IsNullOrEmpty(Dimension) && Groups.Count > 1)
        {
            Dimension = Groups[0].Code;
            NarrowedForWidth = true;
        }

        if (Dimension is not null && Groups.FirstOrDefault(g => g.Code == Dimension) is { } group)
        {
            var codes = group.Indicators.Select(i => i.Code).ToHashSet(StringComparer.Ordinal);
            Rows = Rows.Select(r => r with { Cells = r.Cells.Where(c => codes.Contains(c.Indicator)).ToList() }).ToList();
            Groups = [group];
        }
        else
        {
            Dimension = Wide && Dimension == AllDimensions ? AllDimensions : null;
        }

        (List<MatrixRow> page, UnitListPage paging) = UnitListPage.Of(Rows, r => r.Code, r => r.Name, Search, PageNumber, "/matrix",
            new Dictionary<string, string?> { ["scheme"] = Scheme?.Code, ["period"] = Period, ["track"] = Track, ["show"] = Show, ["dim"] = Dimension });
        Rows = page;
        Paging = paging;
    }

    /// <summary><c>/matrix/export</c>: what the page shows (same parameters) as an .xlsx workbook.</summary>
    public async Task<IActionResult> OnGetExportAsync(CancellationToken cancel)
    {
        if (!await LoadAsync(cancel) || Scheme is null || Period is null)
        {
            return NotFound();
        }

        byte[] book = MatrixWorkbook.Write(this, texts, matrixTexts);
        string name = string.Create(CultureInfo.InvariantCulture, $"matrix-{Scheme.Code}-{Period}.xlsx");
        return File(book, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name);
    }

    public string Link(string? track = null, string? show = null, bool keepTrack = true, string path = "/matrix")
    {
        var q = new List<string>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                q.Add(key + "=" + Uri.EscapeDataString(value));
            }
        }

        Add("scheme", Scheme?.Code);
        Add("period", Period);
        Add("track", track ?? (keepTrack ? Track : null));
        Add("show", show ?? Show);
        return q.Count == 0 ? path : path + "?" + string.Join('&', q);
    }

    private async Task<bool> LoadAsync(CancellationToken cancel)
    {
        English = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";
        if (Show is not null && Show != "score" && Show != "value")
        {
            Show = null;
        }

        MatrixView? view = await Published.KeptAsync(db, cache,
            stamp => (Published.CacheKey.MatrixView, stamp, SchemeCode, Period, Track, Show, English),
            async () => await ReadAsync(cancel)
                ? new MatrixView(Schemes, Scheme, Periods, Period, Tracks, Track, Groups, Rows, Levels, Averages, AnyWarning, AnyAverage, TrackNames, Rules)
                : null,
            cancel);
        if (view is null)
        {
            return false;
        }

        (Schemes, Scheme, Periods, Period, Tracks, Track, Groups, Rows, Levels, Averages, AnyWarning, AnyAverage, TrackNames, Rules) =
            (view.Schemes, view.Scheme, view.Periods, view.Period, view.Tracks, view.Track, view.Groups, view.Rows, view.Levels, view.Averages, view.AnyWarning, view.AnyAverage, view.TrackNames, view.Rules);
        return true;
    }

    /// <summary>What <see cref="LoadAsync"/> keeps of a matrix it read (Published.KeptAsync).</summary>
    private sealed record MatrixView(
        IReadOnlyList<AssessmentScheme> Schemes, AssessmentScheme? Scheme, IReadOnlyList<string> Periods, string? Period,
        IReadOnlyList<string> Tracks, string? Track, IReadOnlyList<MatrixGroup> Groups, IReadOnlyList<MatrixRow> Rows,
        IReadOnlyList<string> Levels, IReadOnlyDictionary<string, double?> Averages, bool AnyWarning, bool AnyAverage,
        IReadOnlyDictionary<string, string> TrackNames, IReadOnlyDictionary<string, string> Rules);

    private async Task<bool> ReadAsync(CancellationToken cancel)
    {
        await db.Database.OpenConnectionAsync(cancel);
        Published.Selection selection = await Published.SelectAsync(db, SchemeCode, Period, cache, cancel);
        (Schemes, Scheme, Periods, Period) = (selection.Schemes, selection.Scheme, selection.Periods, selection.Period);
        if (!selection.Found || selection.Set is null)
        {
            return selection.Found;
        }

        ResultSet set = selection.Set;
        Saima.Scoring.Scheme parsed = selection.Parsed!;
        var english = selection.EnglishNames;
        Groups = GroupsOf(parsed, english, English);
        Levels = parsed.WarningRules?.Select(r => r.Level).Distinct(StringComparer.Ordinal).ToList() ?? [];

        long schemeId = selection.Scheme!.Id;
        var members = await (from s in db.SchemeUnits.AsNoTracking()
                             join u in db.Units.AsNoTracking() on s.UnitId equals u.Id
                             where s.SchemeId == schemeId
                             select new { u.Id, u.Code, u.Name, u.NameEn, s.Track }).ToListAsync(cancel);
        Tracks = members.Select(m => m.Track).OfType<string>().Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        TrackNames = Tracks.ToDictionary(t => t, t => SchemeNames.Track(parsed, t, English), StringComparer.Ordinal);
        if (string.IsNullOrEmpty(Track))
        {
            Track = null;
        }
        else if (!Tracks.Contains(Track, StringComparer.Ordinal))
        {
            return false;
        }

        var shown = members.Where(m => Track is null || m.Track == Track).ToList();
        var ids = shown.Select(m => m.Id).ToList();
        string root = parsed.Groups.Single(g => g.Parent is null).Code;
        var rows = (await db.ResultRows.AsNoTracking()
                .Where(r => r.ResultSetId == set.Id && ids.Contains(r.UnitId))
                .Select(r => new { r.UnitId, r.Node, r.Score, r.Value, r.Rank })
                .ToListAsync(cancel))
            .ToDictionary(r => (r.UnitId, r.Node));
        var warnings = parsed.WarningRules is { Count: > 0 }
            ? (await db.WarningResults.AsNoTracking()
                    .Where(w => w.ResultSetId == set.Id && w.Level != null && ids.Contains(w.UnitId))
                    .Select(w => new { w.UnitId, w.Indicator, w.Level }).ToListAsync(cancel))
                .ToDictionary(w => (w.UnitId, w.Indicator), w => w.Level!)
            : [];

        var indicators = Groups.SelectMany(g => g.Indicators).Select(i => i.Code).ToList();
        Rules = indicators.ToDictionary(code => code, code => RuleTexts.Describe(ruleTexts, parsed, code, Track), StringComparer.Ordinal);
        var averages = new Dictionary<string, double?>(StringComparer.Ordinal);
        foreach (string code in indicators)
        {
            var scores = shown.Select(m => rows.GetValueOrDefault((m.Id, code))?.Score).OfType<double>().ToList();
            averages[code] = scores.Count == 0 ? null : scores.Average();
        }

        Averages = averages;
        var list = new List<MatrixRow>();
        foreach (var m in shown)
        {
            var cells = new List<MatrixCell>();
            foreach (string code in indicators)
            {
                var r = rows.GetValueOrDefault((m.Id, code));
                MatrixCell cell;
                if (warnings.TryGetValue((m.Id, code), out string? level))
                {
                    cell = new MatrixCell(code, r?.Score, r?.Value, CellBasis.Warning, "warn-" + WarningLevels.Colour(level), level);
                    AnyWarning = true;
                }
                else if (r?.Score is double score && averages[code] is double average)
                {
                    string css = score > average + Tolerance ? "cell-above" : score < average - Tolerance ? "cell-below" : "cell-even";
                    cell = new MatrixCell(code, score, r.Value, CellBasis.Average, css, null);
                    AnyAverage = true;
                }
                else
                {
                    cell = new MatrixCell(code, r?.Score, r?.Value, CellBasis.None, "cell-none", null);
                }

                cells.Add(cell);
            }

            var total = rows.GetValueOrDefault((m.Id, root));
            list.Add(new MatrixRow(m.Code, Published.Name(m.Name, m.NameEn, English), m.Track, total?.Score, total?.Rank, cells));
        }

        // The table reads best in the order of the total rank; units without one go last.
        Rows = list.OrderBy(r => r.Rank is null ? 1 : 0).ThenBy(r => r.Rank).ThenBy(r => r.Code, StringComparer.Ordinal).ToList();
        return true;
    }

    /// <summary>
    /// The indicators under each dimension (a group whose parent is the root), dimensions and
    /// indicators in scheme order; indicators directly under the root form a group of their own.
    /// </summary>
    internal static IReadOnlyList<MatrixGroup> GroupsOf(Saima.Scoring.Scheme scheme, IReadOnlyDictionary<string, string> englishNames, bool english)
    {
        var parentOf = scheme.Groups.ToDictionary(g => g.Code, g => g.Parent, StringComparer.Ordinal);
        GroupDef root = scheme.Groups.Single(g => g.Parent is null);
        string DimensionOf(string parent)
        {
            string at = parent;
            while (parentOf.GetValueOrDefault(at) is string up && up != root.Code)
            {
                at = up;
            }

            return at;
        }

        var byDimension = scheme.Indicators
            .GroupBy(i => DimensionOf(i.Parent), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var order = scheme.Groups.Where(g => g.Parent == root.Code).Select(g => g.Code).Prepend(root.Code).ToList();
        var groups = new List<MatrixGroup>();
        foreach (string code in order)
        {
            if (!byDimension.TryGetValue(code, out var members))
            {
                continue;
            }

            GroupDef g = scheme.Groups.Single(x => x.Code == code);
            groups.Add(new MatrixGroup(code, SchemeNames.Group(g, english), members.Select(i => new NodeOption(i.Code,
                SchemeNames.Indicator(i, englishNames, english), NodeKind.Indicator)).ToList()));
        }

        return groups;
    }
}
