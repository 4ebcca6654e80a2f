using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Saima.Data.Intake;
using Saima.Data.Store;
using Saima.Scoring;

namespace Saima.Data.Reports;

/// <summary>A public indicator of the board: its code, name and unit of measure.</summary>
public sealed record BoardIndicator(string Code, string Name, string? UnitOfMeasure);

/// <summary>A unit's line on the board: its total rank and score, and each public indicator's value and rank.</summary>
public sealed record BoardRow(int? Rank, string Code, string Name, double? Score, IReadOnlyList<(double? Value, int? Rank)> Values);

/// <summary>
/// The public board of a quarter (季度公示): the indicators marked public, with each unit's value
/// and rank and its total rank, as of the quarter's latest published period, for the newspaper
/// and the public page. Only published results and only public indicators: nothing else is read.
/// </summary>
public sealed record BoardContent(
    string Office, string SchemeCode, string SchemeName, string Quarter, string Period, long ResultSetId, string TotalName,
    IReadOnlyList<BoardIndicator> Indicators, IReadOnlyList<BoardRow> Rows, DateTimeOffset GeneratedAt, string TimeZone)
{
    public string QuarterText => CircularReader.PeriodText(Quarter);

    public string Title => $"{QuarterText}{SchemeName}主要指标公示";

    /// <summary>Which period the figures are of (截至2025年9月), when the quarter's data is monthly.</summary>
    public string AsOf => Period == Quarter ? string.Empty : $"（截至{CircularReader.PeriodText(Period)}）";

    public string GeneratedLine => Publications.GeneratedLine(GeneratedAt, TimeZone);
}

/// <summary>
/// Reads a quarter's public board from the latest published period within the quarter
/// (<c>2025-Q3</c>: 2025-09, else 2025-08, else 2025-07, or the quarterly period 2025-Q3).
/// Refusals: <see cref="WorkflowCodes.NoScheme"/>, <see cref="WorkflowCodes.PeriodNotPublished"/>
/// (no published period in the quarter, or a quarter written wrongly).
/// </summary>
public sealed class PublicBoardReader(SaimaDb db, TimeProvider clock)
{
    /// <summary>"2025-Q3" (also "2025Q3", "2025-q3") as 2025-Q3, or null.</summary>
    public static string? Quarter(string? text)
    {
        string t = (text ?? string.Empty).Trim().ToUpperInvariant().Replace("-", string.Empty, StringComparison.Ordinal);
        return t.Length == 6 && int.TryParse(t.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out int y) && t[4] == 'Q' && t[5] is >= '1' and <= '4'
            ? string.Create(CultureInfo.InvariantCulture, $"{y}-Q{t[5]}")
            : null;
    }

    /// <summary>The quarter a period falls in (2025-08 → 2025-Q3; 2025-Q3 → itself), or null for a year or anything else.</summary>
    public static string? QuarterOf(string period)
    {
        ArgumentNullException.ThrowIfNull(period);
        if (Quarter(period) is string q)
        {
            return q;
        }

        string[] parts = period.Split('-');
        return parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int y)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int m) && m is >= 1 and <= 12
            ? string.Create(CultureInfo.InvariantCulture, $"{y}-Q{(m + 2) / 3}")
            : null;
    }

    public async Task<BoardContent> ReadAsync(string schemeCode, string quarter, string? office = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(schemeCode);
        AssessmentScheme scheme = await Publications.SchemeAsync(db, schemeCode, cancel);
        string q = Quarter(quarter) ?? throw new WorkflowException(WorkflowCodes.PeriodNotPublished,
            $"'{quarter}' is not a quarter (write it as 2025-Q3)", quarter ?? string.Empty, schemeCode);
        PublishedSet set = (await Publications.PublishedAsync(db, scheme.Id, cancel))
            .Where(p => QuarterOf(p.Period) == q).OrderByDescending(p => p.Period, StringComparer.Ordinal).FirstOrDefault()
            ?? throw new WorkflowException(WorkflowCodes.PeriodNotPublished,
                $"quarter {q} of scheme '{schemeCode}' has no published period; only published results are put on the board", q, schemeCode);

        string json = await db.SchemeVersions.AsNoTracking().Where(v => v.Id == set.SchemeVersionId).Select(v => v.Json).SingleAsync(cancel);
        Scheme parsed = SchemeParser.Parse(json);
        GroupDef root = parsed.Groups[parsed.RootGroup];
        var indicators = await db.Indicators.AsNoTracking().Where(i => i.SchemeId == scheme.Id && i.IsPublic)
            .OrderBy(i => i.SortOrder).ThenBy(i => i.Code).Select(i => new { i.Code, i.Name, i.UnitOfMeasure }).ToListAsync(cancel);
        var nodes = indicators.Select(i => i.Code).Append(root.Code).ToList();
        var stored = await db.ResultRows.AsNoTracking().Where(r => r.ResultSetId == set.ResultSetId && nodes.Contains(r.Node))
            .Select(r => new { r.UnitId, r.Node, r.Value, r.Score, r.Rank }).ToListAsync(cancel);
        var totals = stored.Where(r => r.Node == root.Code).ToList();
        var ids = totals.Select(r => r.UnitId).ToList();
        var units = await db.Units.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => (u.Code, u.Name), cancel);
        var byUnit = stored.Where(r => r.Node != root.Code).ToDictionary(r => (r.UnitId, r.Node), r => (r.Value, r.Rank));
        var rows = totals.Where(t => units.ContainsKey(t.UnitId))
            .Select(t => new BoardRow(t.Rank, units[t.UnitId].Code, units[t.UnitId].Name, t.Score,
                indicators.Select(i => byUnit.TryGetValue((t.UnitId, i.Code), out var v) ? (v.Value, v.Rank) : ((double?)null, (int?)null)).ToList()))
            .OrderBy(r => r.Rank is null ? 1 : 0).ThenBy(r => r.Rank).ThenBy(r => r.Code, StringComparer.Ordinal).ToList();
        string zone = await new OfficeSettings(db, clock).TimeZoneIdAsync(cancel);
        return new BoardContent(await Publications.OfficeAsync(db, office, cancel), scheme.Code, scheme.Name, q, set.Period, set.ResultSetId,
            root.Name ?? root.Code, indicators.Select(i => new BoardIndicator(i.Code, i.Name, i.UnitOfMeasure)).ToList(), rows, clock.GetUtcNow(), zone);
    }
}

/// <summary>
/// The public board's writers: the newspaper-ready HTML (one table, large type, black on white),
/// printed to PDF or rendered to a PNG image by headless Chromium, and the .xlsx (numbers as numbers).
/// </summary>
public static class PublicBoardWriters
{
    /// <summary>The PNG's width in CSS pixels.</summary>
    public const int ImageWidth = 1240;

    /// <summary>The PNG's tallest height: a board longer than this is cut (the PDF has every row).</summary>
    public const int MaxImageHeight = 16000;

    /// <summary>The total's column header: the total node's name, with 得分 unless it says so already.</summary>
    public static string TotalHeader(BoardContent c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return c.TotalName.EndsWith("得分", StringComparison.Ordinal) ? c.TotalName : c.TotalName + "得分";
    }

    /// <summary>An indicator's column header: its name and unit of measure.</summary>
    public static string Header(BoardIndicator i)
    {
        ArgumentNullException.ThrowIfNull(i);
        return string.IsNullOrEmpty(i.UnitOfMeasure) ? i.Name : $"{i.Name}（{i.UnitOfMeasure}）";
    }

    public static string Html(BoardContent c)
    {
        ArgumentNullException.ThrowIfNull(c);
        static string E(string? s) => WebUtility.HtmlEncode(s ?? string.Empty);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">");
        html.Append(CultureInfo.InvariantCulture, $"<title>{E(c.Title)}</title>");
        html.Append("""
            <style>
            @page { size: A4 landscape; margin: 15mm 12mm; }
            body { font-family: "Noto Sans CJK SC", "SimHei", sans-serif; color: #000; background: #fff; margin: 24px; }
            h1 { font-size: 28px; text-align: center; margin: 0 0 6px; }
            p.asof { text-align: center; font-size: 16px; margin: 0 0 14px; }
            table { border-collapse: collapse; margin: 0 auto; font-size: 14px; width: 100%; }
            thead { display: table-header-group; }
            tr { break-inside: avoid; }
            th, td { border: 1px solid #000; padding: 4px 5px; text-align: center; white-space: nowrap; }
            th { background: #e8e8e8; font-weight: bold; white-space: normal; font-size: 13px; }
            td.name { text-align: left; }
            span.rank { font-size: 11px; color: #333; }
            th:first-child { white-space: nowrap; }
            p.source { font-size: 13px; margin: 12px 0 0; text-align: right; }
            </style></head><body>
            """);
        html.Append(CultureInfo.InvariantCulture, $"<h1>{E(c.Title)}</h1>\n<p class=\"asof\">{E(c.AsOf)}</p>\n<table><thead><tr>");
        html.Append(CultureInfo.InvariantCulture, $"<th>名次</th><th>单位</th><th>{E(TotalHeader(c))}</th>");
        foreach (BoardIndicator i in c.Indicators)
        {
            html.Append(CultureInfo.InvariantCulture, $"<th>{E(Header(i))}</th>");
        }

        html.Append("</tr></thead><tbody>\n");
        foreach (BoardRow r in c.Rows)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(Publications.Int(r.Rank))}</td><td class=\"name\">{E(r.Name)}</td><td>{E(Publications.Shown(r.Score))}</td>");
            foreach ((double? value, int? rank) in r.Values)
            {
                string place = rank is int k ? string.Create(CultureInfo.InvariantCulture, $" <span class=\"rank\">({k})</span>") : string.Empty;
                html.Append(CultureInfo.InvariantCulture, $"<td>{E(Publications.Shown(value))}{place}</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append(CultureInfo.InvariantCulture,
            $"</tbody></table>\n<p class=\"source\">注：括号内为该指标考核得分在{c.Rows.Count}个单位中的位次。数据来源：{E(c.Office)}（已发布考核结果）。{E(c.GeneratedLine)}</p>\n</body></html>\n");
        return html.ToString();
    }

    public static void WritePdf(BoardContent c, Stream output, string? chromium = null) => CircularPdf.Print(Html(c), output, chromium);

    /// <summary>The board as a PNG: <see cref="ImageWidth"/> wide, as tall as its rows (at most <see cref="MaxImageHeight"/>).</summary>
    public static void WritePng(BoardContent c, Stream output, string? chromium = null)
    {
        ArgumentNullException.ThrowIfNull(c);
        int height = Math.Min(MaxImageHeight, 220 + (34 * (c.Rows.Count + 1)));
        CircularPdf.Screenshot(Html(c), output, ImageWidth, height, chromium);
    }

    /// <summary>The .xlsx: one sheet, the header row and a row per unit (rank, code, name, score, then value and rank per indicator).</summary>
    public static void WriteXlsx(BoardContent c, Stream output)
    {
        ArgumentNullException.ThrowIfNull(c);
        using var book = new XlsxBook(output);
        book.BeginSheet("公示 Board", new SheetSetup { FrozenRows = 1 });
        var header = new List<XCell> { XCell.Str("名次", XlsxBook.Header), XCell.Str("单位代码", XlsxBook.Header), XCell.Str("单位", XlsxBook.Header), XCell.Str(TotalHeader(c), XlsxBook.Header) };
        foreach (BoardIndicator i in c.Indicators)
        {
            header.Add(XCell.Str(Header(i), XlsxBook.Header));
            header.Add(XCell.Str(i.Name + "考核位次", XlsxBook.Header));
        }

        book.Row([.. header]);
        foreach (BoardRow r in c.Rows)
        {
            var cells = new List<XCell> { XCell.Int(r.Rank), XCell.Str(r.Code), XCell.Str(r.Name), XCell.Num(Publications.ShownNumber(r.Score)) };
            foreach ((double? value, int? rank) in r.Values)
            {
                cells.Add(XCell.Num(Publications.ShownNumber(value)));
                cells.Add(XCell.Int(rank));
            }

            book.Row([.. cells]);
        }

        book.EndSheet();
    }
}
