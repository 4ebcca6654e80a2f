using System.Globalization;
using System.Net;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Saima.Data.Intake;

namespace Saima.Data.Reports;

/// <summary>
/// The circular's pure writers: the same <see cref="CircularContent"/> as an .xlsx workbook
/// (numbers as numbers), an editable .docx (real tables, the government document layout) and the
/// HTML print view the .pdf is printed from (<see cref="CircularPdf"/>). None reads the store.
/// </summary>
public static class CircularWriters
{
    /// <summary>The league table's sheet in the .xlsx.</summary>
    public const string TableSheet = "通报 Circular";

    /// <summary>The sheet with the title, draft text and source of the .xlsx.</summary>
    public const string TextSheet = "说明 Notes";

    /// <summary>The .xlsx sheet of the dimensions' tables (one row per dimension and unit).</summary>
    public const string DimensionSheet = "分项 Dimensions";

    /// <summary>The table's column headers (Chinese; the .xlsx adds English as the store's exports do).</summary>
    private static readonly string[] Header = ["名次", "单位", "得分"];

    /// <summary>Body text font (仿宋) and heading font (黑体), as government documents set them.</summary>
    public const string BodyFont = "仿宋";

    public const string HeadingFont = "黑体";

    /// <summary>
    /// The .xlsx: sheet <see cref="TableSheet"/> with a header row and one row per unit in rank order
    /// (rank, code, name, score rounded as shown, track, track rank, change, red warnings: numbers as
    /// numbers), and sheet <see cref="TextSheet"/> with the office, title, draft and source.
    /// </summary>
    public static void WriteXlsx(CircularContent content, Stream output)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(output);
        using var book = new XlsxBook(output);
        book.BeginSheet(TableSheet, new SheetSetup { FrozenRows = 1, ColumnWidths = [10, 12, 24, 12, 12, 12, 12, 14] });
        book.Row(
            XCell.Str("名次 Rank", XlsxBook.Header), XCell.Str("单位代码 Code", XlsxBook.Header), XCell.Str("单位 Unit", XlsxBook.Header),
            XCell.Str("得分 Score", XlsxBook.Header), XCell.Str("赛道 Track", XlsxBook.Header), XCell.Str("赛道名次 Track rank", XlsxBook.Header),
            XCell.Str("名次变化 Change", XlsxBook.Header), XCell.Str("红色预警 Red warnings", XlsxBook.Header));
        foreach (CircularRow r in content.Rows)
        {
            book.Row(XCell.Int(r.Rank), XCell.Str(r.Code), XCell.Str(r.Name), XCell.Num(r.ShownScore), XCell.Str(r.Track),
                XCell.Int(r.TrackRank), XCell.Int(r.RankChange), XCell.Int(r.RedWarnings));
        }

        book.EndSheet();
        book.BeginSheet(TextSheet, new SheetSetup { ColumnWidths = [18, 100] });
        book.Row(XCell.Str("发文机关 Office", XlsxBook.Header), XCell.Str(content.Office));
        book.Row(XCell.Str("标题 Title", XlsxBook.Header), XCell.Str(content.Title));
        if (content.Number is not null)
        {
            book.Row(XCell.Str("发文字号 Number", XlsxBook.Header), XCell.Str(content.Number));
        }

        if (content.IssuedOnText is string issued)
        {
            book.Row(XCell.Str("发文日期 Issued", XlsxBook.Header), XCell.Str(issued));
        }

        book.Row(XCell.Str("考核方案 Scheme", XlsxBook.Header), XCell.Str($"{content.SchemeName}（{content.SchemeCode}）"));
        book.Row(XCell.Str("期次 Period", XlsxBook.Header), XCell.Str(content.Period));
        book.Row(XCell.Str("排名依据 Ranked by", XlsxBook.Header), XCell.Str(content.TotalName));
        book.Row(XCell.Str("通报正文（草稿） Draft", XlsxBook.Header), XCell.Str(content.Draft));
        if (content.NotClearlyAheadText is { } unclear)
        {
            book.Row(XCell.Str("名次区间 Rank intervals", XlsxBook.Header), XCell.Str(unclear));
        }

        book.Row(XCell.Str("结果集 Result set", XlsxBook.Header), XCell.Int(content.ResultSetId));
        book.Row(XCell.Str("生成时间 Generated", XlsxBook.Header), XCell.Str(content.GeneratedLine));
        book.EndSheet();
        if (content.Dimensions.Count > 0)
        {
            book.BeginSheet(DimensionSheet, new SheetSetup { FrozenRows = 1, ColumnWidths = [14, 20, 10, 12, 24, 12] });
            book.Row(
                XCell.Str("维度代码 Dimension", XlsxBook.Header), XCell.Str("维度 Name", XlsxBook.Header), XCell.Str("名次 Rank", XlsxBook.Header),
                XCell.Str("单位代码 Code", XlsxBook.Header), XCell.Str("单位 Unit", XlsxBook.Header), XCell.Str("得分 Score", XlsxBook.Header));
            foreach (CircularDimension d in content.Dimensions)
            {
                foreach (CircularDimensionRow r in d.Rows)
                {
                    book.Row(XCell.Str(d.Code), XCell.Str(d.Name), XCell.Int(r.Rank), XCell.Str(r.Code), XCell.Str(r.Name), XCell.Num(r.ShownScore));
                }
            }

            book.EndSheet();
        }
    }

    /// <summary>
    /// The .docx: the office's name in red over a red rule (红头), the title in 黑体, the draft
    /// paragraph and the league table (a real Word table, header row repeated on each page) in
    /// 仿宋, the office and generated-at line at the end, page numbers in the footer. A4 with the
    /// margins of government documents.
    /// </summary>
    public static void WriteDocx(CircularContent content, Stream output)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(output);
        using WordprocessingDocument doc = WordprocessingDocument.Create(output, WordprocessingDocumentType.Document);
        MainDocumentPart main = doc.AddMainDocumentPart();

        FooterPart footer = GovPage(main);

        var body = new Body();

        // 红头: the office's name, large, red, centred, over a red rule (under the document number when there is one).
        static ParagraphBorders Rule() => new(new BottomBorder { Val = BorderValues.Single, Size = 18, Color = "FF0000", Space = 6 });
        var office = new ParagraphProperties(
            new Justification { Val = JustificationValues.Center },
            new SpacingBetweenLines { Line = "800", LineRule = LineSpacingRuleValues.AtLeast, After = content.Number is null ? "600" : "200" });
        if (content.Number is null)
        {
            office.InsertAt(Rule(), 1);
        }

        body.Append(new Paragraph(office,
            new Run(new RunProperties(Fonts(HeadingFont), new Color { Val = "FF0000" }, new Bold(), new FontSize { Val = "52" }), new Text(content.Office))));
        if (content.Number is not null)
        {
            body.Append(new Paragraph(
                new ParagraphProperties(new Justification { Val = JustificationValues.Center }, Rule(), new SpacingBetweenLines { After = "600" }),
                TextRun(content.Number, BodyFont, 32)));
        }

        body.Append(new Paragraph(
            new ParagraphProperties(new Justification { Val = JustificationValues.Center }, new SpacingBetweenLines { After = "300", Line = "600", LineRule = LineSpacingRuleValues.AtLeast }),
            TextRun(content.Title, HeadingFont, 36)));

        foreach (string paragraph in content.DraftParagraphs)
        {
            body.Append(new Paragraph(
                new ParagraphProperties(new Indentation { FirstLineChars = 200, FirstLine = "640" }),
                TextRun(paragraph, BodyFont, 32)));
        }

        body.Append(new Paragraph(
            new ParagraphProperties(new Justification { Val = JustificationValues.Center }, new SpacingBetweenLines { Before = "200", After = "100" }),
            TextRun($"{content.PeriodText}{content.SchemeName}排名（按{content.TotalName}）", HeadingFont, 28)));
        body.Append(Table(content));
        if (content.NotClearlyAheadText is { } unclear)
        {
            body.Append(new Paragraph(
                new ParagraphProperties(new Indentation { FirstLineChars = 200, FirstLine = "640" }, new SpacingBetweenLines { Before = "200" }),
                TextRun(unclear, BodyFont, 28)));
        }

        foreach (CircularDimension d in content.Dimensions)
        {
            body.Append(new Paragraph(
                new ParagraphProperties(new KeepNext(), new Justification { Val = JustificationValues.Center }, new SpacingBetweenLines { Before = "300", After = "100" }),
                TextRun(d.Heading, HeadingFont, 28)));
            body.Append(DimensionTable(d));
            if (d.CutText is { } cut)
            {
                body.Append(new Paragraph(new ParagraphProperties(new Justification { Val = JustificationValues.Center }), TextRun(cut, BodyFont, 24)));
            }
        }

        body.Append(new Paragraph(
            new ParagraphProperties(new Justification { Val = JustificationValues.Right }, new SpacingBetweenLines { Before = "400" }),
            TextRun(content.Office, BodyFont, 32)));
        if (content.IssuedOnText is string issued)
        {
            body.Append(new Paragraph(new ParagraphProperties(new Justification { Val = JustificationValues.Right }), TextRun(issued, BodyFont, 32)));
        }

        body.Append(new Paragraph(
            new ParagraphProperties(new Justification { Val = JustificationValues.Right }),
            TextRun(content.GeneratedLine, BodyFont, 21)));

        body.Append(GovSection(main, footer));
        main.Document = new Document(body);
        main.Document.Save();
    }

    private static Table Table(CircularContent content)
    {
        bool tracks = content.HasTracks;
        var headers = new List<string>(Header);
        if (tracks)
        {
            headers.AddRange(["赛道", "赛道名次"]);
        }

        headers.AddRange(["名次变化", "红色预警"]);
        var border = new TableBorders(
            new TopBorder { Val = BorderValues.Single, Size = 4 }, new BottomBorder { Val = BorderValues.Single, Size = 4 },
            new LeftBorder { Val = BorderValues.Single, Size = 4 }, new RightBorder { Val = BorderValues.Single, Size = 4 },
            new InsideHorizontalBorder { Val = BorderValues.Single, Size = 4 }, new InsideVerticalBorder { Val = BorderValues.Single, Size = 4 });
        var table = new Table(new TableProperties(
            border,
            new TableWidth { Width = "5000", Type = TableWidthUnitValues.Pct },
            new TableLayout { Type = TableLayoutValues.Autofit },
            new TableJustification { Val = TableRowAlignmentValues.Center }));
        table.Append(new TableGrid(headers.Select(_ => new GridColumn()).ToArray()));
        table.Append(new TableRow([new TableRowProperties(new TableHeader(), new CantSplit()), .. headers.Select(h => Cell(h, HeadingFont))]));
        foreach (CircularRow r in content.Rows)
        {
            var cells = new List<string> { r.RankText, r.Name, r.ScoreText };
            if (tracks)
            {
                cells.AddRange([r.Track ?? string.Empty, r.TrackRank?.ToString(CultureInfo.InvariantCulture) ?? "–"]);
            }

            cells.AddRange([r.ChangeText, r.RedWarnings.ToString(CultureInfo.InvariantCulture)]);
            table.Append(new TableRow([new TableRowProperties(new CantSplit()), .. cells.Select(c => Cell(c, BodyFont))]));
        }

        return table;
    }

    private static Table DimensionTable(CircularDimension d)
    {
        var border = new TableBorders(
            new TopBorder { Val = BorderValues.Single, Size = 4 }, new BottomBorder { Val = BorderValues.Single, Size = 4 },
            new LeftBorder { Val = BorderValues.Single, Size = 4 }, new RightBorder { Val = BorderValues.Single, Size = 4 },
            new InsideHorizontalBorder { Val = BorderValues.Single, Size = 4 }, new InsideVerticalBorder { Val = BorderValues.Single, Size = 4 });
        var table = new Table(new TableProperties(
            border,
            new TableWidth { Width = "3500", Type = TableWidthUnitValues.Pct },
            new TableLayout { Type = TableLayoutValues.Autofit },
            new TableJustification { Val = TableRowAlignmentValues.Center }));
        table.Append(new TableGrid(Header.Select(_ => new GridColumn()).ToArray()));
        table.Append(new TableRow([new TableRowProperties(new TableHeader(), new CantSplit()), .. Header.Select(h => Cell(h, HeadingFont))]));
        foreach (CircularDimensionRow r in d.Rows)
        {
            table.Append(new TableRow([new TableRowProperties(new CantSplit()), Cell(r.RankText, BodyFont), Cell(r.Name, BodyFont), Cell(r.ScoreText, BodyFont)]));
        }

        return table;
    }

    /// <summary>
    /// The page of the government layout in a new .docx (every document's): 仿宋 三号 with fixed
    /// 28 pt lines by default, and a footer holding the page number as "— 1 —".
    /// </summary>
    internal static FooterPart GovPage(MainDocumentPart main)
    {
        StyleDefinitionsPart styles = main.AddNewPart<StyleDefinitionsPart>();
        styles.Styles = new Styles(new DocDefaults(
            new RunPropertiesDefault(new RunPropertiesBaseStyle(Fonts(BodyFont), new FontSize { Val = "32" }, new Languages { EastAsia = "zh-CN" })),
            new ParagraphPropertiesDefault(new ParagraphPropertiesBaseStyle(new SpacingBetweenLines { Line = "560", LineRule = LineSpacingRuleValues.Exact }))));
        styles.Styles.Save();

        FooterPart footer = main.AddNewPart<FooterPart>();
        RunProperties FooterRun() => new(Fonts(BodyFont), new FontSize { Val = "28" });
        footer.Footer = new Footer(new Paragraph(
            new ParagraphProperties(new Justification { Val = JustificationValues.Center }),
            TextRun("— ", BodyFont, 28),
            new Run(FooterRun(), new FieldChar { FieldCharType = FieldCharValues.Begin }),
            new Run(FooterRun(), new FieldCode(" PAGE ") { Space = SpaceProcessingModeValues.Preserve }),
            new Run(FooterRun(), new FieldChar { FieldCharType = FieldCharValues.Separate }),
            TextRun("1", BodyFont, 28),
            new Run(FooterRun(), new FieldChar { FieldCharType = FieldCharValues.End }),
            TextRun(" —", BodyFont, 28)));
        footer.Footer.Save();
        return footer;
    }

    /// <summary>A4, margins 3.7/3.5/2.8/2.6 cm as government documents have them; the footer holds the page number.</summary>
    internal static SectionProperties GovSection(MainDocumentPart main, FooterPart footer) => new(
        new FooterReference { Type = HeaderFooterValues.Default, Id = main.GetIdOfPart(footer) },
        new PageSize { Width = 11906U, Height = 16838U },
        new PageMargin { Top = 2098, Bottom = 1984, Left = 1588U, Right = 1474U, Header = 851U, Footer = 992U });

    /// <summary>A table cell of the government layout: centred, at least 20 pt lines (the other documents share it).</summary>
    internal static TableCell Cell(string text, string font, int halfPoints = 24) => new(
        new TableCellProperties(new TableCellVerticalAlignment { Val = TableVerticalAlignmentValues.Center }),
        new Paragraph(
            new ParagraphProperties(new Justification { Val = JustificationValues.Center }, new SpacingBetweenLines { Line = "400", LineRule = LineSpacingRuleValues.AtLeast }),
            TextRun(text, font, halfPoints)));

    internal static Run TextRun(string text, string font, int halfPoints) =>
        new(new RunProperties(Fonts(font), new FontSize { Val = halfPoints.ToString(CultureInfo.InvariantCulture) }),
            new Text(text) { Space = SpaceProcessingModeValues.Preserve });

    internal static RunFonts Fonts(string font) => new() { Ascii = font, HighAnsi = font, EastAsia = font, ComplexScript = font };

    /// <summary>
    /// The HTML print view the .pdf is printed from: the same parts as the .docx, A4, the table one
    /// unit to a row (so a text extraction reads one unit to a line, in rank order), page numbers
    /// in the page's bottom margin. Every text from the store is HTML-encoded.
    /// </summary>
    public static string Html(CircularContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        static string E(string? s) => WebUtility.HtmlEncode(s ?? string.Empty);
        bool tracks = content.HasTracks;
        var html = new StringBuilder();
        html.Append("""
            <!DOCTYPE html>
            <html lang="zh-CN"><head><meta charset="utf-8">
            """);
        html.Append(CultureInfo.InvariantCulture, $"<title>{E(content.Title)}</title>");
        html.Append("""
            <style>
            @page { size: A4; margin: 37mm 26mm 28mm 28mm;
              @bottom-center { content: "— " counter(page) " —"; font-family: "FangSong", "仿宋", "Noto Serif CJK SC", serif; font-size: 12pt; } }
            body { font-family: "FangSong", "仿宋", "Noto Serif CJK SC", "Noto Sans CJK SC", serif; font-size: 15pt; line-height: 1.6; color: #000; margin: 0; }
            .red { color: #e00; font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; font-weight: bold; font-size: 26pt; text-align: center;
              border-bottom: 2.5pt solid #e00; padding-bottom: 6mm; margin-bottom: 8mm; letter-spacing: 2pt; }
            h1 { font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; font-size: 18pt; font-weight: normal; text-align: center; margin: 0 0 6mm; }
            h2 { font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; font-size: 14pt; font-weight: normal; text-align: center; margin: 6mm 0 3mm; }
            p.draft { text-indent: 2em; margin: 0; }
            table { border-collapse: collapse; margin: 0 auto; font-size: 12pt; }
            thead { display: table-header-group; }
            tr { break-inside: avoid; }
            th, td { border: 0.75pt solid #000; padding: 1mm 3mm; text-align: center; white-space: nowrap; }
            th { font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; font-weight: normal; }
            .red .number { color: #000; font-family: "FangSong", "仿宋", "Noto Serif CJK SC", serif; font-weight: normal; font-size: 15pt; letter-spacing: 0; margin-top: 3mm; }
            .sign { text-align: right; margin-top: 10mm; }
            .dated { text-align: right; margin: 0; }
            .generated { text-align: right; font-size: 10.5pt; }
            section.dimension h2 { break-after: avoid; }
            p.cut { text-align: center; font-size: 11pt; margin: 1mm 0 0; }
            </style></head><body>
            """);
        html.Append(CultureInfo.InvariantCulture, $"<div class=\"red\">{E(content.Office)}");
        if (content.Number is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<div class=\"number\">{E(content.Number)}</div>");
        }

        html.Append("</div>\n");
        html.Append(CultureInfo.InvariantCulture, $"<h1>{E(content.Title)}</h1>\n");
        foreach (string paragraph in content.DraftParagraphs)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"draft\">{E(paragraph)}</p>\n");
        }
        html.Append(CultureInfo.InvariantCulture, $"<h2>{E(content.PeriodText)}{E(content.SchemeName)}排名（按{E(content.TotalName)}）</h2>\n");
        html.Append("<table><thead><tr><th>名次</th><th>单位</th><th>得分</th>");
        if (tracks)
        {
            html.Append("<th>赛道</th><th>赛道名次</th>");
        }

        html.Append("<th>名次变化</th><th>红色预警</th></tr></thead><tbody>\n");
        foreach (CircularRow r in content.Rows)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(r.RankText)}</td><td>{E(r.Name)}</td><td>{E(r.ScoreText)}</td>");
            if (tracks)
            {
                html.Append(CultureInfo.InvariantCulture, $"<td>{E(r.Track)}</td><td>{E(r.TrackRank?.ToString(CultureInfo.InvariantCulture) ?? "–")}</td>");
            }

            html.Append(CultureInfo.InvariantCulture, $"<td>{E(r.ChangeText)}</td><td>{r.RedWarnings}</td></tr>\n");
        }

        html.Append("</tbody></table>\n");
        if (content.NotClearlyAheadText is { } unclear)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"draft unclear\">{E(unclear)}</p>\n");
        }

        foreach (CircularDimension d in content.Dimensions)
        {
            html.Append(CultureInfo.InvariantCulture, $"<section class=\"dimension\" data-code=\"{E(d.Code)}\"><h2>{E(d.Heading)}</h2>\n");
            html.Append("<table><thead><tr><th>名次</th><th>单位</th><th>得分</th></tr></thead><tbody>\n");
            foreach (CircularDimensionRow r in d.Rows)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(r.RankText)}</td><td>{E(r.Name)}</td><td>{E(r.ScoreText)}</td></tr>\n");
            }

            html.Append("</tbody></table>\n");
            if (d.CutText is { } cut)
            {
                html.Append(CultureInfo.InvariantCulture, $"<p class=\"cut\">{E(cut)}</p>\n");
            }

            html.Append("</section>\n");
        }

        html.Append(CultureInfo.InvariantCulture, $"<p class=\"sign\">{E(content.Office)}</p>\n");
        if (content.IssuedOnText is string issued)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"dated\">{E(issued)}</p>\n");
        }

        html.Append(CultureInfo.InvariantCulture, $"<p class=\"generated\">{E(content.GeneratedLine)}</p>\n");
        html.Append("</body></html>\n");
        return html.ToString();
    }
}
