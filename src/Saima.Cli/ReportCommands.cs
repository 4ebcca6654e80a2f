using System.CommandLine;
using System.Globalization;
using Saima.Data;
using Saima.Data.Reports;

namespace Saima.Cli;

/// <summary>
/// The publications (docs/reports.md): <c>saima report circular</c> writes a published period's
/// monthly circular (通报) as .pdf, .docx or .xlsx, from the stored results only.
/// </summary>
internal static class ReportCommands
{
    private const string ReportDescription = """
        Writes the documents an assessment office issues, from the stored, published results only
        (never recomputed).

        Example:
          saima report circular --db saima.db --scheme LC-COUNTY --period 2025-11 --out 通报-2025-11.docx
        """;

    private const string CircularDescription = """
        Writes the circular (通报) of a published period: the office's red header, the title, a
        factual draft paragraph in Chinese to edit before issuing (who ranked first and for how
        many periods running, the runners-up, track leaders, movers, red warnings) and the league
        table at the scheme's total node (rank, unit, score as the league page shows it, track and
        track rank, change, red warnings) in rank order.

        The format follows the extension of --out:
          .docx  an editable Word document (real tables, 仿宋/黑体, page numbers in the footer)
          .pdf   the HTML print view printed by headless Chromium (/usr/bin/chromium, or --chromium
                 PATH, or SAIMA_CHROMIUM; Noto CJK fonts for the Chinese glyphs)
          .xlsx  the table with numbers as numbers, and the text on a second sheet

        A period that is not published, an unknown scheme or another extension is refused (exit 2).
        The same published period gives the same content every time (the generated-at line aside).

        Examples:
          saima report circular --db saima.db --scheme LC-COUNTY --period 2025-11 --out 通报-2025-11.pdf
          saima report circular --postgres "Host=db;Username=saima;Database=saima" --scheme LC-COUNTY --period 2025-11 --out 2025-11.xlsx
        """ + "\n" + """
        The database: --db FILE (SQLite, default saima.db in the working folder) or
        --postgres CONNSTRING (e.g. "Host=127.0.0.1;Port=5432;Username=saima;Password=...;Database=saima").
        The office's name on the red header: --office NAME, else the setting office_name, else 考核办公室.
        """;

    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("report", ReportDescription);
        var (db, postgres) = OpsCommands.StoreOptions();
        var scheme = new Option<string>("--scheme") { Description = "The scheme's code (e.g. LC-COUNTY).", Required = true, HelpName = "CODE" };
        var period = new Option<string>("--period") { Description = "The published period (e.g. 2025-11).", Required = true, HelpName = "PERIOD" };
        var output = new Option<string>("--out") { Description = "The file to write: .pdf, .docx or .xlsx.", Required = true, HelpName = "FILE" };
        var office = new Option<string>("--office") { Description = "The issuing office's name on the red header.", HelpName = "NAME" };
        var chromium = new Option<string>("--chromium") { Description = "Headless Chromium for a .pdf (default $SAIMA_CHROMIUM or /usr/bin/chromium).", HelpName = "PATH" };
        var circular = new Command("circular", CircularDescription) { db, postgres, scheme, period, output, office, chromium };
        circular.SetAction(parse => OpsCommands.Guarded(stderr, () =>
        {
            string path = parse.GetValue(output)!;
            string format = Path.GetExtension(path).ToLowerInvariant();
            if (format is not (".pdf" or ".docx" or ".xlsx"))
            {
                throw new CliInputException($"--out {path}: the format follows the extension; expected .pdf, .docx or .xlsx");
            }

            StoreOptions store = OpsCommands.Store(parse.GetValue(db), parse.GetValue(postgres));
            OpsCommands.RequireSchema(store);
            CircularContent content;
            using (SaimaDb context = SaimaDb.Open(store))
            {
                content = new CircularReader(context, TimeProvider.System)
                    .ReadAsync(parse.GetValue(scheme)!, parse.GetValue(period)!, parse.GetValue(office)).GetAwaiter().GetResult();
            }

            try
            {
                Write(content, path, format, parse.GetValue(chromium));
            }
            catch (ReportToolException e)
            {
                throw new CliInputException(e.Message);
            }

            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {path}: circular of {content.SchemeCode} {content.Period} (result set {content.ResultSetId}), {content.Rows.Count} units"));
        }));
        command.Add(circular);
        return command;
    }

    /// <summary>Writes through a temp file beside <paramref name="path"/> renamed into place, so a failure leaves nothing behind.</summary>
    private static void Write(CircularContent content, string path, string format, string? chromium)
    {
        using var outputs = new OutputSet();
        using (Stream stream = outputs.Create(path, path))
        {
            switch (format)
            {
                case ".pdf":
                    CircularPdf.Write(content, stream, chromium);
                    break;
                case ".docx":
                    CircularWriters.WriteDocx(content, stream);
                    break;
                default:
                    CircularWriters.WriteXlsx(content, stream);
                    break;
            }
        }

        outputs.Commit();
    }
}
