using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Saima.Data;
using Saima.Web.Features.Shared;

namespace Saima.Web.Features.League;

/// <summary>
/// The league table (排名): a published period of a scheme at one node (the total, a dimension or
/// an indicator), for all units or one track, sorted on the server (the `sort` parameter) so that
/// it works without script; `/league/export` gives the same rows as an .xlsx workbook.
/// </summary>
public sealed class LeagueModel(LeagueQuery query, IStringLocalizer<Texts> texts) : PageModel
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

    public async Task<IActionResult> OnGetAsync(CancellationToken cancel) =>
        await LoadAsync(cancel) ? Page() : NotFound();

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
