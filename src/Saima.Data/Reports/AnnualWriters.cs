using System.Globalization;
using Saima.Data.Intake;

namespace Saima.Data.Reports;

/// <summary>
/// The annual results' pure writers: .xlsx (numbers as numbers), .docx (real tables) and the HTML
/// print view the .pdf is printed from. None reads the store.
/// </summary>
public static class AnnualWriters
{
    /// <summary>The results sheet of the .xlsx.</summary>
    public const string TableSheet = "年度结果 Annual";

    /// <summary>The awards sheet of the .xlsx.</summary>
    public const string AwardSheet = "奖项 Awards";

    /// <summary>The notes sheet of the .xlsx.</summary>
    public const string TextSheet = "说明 Notes";

    public static IReadOnlyList<string> Headers(bool tracks) => tracks
        ? ["名次", "单位", "年度综合得分", "赛道", "赛道名次", "等次", "年初名次", "年末名次", "进退位"]
        : ["名次", "单位", "年度综合得分", "等次", "年初名次", "年末名次", "进退位"];

    private static string Gain(int? gain) => gain switch
    {
        > 0 => "▲" + gain.Value.ToString(CultureInfo.InvariantCulture),
        < 0 => "▼" + (-gain.Value).ToString(CultureInfo.InvariantCulture),
        0 => "0",
        _ => "–",
    };

    public static GovDocument Document(AnnualContent c)
    {
        ArgumentNullException.ThrowIfNull(c);
        bool tracks = c.HasTracks;
        var parts = new List<DocumentPart> { new TextPart(c.Text) };
        var rows = c.Rows.Select(r => (IReadOnlyList<string>)(tracks
            ? [Publications.Int(r.Rank), r.Name, Publications.Shown(r.Composite), r.Track ?? "–", Publications.Int(r.TrackRank), r.Grade ?? "–",
                Publications.Int(r.FirstRank), Publications.Int(r.LastRank), Gain(r.Gain)]
            : [Publications.Int(r.Rank), r.Name, Publications.Shown(r.Composite), r.Grade ?? "–",
                Publications.Int(r.FirstRank), Publications.Int(r.LastRank), Gain(r.Gain)])).ToList();
        parts.Add(new HeadingPart("一、年度排名与等次"));
        parts.Add(new TablePart(new DocumentTable(string.Create(CultureInfo.InvariantCulture, $"{c.Year}年度{c.SchemeName}综合排名"), Headers(tracks), rows)));
        parts.Add(new HeadingPart("二、奖项"));
        parts.Add(c.Awards.Count > 0
            ? new TablePart(new DocumentTable("获奖单位", ["奖项", "单位", "理由"],
                c.Awards.Select(a => (IReadOnlyList<string>)[a.Award, a.Name, a.Reason]).ToList()))
            : new TextPart("本年度没有颁发奖项。"));
        return new GovDocument(c.Office, c.Title, parts, c.GeneratedLine);
    }

    public static void WriteDocx(AnnualContent content, Stream output) => Document(content).WriteDocx(output);

    public static string Html(AnnualContent content) => Document(content).Html();

    public static void WritePdf(AnnualContent content, Stream output, string? chromium = null) => CircularPdf.Print(Html(content), output, chromium);

    /// <summary>
    /// The .xlsx: sheet <see cref="TableSheet"/> (rank, code, unit, composite rounded as shown, track,
    /// track rank, grade, first and last rank, gain, periods scored: numbers as numbers), sheet
    /// <see cref="AwardSheet"/> and sheet <see cref="TextSheet"/>.
    /// </summary>
    public static void WriteXlsx(AnnualContent c, Stream output)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(output);
        using var book = new XlsxBook(output);
        book.BeginSheet(TableSheet, new SheetSetup { FrozenRows = 1, ColumnWidths = [10, 12, 24, 14, 12, 12, 10, 12, 12, 12, 12] });
        book.Row(
            XCell.Str("名次 Rank", XlsxBook.Header), XCell.Str("单位代码 Code", XlsxBook.Header), XCell.Str("单位 Unit", XlsxBook.Header),
            XCell.Str("年度综合得分 Composite", XlsxBook.Header), XCell.Str("赛道 Track", XlsxBook.Header), XCell.Str("赛道名次 Track rank", XlsxBook.Header),
            XCell.Str("等次 Grade", XlsxBook.Header), XCell.Str("年初名次 First rank", XlsxBook.Header), XCell.Str("年末名次 Last rank", XlsxBook.Header),
            XCell.Str("进退位 Gain", XlsxBook.Header), XCell.Str("期数 Periods", XlsxBook.Header));
        foreach (AnnualRow r in c.Rows)
        {
            book.Row(XCell.Int(r.Rank), XCell.Str(r.Code), XCell.Str(r.Name), XCell.Num(Publications.ShownNumber(r.Composite)), XCell.Str(r.Track),
                XCell.Int(r.TrackRank), XCell.Str(r.Grade), XCell.Int(r.FirstRank), XCell.Int(r.LastRank), XCell.Int(r.Gain), XCell.Int(r.Periods));
        }

        book.EndSheet();
        book.BeginSheet(AwardSheet, new SheetSetup { FrozenRows = 1, ColumnWidths = [16, 12, 24, 60] });
        book.Row(XCell.Str("奖项 Award", XlsxBook.Header), XCell.Str("单位代码 Code", XlsxBook.Header), XCell.Str("单位 Unit", XlsxBook.Header), XCell.Str("理由 Reason", XlsxBook.Header));
        foreach (AnnualAwardGiven a in c.Awards)
        {
            book.Row(XCell.Str(a.Award), XCell.Str(a.Code), XCell.Str(a.Name), XCell.Str(a.Reason));
        }

        book.EndSheet();
        book.BeginSheet(TextSheet, new SheetSetup { ColumnWidths = [18, 100] });
        book.Row(XCell.Str("发文机关 Office", XlsxBook.Header), XCell.Str(c.Office));
        book.Row(XCell.Str("标题 Title", XlsxBook.Header), XCell.Str(c.Title));
        book.Row(XCell.Str("考核方案 Scheme", XlsxBook.Header), XCell.Str($"{c.SchemeName}（{c.SchemeCode}）"));
        book.Row(XCell.Str("年度 Year", XlsxBook.Header), XCell.Int(c.Year));
        book.Row(XCell.Str("期次 Periods", XlsxBook.Header), XCell.Str(string.Join(", ", c.Periods)));
        book.Row(XCell.Str("年度规则 Rule", XlsxBook.Header), XCell.Str(c.Rule.ToJson()));
        book.Row(XCell.Str("正文 Text", XlsxBook.Header), XCell.Str(c.Text));
        book.Row(XCell.Str("生成时间 Generated", XlsxBook.Header), XCell.Str(c.GeneratedLine));
        book.EndSheet();
    }
}
