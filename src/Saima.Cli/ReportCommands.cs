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
            string format = Format(path, ".pdf", ".docx", ".xlsx");

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
        command.Add(Feedback(stdout, stderr, scheme, period, office, chromium));
        command.Add(Annual(stdout, stderr, scheme, office, chromium));
        command.Add(Board(stdout, stderr, scheme, office, chromium));
        command.Add(Pack(stdout, stderr, scheme, office, chromium));
        return command;
    }

    private const string FeedbackDescription = """
        Writes a unit's feedback report (点对点反馈) for a published period: its total rank and
        score, dimension scores and ranks, every indicator (value, target, completion, score, rank,
        track rank, warning), strengths and weaknesses, red warnings, its nearest peers (as saima
        peers, over the scheme's indicators) and what it would take to move up one place (as
        saima whatif, at the total), and a short factual text.

        --unit CODE --out FILE.pdf|FILE.docx   one unit's report (the format follows the extension)
        --unit all  --out FILE.zip            every unit's report, one .pdf and one .docx each
        --out FILE.zip (without --unit)       the same as --unit all

        A period that is not published, an unknown scheme or unit, or another extension is refused
        (exit 2). The same published period gives the same content every time (generated-at aside).

        Examples:
          saima report feedback --db saima.db --scheme LC-COUNTY --period 2025-11 --unit C01 --out 反馈-C01.pdf
          saima report feedback --db saima.db --scheme LC-COUNTY --period 2025-11 --out 反馈-2025-11.zip
        """;

    private static Command Feedback(TextWriter stdout, TextWriter stderr, Option<string> scheme, Option<string> period, Option<string> office, Option<string> chromium)
    {
        var (db, postgres) = OpsCommands.StoreOptions();
        var unit = new Option<string>("--unit") { Description = "The unit's code, or all (with a .zip).", HelpName = "CODE|all" };
        var output = new Option<string>("--out") { Description = "The file to write: .pdf or .docx (one unit), .zip (all units).", Required = true, HelpName = "FILE" };
        var command = new Command("feedback", FeedbackDescription) { db, postgres, scheme, period, unit, output, office, chromium };
        command.SetAction(parse => OpsCommands.Guarded(stderr, () =>
        {
            string path = parse.GetValue(output)!;
            string format = Path.GetExtension(path).ToLowerInvariant();
            string? unitCode = parse.GetValue(unit);
            bool all = unitCode is null or "all";
            if (format is not (".pdf" or ".docx" or ".zip"))
            {
                throw new CliInputException($"--out {path}: the format follows the extension; expected .pdf, .docx or .zip");
            }

            if (all && format != ".zip")
            {
                throw new CliInputException($"--out {path}: every unit's reports go into a .zip; name one unit with --unit CODE for a .pdf or .docx");
            }

            StoreOptions store = OpsCommands.Store(parse.GetValue(db), parse.GetValue(postgres));
            OpsCommands.RequireSchema(store);
            IReadOnlyList<FeedbackContent> reports;
            using (SaimaDb context = SaimaDb.Open(store))
            {
                var reader = new FeedbackReader(context, TimeProvider.System);
                string code = parse.GetValue(scheme)!, p = parse.GetValue(period)!, name = parse.GetValue(office) ?? string.Empty;
                reports = all
                    ? reader.ReadAllAsync(code, p, name).GetAwaiter().GetResult()
                    : [reader.ReadAsync(code, p, unitCode!, name).GetAwaiter().GetResult()];
            }

            try
            {
                using var outputs = new OutputSet();
                using (Stream stream = outputs.Create(path, path))
                {
                    switch (format)
                    {
                        case ".pdf":
                            FeedbackWriters.WritePdf(reports[0], stream, parse.GetValue(chromium));
                            break;
                        case ".docx":
                            FeedbackWriters.WriteDocx(reports[0], stream);
                            break;
                        default:
                            FeedbackZip.Write(reports, stream, parse.GetValue(chromium));
                            break;
                    }
                }

                outputs.Commit();
            }
            catch (ReportToolException e)
            {
                throw new CliInputException(e.Message);
            }

            FeedbackContent first = reports[0];
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {path}: feedback of {first.SchemeCode} {first.Period} (result set {first.ResultSetId}), {reports.Count} unit(s)"));
        }));
        return command;
    }

    private const string AnnualDescription = """
        Writes the annual results (年度结果) of a scheme and year from the year's published periods:
        each unit's composite as the scheme's annual rule says (default: the total score of the
        year's last published period; or the mean, or a weighted mean, of the year's periods),
        rank overall and per track, grades (优秀/良好/一般/较差 by quota or score threshold) and
        the awards the office configured (default: 海豚奖 best, 进位最快 most rank gained from the
        year's first to last published period, 乌龟奖 the least gained), each with its reason.

        The format follows the extension of --out: .pdf, .docx or .xlsx. A year without a
        published period, an unknown scheme or another extension is refused (exit 2).

        Example:
          saima report annual --db saima.db --scheme LC-COUNTY --year 2025 --out 年度结果-2025.xlsx
        """;

    private static Command Annual(TextWriter stdout, TextWriter stderr, Option<string> scheme, Option<string> office, Option<string> chromium)
    {
        var (db, postgres) = OpsCommands.StoreOptions();
        var year = new Option<int>("--year") { Description = "The year (e.g. 2025).", Required = true, HelpName = "YEAR" };
        var output = new Option<string>("--out") { Description = "The file to write: .pdf, .docx or .xlsx.", Required = true, HelpName = "FILE" };
        var command = new Command("annual", AnnualDescription) { db, postgres, scheme, year, output, office, chromium };
        command.SetAction(parse => OpsCommands.Guarded(stderr, () =>
        {
            string path = parse.GetValue(output)!;
            string format = Format(path, ".pdf", ".docx", ".xlsx");

            StoreOptions store = OpsCommands.Store(parse.GetValue(db), parse.GetValue(postgres));
            OpsCommands.RequireSchema(store);
            AnnualContent content;
            using (SaimaDb context = SaimaDb.Open(store))
            {
                content = new AnnualReader(context, TimeProvider.System)
                    .ReadAsync(parse.GetValue(scheme)!, parse.GetValue(year), parse.GetValue(office)).GetAwaiter().GetResult();
            }

            try
            {
                using var outputs = new OutputSet();
                using (Stream stream = outputs.Create(path, path))
                {
                    switch (format)
                    {
                        case ".pdf":
                            AnnualWriters.WritePdf(content, stream, parse.GetValue(chromium));
                            break;
                        case ".docx":
                            AnnualWriters.WriteDocx(content, stream);
                            break;
                        default:
                            AnnualWriters.WriteXlsx(content, stream);
                            break;
                    }
                }

                outputs.Commit();
            }
            catch (ReportToolException e)
            {
                throw new CliInputException(e.Message);
            }

            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {path}: annual results of {content.SchemeCode} {content.Year} ({content.Periods.Count} published period(s)), {content.Rows.Count} units"));
        }));
        return command;
    }

    private const string BoardDescription = """
        Writes the public board (季度公示) of a quarter: the indicators marked public, each unit's
        value and rank and its total rank, as of the latest published period within the quarter
        (2025-Q3: 2025-09, else 2025-08, else 2025-07, or the quarterly period), as a
        newspaper-ready table. Only published results and only public indicators are read.

        The format follows the extension of --out:
          .pdf   the table printed by headless Chromium (A4 landscape)
          .png   the table as an image 1240 pixels wide (for a newspaper's or a website's page)
          .xlsx  numbers as numbers

        A quarter without a published period, an unknown scheme or another extension is refused
        (exit 2).

        Example:
          saima report board --db saima.db --scheme LC-COUNTY --quarter 2025-Q3 --out 公示-2025Q3.png
        """;

    private static Command Board(TextWriter stdout, TextWriter stderr, Option<string> scheme, Option<string> office, Option<string> chromium)
    {
        var (db, postgres) = OpsCommands.StoreOptions();
        var quarter = new Option<string>("--quarter") { Description = "The quarter (e.g. 2025-Q3).", Required = true, HelpName = "QUARTER" };
        var output = new Option<string>("--out") { Description = "The file to write: .pdf, .png or .xlsx.", Required = true, HelpName = "FILE" };
        var command = new Command("board", BoardDescription) { db, postgres, scheme, quarter, output, office, chromium };
        command.SetAction(parse => OpsCommands.Guarded(stderr, () =>
        {
            string path = parse.GetValue(output)!;
            string format = Format(path, ".pdf", ".png", ".xlsx");
            StoreOptions store = OpsCommands.Store(parse.GetValue(db), parse.GetValue(postgres));
            OpsCommands.RequireSchema(store);
            BoardContent content;
            using (SaimaDb context = SaimaDb.Open(store))
            {
                content = new PublicBoardReader(context, TimeProvider.System)
                    .ReadAsync(parse.GetValue(scheme)!, parse.GetValue(quarter)!, parse.GetValue(office)).GetAwaiter().GetResult();
            }

            try
            {
                using var outputs = new OutputSet();
                using (Stream stream = outputs.Create(path, path))
                {
                    switch (format)
                    {
                        case ".pdf":
                            PublicBoardWriters.WritePdf(content, stream, parse.GetValue(chromium));
                            break;
                        case ".png":
                            PublicBoardWriters.WritePng(content, stream, parse.GetValue(chromium));
                            break;
                        default:
                            PublicBoardWriters.WriteXlsx(content, stream);
                            break;
                    }
                }

                outputs.Commit();
            }
            catch (ReportToolException e)
            {
                throw new CliInputException(e.Message);
            }

            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {path}: public board of {content.SchemeCode} {content.Quarter} (as of {content.Period}, result set {content.ResultSetId}), {content.Indicators.Count} public indicator(s), {content.Rows.Count} units"));
        }));
        return command;
    }

    private const string PackDescription = """
        Writes the quarterly pack (季度赛马会材料) of a quarter: the economic analysis of the key
        indicators (those marked public, else the scheme's first eight: the area's total, the sum
        for amounts and the mean for rates, growth on the same period a year earlier over the units
        that have both, a bar chart per indicator), the circular of the quarter's latest published
        period, the top performers (尖子生: the first three, each track's first, the biggest riser)
        and the results of the on-site evaluations (现场评议) held in the quarter.

        The format follows the extension of --out: .pdf (charts drawn) or .docx (charts as tables).
        A quarter without a published period, an unknown scheme or another extension is refused
        (exit 2).

        Example:
          saima report pack --db saima.db --scheme LC-COUNTY --quarter 2025-Q3 --out 赛马会-2025Q3.pdf
        """;

    private static Command Pack(TextWriter stdout, TextWriter stderr, Option<string> scheme, Option<string> office, Option<string> chromium)
    {
        var (db, postgres) = OpsCommands.StoreOptions();
        var quarter = new Option<string>("--quarter") { Description = "The quarter (e.g. 2025-Q3).", Required = true, HelpName = "QUARTER" };
        var output = new Option<string>("--out") { Description = "The file to write: .pdf or .docx.", Required = true, HelpName = "FILE" };
        var command = new Command("pack", PackDescription) { db, postgres, scheme, quarter, output, office, chromium };
        command.SetAction(parse => OpsCommands.Guarded(stderr, () =>
        {
            string path = parse.GetValue(output)!;
            string format = Format(path, ".pdf", ".docx");
            StoreOptions store = OpsCommands.Store(parse.GetValue(db), parse.GetValue(postgres));
            OpsCommands.RequireSchema(store);
            PackContent content;
            using (SaimaDb context = SaimaDb.Open(store))
            {
                content = new QuarterlyPackReader(context, TimeProvider.System)
                    .ReadAsync(parse.GetValue(scheme)!, parse.GetValue(quarter)!, parse.GetValue(office)).GetAwaiter().GetResult();
            }

            try
            {
                using var outputs = new OutputSet();
                using (Stream stream = outputs.Create(path, path))
                {
                    if (format == ".pdf")
                    {
                        QuarterlyPackWriters.WritePdf(content, stream, parse.GetValue(chromium));
                    }
                    else
                    {
                        QuarterlyPackWriters.WriteDocx(content, stream);
                    }
                }

                outputs.Commit();
            }
            catch (ReportToolException e)
            {
                throw new CliInputException(e.Message);
            }

            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {path}: quarterly pack of {content.SchemeCode} {content.Quarter} (as of {content.Period}), {content.Economy.Count} key indicator(s), {content.Arena.Count} on-site evaluation(s)"));
        }));
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

    /// <summary>The output's format, from its extension; a clear refusal naming the ones expected otherwise.</summary>
    private static string Format(string path, params string[] expected)
    {
        string format = Path.GetExtension(path).ToLowerInvariant();
        if (!expected.Contains(format, StringComparer.Ordinal))
        {
            throw new CliInputException($"--out {path}: the format follows the extension; expected {string.Join(", ", expected[..^1])} or {expected[^1]}");
        }

        return format;
    }
}
