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

    public bool AnyWarning => Rows.Any(r => r.Cells.Any(c => c.Basis == CellBasis.Warning));
    public bool AnyAverage => Rows.Any(r => r.Cells.Any(c => c.Basis == CellBasis.Average));
    public bool ShowValue => Show == "value";
    public bool English { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancel)
    {
        if (!await LoadAsync(cancel))
        {
            return NotFound();
        }

        await WindowAsync(cancel);
        return Page();
    }

    /// <summary>
    /// A scheme of more indicators than this shows one dimension's columns unless all are asked
    /// for (<see cref="AllDimensions"/>): 50 units × 200 indicators is over a megabyte a page.
    /// </summary>
    public const int WideIndicators = 60;

    /// <summary>The value of <c>dim</c> that asks for every dimension's columns of a wide scheme.</summary>
    public const string AllDimensions = "all";

    /// <summary>Units whose cells the export reads at a time (it writes them to the workbook before reading the next).</summary>
    public const int ExportBatch = 250;

    /// <summary>Whether the scheme has more than <see cref="WideIndicators"/> indicators (the page then starts at one dimension).</summary>
    public bool Wide { get; private set; }

    /// <summary>Whether this page shows the first dimension only because the scheme is wide and none was chosen.</summary>
    public bool NarrowedForWidth { get; private set; }

    /// <summary>The units shown (all, or one track's) in the order of the total rank, as kept: no cells.</summary>
    private IReadOnlyList<MatrixUnit> _units = [];

    /// <summary>The result set shown, and whether the scheme has warning rules (then its warnings colour the cells).</summary>
    private long _setId;
    private long _stamp;
    private bool _warned;

    /// <summary>
    /// The page shows a window of the matrix: one dimension's columns when asked, or the first
    /// dimension's when the scheme is wide and none was asked for (the unit column stays), and one
    /// page of the units found (searched and paged in the kept list of units). Only that window's
    /// cells are read: the page's units × the shown indicators, kept per window and stamp.
    /// </summary>
    private async Task WindowAsync(CancellationToken cancel)
    {
        AllGroups = Groups;
        Wide = Groups.Sum(g => g.Indicators.Count) > WideIndicators;
        if (Wide && string.IsNullOrEmpty(Dimension) && Groups.Count > 1)
        {
            Dimension = Groups[0].Code;
            NarrowedForWidth = true;
        }

        bool oneDimension = false;
        if (Dimension is not null && Groups.FirstOrDefault(g => g.Code == Dimension) is { } group)
        {
            Groups = [group];
            oneDimension = true;
        }
        else
        {
            Dimension = Wide && Dimension == AllDimensions ? AllDimensions : null;
        }

        (List<MatrixUnit> page, UnitListPage paging) = UnitListPage.Of(_units, u => u.Code, u => u.Name, Search, PageNumber, "/matrix",
            new Dictionary<string, string?> { ["scheme"] = Scheme?.Code, ["period"] = Period, ["track"] = Track, ["show"] = Show, ["dim"] = Dimension });
        Paging = paging;

        // The window's cells are kept too, under the same stamp: they are read once however often
        // (and by however many at once) the same window is asked for.
        Rows = (await Published.KeptAsync(cache,
            (Published.CacheKey.MatrixWindow, _stamp, Scheme?.Code, Period, Track, English, oneDimension ? Groups[0].Code : null, paging.Search, paging.Number),
            async () => await CellsAsync(page, oneDimension, cancel)))!;
    }

    /// <summary><c>/matrix/export</c>: the whole matrix of the period and track (every unit, every column) as an .xlsx workbook.</summary>
    public async Task<IActionResult> OnGetExportAsync(CancellationToken cancel)
    {
        if (!await LoadAsync(cancel) || Scheme is null || Period is null)
        {
            return NotFound();
        }

        byte[] book = await MatrixWorkbook.WriteAsync(this, Batches(cancel), texts, matrixTexts, cancel);
        string name = string.Create(CultureInfo.InvariantCulture, $"matrix-{Scheme.Code}-{Period}.xlsx");
        return File(book, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name);
    }

    /// <summary>The whole matrix's rows, read <see cref="ExportBatch"/> units at a time in the page's order.</summary>
    private async IAsyncEnumerable<MatrixRow> Batches([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancel)
    {
        for (int at = 0; at < _units.Count; at += ExportBatch)
        {
            foreach (MatrixRow row in await CellsAsync(_units.Skip(at).Take(ExportBatch).ToList(), oneDimension: false, cancel))
            {
                yield return row;
            }
        }
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

        // What is kept does not depend on show, dim, q or p: those pick the window read per request.
        MatrixView? view = await Published.KeptAsync(db, cache,
            stamp =>
            {
                _stamp = stamp;
                return (Published.CacheKey.MatrixView, stamp, SchemeCode, Period, Track, English);
            },
            async () => await ReadAsync(cancel)
                ? new MatrixView(Schemes, Scheme, Periods, Period, Tracks, Track, Groups, _units, Levels, Averages, TrackNames, Rules, _setId, _warned)
                : null,
            cancel);
        if (view is null)
        {
            return false;
        }

        (Schemes, Scheme, Periods, Period, Tracks, Track, Groups, _units, Levels, Averages, TrackNames, Rules, _setId, _warned) =
            (view.Schemes, view.Scheme, view.Periods, view.Period, view.Tracks, view.Track, view.Groups, view.Units, view.Levels, view.Averages, view.TrackNames, view.Rules, view.SetId, view.Warned);
        return true;
    }

    /// <summary>One unit of the matrix as kept: who it is and its total (score and rank), no cells.</summary>
    private sealed record MatrixUnit(long Id, string Code, string Name, string? Track, double? Total, int? Rank);

    /// <summary>
    /// What <see cref="LoadAsync"/> keeps of a matrix it read (Published.KeptAsync): one row per
    /// unit shown and one average per node, never the cells (a country's townships × indicators
    /// are millions); the cells of a page are read per request (<see cref="CellsAsync"/>).
    /// </summary>
    private sealed record MatrixView(
        IReadOnlyList<AssessmentScheme> Schemes, AssessmentScheme? Scheme, IReadOnlyList<string> Periods, string? Period,
        IReadOnlyList<string> Tracks, string? Track, IReadOnlyList<MatrixGroup> Groups, IReadOnlyList<MatrixUnit> Units,
        IReadOnlyList<string> Levels, IReadOnlyDictionary<string, double?> Averages,
        IReadOnlyDictionary<string, string> TrackNames, IReadOnlyDictionary<string, string> Rules, long SetId, bool Warned);

    /// <summary>
    /// Reads what is kept: the selection, the scheme's groups, levels and rules, the units shown
    /// with their totals and ranks (the root node's rows of the set: one a unit) and the average
    /// score of the shown units per node (computed by the database over the set's rows).
    /// </summary>
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
        _setId = set.Id;
        _warned = parsed.WarningRules is { Count: > 0 };

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
        string root = parsed.Groups.Single(g => g.Parent is null).Code;
        var totals = (await db.ResultRows.AsNoTracking()
                .Where(r => r.ResultSetId == set.Id && r.Node == root)
                .Select(r => new { r.UnitId, r.Score, r.Rank })
                .ToListAsync(cancel))
            .ToDictionary(r => r.UnitId);

        // The average of the shown units' scores per node, over the set's rows of those units
        // (scores: nulls left out, as a unit without a score is not compared).
        string? track = Track;
        var rowsShown = from r in db.ResultRows.AsNoTracking()
                        join s in db.SchemeUnits.AsNoTracking() on r.UnitId equals s.UnitId
                        where r.ResultSetId == set.Id && s.SchemeId == schemeId && r.Score != null
                        select new { r.Node, r.Score, s.Track };
        if (track is not null)
        {
            rowsShown = rowsShown.Where(r => r.Track == track);
        }

        var byNode = (await rowsShown.GroupBy(r => r.Node).Select(g => new { Node = g.Key, Average = g.Average(r => r.Score) }).ToListAsync(cancel))
            .ToDictionary(a => a.Node, a => a.Average, StringComparer.Ordinal);

        var indicators = Groups.SelectMany(g => g.Indicators).Select(i => i.Code).ToList();
        Rules = indicators.ToDictionary(code => code, code => RuleTexts.Describe(ruleTexts, parsed, code, Track), StringComparer.Ordinal);
        Averages = indicators.ToDictionary(code => code, code => byNode.GetValueOrDefault(code), StringComparer.Ordinal);

        // The table reads best in the order of the total rank; units without one go last.
        _units = shown
            .Select(m => totals.GetValueOrDefault(m.Id) is { } total
                ? new MatrixUnit(m.Id, m.Code, Published.Name(m.Name, m.NameEn, English), m.Track, total.Score, total.Rank)
                : new MatrixUnit(m.Id, m.Code, Published.Name(m.Name, m.NameEn, English), m.Track, null, null))
            .OrderBy(u => u.Rank is null ? 1 : 0).ThenBy(u => u.Rank).ThenBy(u => u.Code, StringComparer.Ordinal)
            .ToList();
        return true;
    }

    /// <summary>
    /// The cells of <paramref name="units"/> (a page, or a batch of the export) under the shown
    /// groups' indicators: their result rows and warnings of the set, read by key
    /// (<c>result_set_id, unit_id IN (…), node IN (…)</c> on both tables' primary keys; every node
    /// of the units when every column is shown), coloured by warning level or against the kept averages.
    /// </summary>
    private async Task<List<MatrixRow>> CellsAsync(IReadOnlyList<MatrixUnit> units, bool oneDimension, CancellationToken cancel)
    {
        if (units.Count == 0)
        {
            return [];
        }

        var ids = units.Select(u => u.Id).ToList();
        var indicators = Groups.SelectMany(g => g.Indicators).Select(i => i.Code).ToList();
        long setId = _setId;
        var rowQuery = db.ResultRows.AsNoTracking().Where(r => r.ResultSetId == setId && ids.Contains(r.UnitId));
        var warningQuery = db.WarningResults.AsNoTracking().Where(w => w.ResultSetId == setId && w.Level != null && ids.Contains(w.UnitId));
        if (oneDimension)
        {
            rowQuery = rowQuery.Where(r => indicators.Contains(r.Node));
            warningQuery = warningQuery.Where(w => indicators.Contains(w.Indicator));
        }

        var rows = (await rowQuery.Select(r => new { r.UnitId, r.Node, r.Score, r.Value }).ToListAsync(cancel))
            .ToDictionary(r => (r.UnitId, r.Node));
        var warnings = _warned
            ? (await warningQuery.Select(w => new { w.UnitId, w.Indicator, w.Level }).ToListAsync(cancel))
                .ToDictionary(w => (w.UnitId, w.Indicator), w => w.Level!)
            : [];

        var list = new List<MatrixRow>(units.Count);
        foreach (MatrixUnit u in units)
        {
            var cells = new List<MatrixCell>(indicators.Count);
            foreach (string code in indicators)
            {
                var r = rows.GetValueOrDefault((u.Id, code));
                MatrixCell cell;
                if (warnings.TryGetValue((u.Id, code), out string? level))
                {
                    cell = new MatrixCell(code, r?.Score, r?.Value, CellBasis.Warning, "warn-" + WarningLevels.Colour(level), level);
                }
                else if (r?.Score is double score && Averages.GetValueOrDefault(code) is double average)
                {
                    string css = score > average + Tolerance ? "cell-above" : score < average - Tolerance ? "cell-below" : "cell-even";
                    cell = new MatrixCell(code, score, r.Value, CellBasis.Average, css, null);
                }
                else
                {
                    cell = new MatrixCell(code, r?.Score, r?.Value, CellBasis.None, "cell-none", null);
                }

                cells.Add(cell);
            }

            list.Add(new MatrixRow(u.Code, u.Name, u.Track, u.Total, u.Rank, cells));
        }

        return list;
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
