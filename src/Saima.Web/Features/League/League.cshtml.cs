using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Web.Access;
using Saima.Web.Features.Paging;
using Saima.Web.Features.Shared;

namespace Saima.Web.Features.League;

/// <summary>
/// The league table (排名): a published period of a scheme at one node (the total, a dimension or
/// an indicator), for all units or one track, sorted on the server (the `sort` parameter) so that
/// it works without script; `/league/export` gives the same rows as an .xlsx workbook. The page
/// shows <see cref="UnitListPage.Size"/> units at a time (found by name or code with `q`), each
/// with its rank in the whole table; a unit's user gets a link to the page holding their unit.
/// </summary>
public sealed class LeagueModel(LeagueQuery query, IStringLocalizer<Texts> texts, SaimaAccess access, SaimaDb db) : PageModel
{

    [BindProperty(SupportsGet = true, Name = "scheme")]
    public string? SchemeCode { get; set; }

    [BindProperty(SupportsGet = true, Name = "period")]
    public string? Period { get; set; }

    [BindProperty(SupportsGet = true, Name = "track")]
    public string? Track { get; set; }

    [BindProperty(SupportsGet = true, Name = "node")]
    public string? Node { get; set; }

    [BindProperty(SupportsGet = true, Name = "sort")]
    public string? Sort { get; set; }

    /// <summary>A unit's name or code to find (part of it, any case).</summary>
    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    /// <summary>Where <see cref="PageRows"/> are among the rows found: at most <see cref="UnitListPage.Size"/> a page.</summary>
    public UnitListPage? Paging { get; private set; }

    /// <summary>The rows this page shows (of <see cref="Rows"/>, the whole table, which the export writes).</summary>
    public IReadOnlyList<LeagueRow> PageRows { get; private set; } = [];

    /// <summary>The signed-in user's unit when it is in the table, else null.</summary>
    public string? MyUnit { get; private set; }

    /// <summary>The link to the page of the whole table (no search) that holds <see cref="MyUnit"/>.</summary>
    public string? MyUnitLink { get; private set; }

    public IReadOnlyList<AssessmentScheme> Schemes { get; private set; } = [];
    public AssessmentScheme? Scheme { get; private set; }
    public IReadOnlyList<string> Periods { get; private set; } = [];
    public IReadOnlyList<string> Tracks { get; private set; } = [];

    /// <summary>The tracks' display names in the user's language (the scheme's <c>tracks.name_en</c> in English).</summary>
    public IReadOnlyDictionary<string, string> TrackNames { get; private set; } = new Dictionary<string, string>();

    /// <summary>A track's display name.</summary>
    public string TrackName(string? track) => track is null ? string.Empty : TrackNames.GetValueOrDefault(track) ?? track;
    public IReadOnlyList<NodeOption> Nodes { get; private set; } = [];
    public NodeOption? Current { get; private set; }
    public IReadOnlyList<LeagueRow> Rows { get; private set; } = [];
    public bool English { get; private set; }

    /// <summary>How the shown node is scored, in words (<see cref="RuleTexts"/>), for the shown track (all: the scheme's own rule).</summary>
    public string Rule { get; private set; } = string.Empty;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancel)
    {
        if (!await LoadAsync(cancel))
        {
            return NotFound();
        }

        var keep = new Dictionary<string, string?> { ["scheme"] = Scheme?.Code, ["period"] = Period, ["track"] = Track, ["node"] = Current?.Code, ["sort"] = Sort };
        (List<LeagueRow> page, UnitListPage paging) = UnitListPage.Of(Rows, r => r.Code, r => r.Name, Search, PageNumber, "/league", keep);
        (PageRows, Paging) = (page, paging);
        if (access.UnitId is long unitId && Rows.Count > 0)
        {
            string? code = await db.Units.AsNoTracking().Where(u => u.Id == unitId).Select(u => u.Code).FirstOrDefaultAsync(cancel);
            int at = code is null ? -1 : Rows.ToList().FindIndex(r => r.Code == code);
            if (at >= 0)
            {
                MyUnit = code;
                MyUnitLink = new UnitListPage(1, 1, Rows.Count, null, "/league", keep).Link((at / UnitListPage.Size) + 1) + "#unit-" + Uri.EscapeDataString(code!);
            }
        }

        return Page();
    }

    public async Task<IActionResult> OnGetExportAsync(CancellationToken cancel)
    {
        if (!await LoadAsync(cancel) || Scheme is null || Current is null)
        {
            return NotFound();
        }

        byte[] book = LeagueWorkbook.Write(this, texts);
        string name = string.Create(CultureInfo.InvariantCulture, $"league-{Scheme.Code}-{Period}-{Current.Code}.xlsx");
        return File(book, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name);
    }

    /// <summary>The query string of this table with some parameters changed (null removes one).</summary>
    public string Link(string? sort = null, string? node = null, bool keepSort = true, string path = "/league")
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
        Add("track", Track);
        Add("node", node ?? Current?.Code);
        Add("sort", sort ?? (keepSort ? Sort : null));
        Add("q", Search);
        return q.Count == 0 ? path : path + "?" + string.Join('&', q);
    }

    /// <summary>The sort a column header links to: its own key, reversed when it is the current sort.</summary>
    public string SortLinkFor(string key) => Sort == key ? "-" + key : key;

    /// <summary>"asc", "desc" or null: how the table is sorted by this column.</summary>
    public string? SortedBy(string key) => Sort == key ? "asc" : Sort == "-" + key ? "desc" : null;

    private async Task<bool> LoadAsync(CancellationToken cancel)
    {
        English = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";
        LeagueView view = await query.ReadAsync(new LeagueRequest(SchemeCode, Period, Track, Node, Sort, English), cancel);
        (Schemes, Scheme, Periods, Period, Tracks, Nodes, Current, Rows, Track, Sort, TrackNames, Rule) =
            (view.Schemes, view.Scheme, view.Periods, view.Period, view.Tracks, view.Nodes, view.Current, view.Rows, view.Track, view.Sort, view.TrackNames, view.Rule);
        return view.Outcome == LeagueOutcome.Shown;
    }
}
