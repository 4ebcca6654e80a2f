using System.Globalization;
using System.Net;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Saima.Data.Reports;

/// <summary>A table of a publication: column headers and rows of shown texts (the same in .docx and the HTML print view).</summary>
public sealed record DocumentTable(string Caption, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    /// <summary>Per row, an optional CSS colour class of its last cell (warning colours); null: none.</summary>
    public IReadOnlyList<string?>? RowMarks { get; init; }
}

/// <summary>
/// A bar chart of a publication: one bar per label, drawn as SVG in the HTML print view (and so in
/// the PDF) and written as a two-column table in the .docx (Word charts need an embedded workbook;
/// the numbers are the same).
/// </summary>
public sealed record ChartPart(string Caption, string ValueHeader, IReadOnlyList<(string Label, double Value)> Bars) : DocumentPart;

/// <summary>A part of a publication: a heading, a paragraph or a table, in document order.</summary>
public abstract record DocumentPart;

/// <summary>A section heading (黑体).</summary>
public sealed record HeadingPart(string Text) : DocumentPart;

/// <summary>A body paragraph (仿宋, first-line indent).</summary>
public sealed record TextPart(string Text) : DocumentPart;

/// <summary>A real table.</summary>
public sealed record TablePart(DocumentTable Table) : DocumentPart;

/// <summary>
/// A publication's layout shared by the feedback report and the annual results: the office's red
/// header, a title, parts in order, the office and generated-at line at the end. Written as an
/// editable .docx (real Word tables, 仿宋/黑体, page numbers) or as the HTML print view the .pdf is
/// printed from (<see cref="CircularPdf.Print"/>), one table row to a printed line.
/// </summary>
public sealed record GovDocument(string Office, string Title, IReadOnlyList<DocumentPart> Parts, string GeneratedLine)
{
    public void WriteDocx(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        using WordprocessingDocument doc = WordprocessingDocument.Create(output, WordprocessingDocumentType.Document);
        MainDocumentPart main = doc.AddMainDocumentPart();
        FooterPart footer = CircularWriters.GovPage(main);

        var body = new Body();
        body.Append(new Paragraph(
            new ParagraphProperties(
                new Justification { Val = JustificationValues.Center },
                new ParagraphBorders(new BottomBorder { Val = BorderValues.Single, Size = 18, Color = "FF0000", Space = 6 }),
                new SpacingBetweenLines { Line = "800", LineRule = LineSpacingRuleValues.AtLeast, After = "600" }),
            new Run(new RunProperties(Fonts(CircularWriters.HeadingFont), new Color { Val = "FF0000" }, new Bold(), new FontSize { Val = "52" }), new Text(Office))));
        body.Append(new Paragraph(
            new ParagraphProperties(new Justification { Val = JustificationValues.Center }, new SpacingBetweenLines { After = "300", Line = "600", LineRule = LineSpacingRuleValues.AtLeast }),
            TextRun(Title, CircularWriters.HeadingFont, 36)));
        foreach (DocumentPart part in Parts)
        {
            switch (part)
            {
                case HeadingPart h:
                    body.Append(new Paragraph(
                        new ParagraphProperties(new SpacingBetweenLines { Before = "200", After = "100" }),
                        TextRun(h.Text, CircularWriters.HeadingFont, 32)));
                    break;
                case TextPart t:
                    body.Append(new Paragraph(
                        new ParagraphProperties(new Indentation { FirstLineChars = 200, FirstLine = "640" }),
                        TextRun(t.Text, CircularWriters.BodyFont, 32)));
                    break;
                case ChartPart cp:
                    body.Append(new Paragraph(
                        new ParagraphProperties(new Justification { Val = JustificationValues.Center }, new SpacingBetweenLines { Before = "200", After = "100" }),
                        TextRun(cp.Caption, CircularWriters.HeadingFont, 28)));
                    body.Append(Table(new DocumentTable(cp.Caption, ["单位", cp.ValueHeader],
                        cp.Bars.Select(b => (IReadOnlyList<string>)[b.Label, Publications.Shown(b.Value)]).ToList())));
                    break;
                case TablePart tp:
                    body.Append(new Paragraph(
                        new ParagraphProperties(new Justification { Val = JustificationValues.Center }, new SpacingBetweenLines { Before = "200", After = "100" }),
                        TextRun(tp.Table.Caption, CircularWriters.HeadingFont, 28)));
                    body.Append(Table(tp.Table));
                    break;
            }
        }

        body.Append(new Paragraph(
            new ParagraphProperties(new Justification { Val = JustificationValues.Right }, new SpacingBetweenLines { Before = "400" }),
            TextRun(Office, CircularWriters.BodyFont, 32)));
        body.Append(new Paragraph(
            new ParagraphProperties(new Justification { Val = JustificationValues.Right }),
            TextRun(GeneratedLine, CircularWriters.BodyFont, 21)));
        body.Append(CircularWriters.GovSection(main, footer));
        main.Document = new Document(body);
        main.Document.Save();
    }

    private static Table Table(DocumentTable t)
    {
        var border = new TableBorders(
            new TopBorder { Val = BorderValues.Single, Size = 4 }, new BottomBorder { Val = BorderValues.Single, Size = 4 },
            new LeftBorder { Val = BorderValues.Single, Size = 4 }, new RightBorder { Val = BorderValues.Single, Size = 4 },
            new InsideHorizontalBorder { Val = BorderValues.Single, Size = 4 }, new InsideVerticalBorder { Val = BorderValues.Single, Size = 4 });
        var table = new Table(new TableProperties(
            border,
            new TableWidth { Width = "5000", Type = TableWidthUnitValues.Pct },
            new TableLayout { Type = TableLayoutValues.Autofit },
            new TableJustification { Val = TableRowAlignmentValues.Center }));
        table.Append(new TableGrid(t.Headers.Select(_ => new GridColumn()).ToArray()));
        table.Append(new TableRow([new TableRowProperties(new TableHeader(), new CantSplit()), .. t.Headers.Select(h => Cell(h, CircularWriters.HeadingFont))]));
        foreach (IReadOnlyList<string> row in t.Rows)
        {
            table.Append(new TableRow([new TableRowProperties(new CantSplit()), .. row.Select(c => Cell(c, CircularWriters.BodyFont))]));
        }

        return table;
    }

    private static TableCell Cell(string text, string font) => CircularWriters.Cell(text, font, 21);

    private static Run TextRun(string text, string font, int halfPoints) => CircularWriters.TextRun(text, font, halfPoints);

    private static RunFonts Fonts(string font) => CircularWriters.Fonts(font);

    /// <summary>A horizontal bar chart as inline SVG: a bar per label (negative values to the left of the axis), the value at its end.</summary>
    private static string Svg(ChartPart chart)
    {
        static string E(string? s) => WebUtility.HtmlEncode(s ?? string.Empty);
        static string N(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
        const double Width = 600, Label = 110, Value = 70, Row = 18;
        double max = chart.Bars.Count == 0 ? 1 : chart.Bars.Max(b => Math.Max(0, b.Value));
        double min = chart.Bars.Count == 0 ? 0 : chart.Bars.Min(b => Math.Min(0, b.Value));
        double span = Math.Max(max - min, 1e-9), plot = Width - Label - Value;
        double zero = Label + (plot * (-min / span));
        var svg = new StringBuilder();
        double height = (chart.Bars.Count * Row) + 6;
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{N(Width)}\" height=\"{N(height)}\" viewBox=\"0 0 {N(Width)} {N(height)}\" font-size=\"11\">");
        for (int i = 0; i < chart.Bars.Count; i++)
        {
            (string label, double value) = chart.Bars[i];
            double y = 3 + (i * Row);
            double length = plot * (Math.Abs(value) / span);
            double x = value >= 0 ? zero : zero - length;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(Label - 6)}\" y=\"{N(y + 12)}\" text-anchor=\"end\">{E(label)}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{N(x)}\" y=\"{N(y + 2)}\" width=\"{N(Math.Max(length, 0.5))}\" height=\"{N(Row - 5)}\" fill=\"{(value >= 0 ? "#b22" : "#777")}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N((value >= 0 ? x + length : zero) + 4)}\" y=\"{N(y + 12)}\">{E(Publications.Shown(value))}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{N(zero)}\" y1=\"0\" x2=\"{N(zero)}\" y2=\"{N(height)}\" stroke=\"#000\" stroke-width=\"0.8\"/></svg>\n");
        return svg.ToString();
    }

    /// <summary>The HTML print view: A4, page numbers in the bottom margin, every text HTML-encoded, one table row to a line.</summary>
    public string Html()
    {
        static string E(string? s) => WebUtility.HtmlEncode(s ?? string.Empty);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">");
        html.Append(CultureInfo.InvariantCulture, $"<title>{E(Title)}</title>");
        html.Append("""
            <style>
            @page { size: A4; margin: 30mm 20mm 25mm 22mm;
              @bottom-center { content: "— " counter(page) " —"; font-family: "FangSong", "仿宋", "Noto Serif CJK SC", serif; font-size: 12pt; } }
            body { font-family: "FangSong", "仿宋", "Noto Serif CJK SC", "Noto Sans CJK SC", serif; font-size: 14pt; line-height: 1.6; color: #000; margin: 0; }
            .red { color: #e00; font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; font-weight: bold; font-size: 24pt; text-align: center;
              border-bottom: 2.5pt solid #e00; padding-bottom: 5mm; margin-bottom: 7mm; letter-spacing: 2pt; }
            h1 { font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; font-size: 18pt; font-weight: normal; text-align: center; margin: 0 0 6mm; }
            h2 { font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; font-size: 14pt; font-weight: normal; margin: 5mm 0 2mm; }
            h3 { font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; font-size: 12pt; font-weight: normal; text-align: center; margin: 4mm 0 2mm; }
            p.text { text-indent: 2em; margin: 0; }
            div.chart { break-inside: avoid; }
            svg.chart { display: block; margin: 0 auto 3mm; font-family: "Noto Sans CJK SC", sans-serif; }
            table { border-collapse: collapse; margin: 0 auto; font-size: 10.5pt; }
            thead { display: table-header-group; }
            tr { break-inside: avoid; }
            th, td { border: 0.75pt solid #000; padding: 0.8mm 2mm; text-align: center; white-space: nowrap; }
            th { font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; font-weight: normal; }
            td.red { color: #c00; } td.yellow { color: #a60; } td.blue { color: #06c; } td.orange { color: #d60; }
            .sign { text-align: right; margin-top: 10mm; }
            .generated { text-align: right; font-size: 10.5pt; }
            </style></head><body>
            """);
        html.Append(CultureInfo.InvariantCulture, $"<div class=\"red\">{E(Office)}</div>\n<h1>{E(Title)}</h1>\n");
        foreach (DocumentPart part in Parts)
        {
            switch (part)
            {
                case HeadingPart h:
                    html.Append(CultureInfo.InvariantCulture, $"<h2>{E(h.Text)}</h2>\n");
                    break;
                case TextPart t:
                    html.Append(CultureInfo.InvariantCulture, $"<p class=\"text\">{E(t.Text)}</p>\n");
                    break;
                case ChartPart cp:
                    html.Append(CultureInfo.InvariantCulture, $"<div class=\"chart\"><h3>{E(cp.Caption)}</h3>\n");
                    html.Append(Svg(cp)).Append("</div>\n");
                    break;
                case TablePart tp:
                    html.Append(CultureInfo.InvariantCulture, $"<h3>{E(tp.Table.Caption)}</h3>\n<table><thead><tr>");
                    foreach (string h in tp.Table.Headers)
                    {
                        html.Append(CultureInfo.InvariantCulture, $"<th>{E(h)}</th>");
                    }

                    html.Append("</tr></thead><tbody>\n");
                    for (int r = 0; r < tp.Table.Rows.Count; r++)
                    {
                        IReadOnlyList<string> row = tp.Table.Rows[r];
                        string? mark = tp.Table.RowMarks is { } marks && r < marks.Count ? marks[r] : null;
                        html.Append("<tr>");
                        for (int c = 0; c < row.Count; c++)
                        {
                            string cls = mark is not null && c == row.Count - 1 ? $" class=\"{E(mark)}\"" : string.Empty;
                            html.Append(CultureInfo.InvariantCulture, $"<td{cls}>{E(row[c])}</td>");
                        }

                        html.Append("</tr>\n");
                    }

                    html.Append("</tbody></table>\n");
                    break;
            }
        }

        html.Append(CultureInfo.InvariantCulture, $"<p class=\"sign\">{E(Office)}</p>\n<p class=\"generated\">{E(GeneratedLine)}</p>\n</body></html>\n");
        return html.ToString();
    }
}
