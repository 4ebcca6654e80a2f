using System.Globalization;
using Saima.Data.Intake;
using Microsoft.Extensions.Localization;
using static Saima.Web.Features.Shared.SheetWriter;
using Saima.Web.Features.Shared;

namespace Saima.Web.Features.League;

/// <summary>
/// The league table as an .xlsx workbook: one sheet, a title row naming the scheme, period, track
/// and node, a header row (Chinese first, then English, as the store's exports do) and exactly the
/// rows the page shows, in its order, with the page's decimals. Numbers are numbers, not text;
/// warning levels are named in the user's language, as on the page.
/// </summary>
internal static class LeagueWorkbook
{
    public static byte[] Write(LeagueModel table, IStringLocalizer<Texts> texts)
    {
        bool indicator = table.Current!.Kind == NodeKind.Indicator;
        bool tracks = table.Tracks.Count > 0;
        var header = new List<string> { texts["Xlsx_Rank"], texts["Xlsx_UnitCode"], texts["Xlsx_Unit"] };
        if (tracks)
        {
            header.Add(texts["Xlsx_Track"]);
        }

        if (indicator)
        {
            header.Add(texts["Xlsx_Value"]);
        }

        header.AddRange([texts["Xlsx_Score"], texts["Xlsx_RankChange"]]);
        if (tracks)
        {
            header.Add(texts["Xlsx_TrackRank"]);
        }

        if (indicator)
        {
            header.Add(texts["Xlsx_Warning"]);
        }

        var rows = new List<IEnumerable<XCell>>
        {
            new[] { Text(Title(table.Scheme is null ? null : Published.Name(table.Scheme.Name, table.Scheme.NameEn, table.English), table.Period,
                table.Track is null ? null : table.TrackName(table.Track), table.Current.Name, texts)) },
            header.Select(Text),
        };
        foreach (LeagueRow r in table.Rows)
        {
            var cells = new List<XCell> { Number(r.Rank), Text(r.Code), Text(r.Name) };
            if (tracks)
            {
                cells.Add(Text(table.TrackName(r.Track)));
            }

            if (indicator)
            {
                cells.Add(Number(r.Value));
            }

            cells.AddRange([Number(r.Score), Number(r.RankChange)]);
            if (tracks)
            {
                cells.Add(Number(r.TrackRank));
            }

            if (indicator)
            {
                cells.Add(Text(r.Warning is null ? null : WarningLevels.LabelKey(r.Warning) is string key ? texts[key] : r.Warning));
            }

            rows.Add(cells);
        }

        return SheetWriter.Write(string.Create(CultureInfo.InvariantCulture, $"{table.Period} {table.Current.Code}"), rows);
    }

    /// <summary>The title row: scheme · period · track · node (those given), in the user's language.</summary>
    public static string Title(string? scheme, string? period, string? track, string? node, IStringLocalizer<Texts> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var parts = new List<string>();
        if (scheme is not null)
        {
            parts.Add(scheme);
        }

        if (period is not null)
        {
            parts.Add(texts["Xlsx_TitlePeriod", period]);
        }

        if (track is not null)
        {
            parts.Add(texts["Xlsx_TitleTrack", track]);
        }

        if (node is not null)
        {
            parts.Add(node);
        }

        return string.Join(" · ", parts);
    }
}
