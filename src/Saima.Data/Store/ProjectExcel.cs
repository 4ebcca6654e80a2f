using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Saima.Data.Intake;

namespace Saima.Data.Store;

/// <summary>A project list file was refused: every error by row and column; nothing was stored.</summary>
public sealed class ProjectImportException(string fileName, IReadOnlyList<ImportError> errors)
    : WorkflowException(
        WorkflowCodes.ProjectImportInvalid,
        $"{fileName}: {errors.Count.ToString(CultureInfo.InvariantCulture)} error(s), nothing stored; " + string.Join("; ", errors.Take(10).Select(e => $"row {e.Row.ToString(CultureInfo.InvariantCulture)}, column {e.Column}: {e.ReasonEn}")),
        fileName, errors.Count.ToString(CultureInfo.InvariantCulture), errors.Count > 0 ? errors[0].Row.ToString(CultureInfo.InvariantCulture) : "0", errors.Count > 0 ? errors[0].Column : string.Empty)
{
    public string FileName { get; } = fileName;

    public IReadOnlyList<ImportError> Errors { get; } = errors;
}

/// <summary>
/// Major projects from Excel, as the office receives a batch: the first sheet's first row names
/// the columns (<see cref="Columns"/>: 项目编号, 项目名称, 责任单位 and 总投资（万元） are required;
/// the order is free); every row below is a project of the batch. All or nothing: one bad row
/// stores nothing, and every error names the file, the row, the column and what was expected.
/// </summary>
public sealed class ProjectExcel(SaimaDb db, TimeProvider clock)
{
    /// <summary>Most projects in one file.</summary>
    public const int MaxRows = 5_000;

    public const string CodeColumn = "项目编号";
    public const string NameColumn = "项目名称";
    public const string OwnerColumn = "责任单位";
    public const string CategoryColumn = "项目类别";
    public const string InvestmentColumn = "总投资（万元）";
    public const string SignedColumn = "计划签约";
    public const string StartedColumn = "计划开工";
    public const string FinishedColumn = "计划投产";

    /// <summary>The columns an import reads.</summary>
    public static readonly string[] Columns = [CodeColumn, NameColumn, OwnerColumn, CategoryColumn, InvestmentColumn, SignedColumn, StartedColumn, FinishedColumn];

    /// <summary>Imports the projects of a file (.xlsx, .xls or .csv; office only) into a batch, in one transaction; refused as a whole with <see cref="ProjectImportException"/>.</summary>
    /// <returns>How many projects were stored.</returns>
    public async Task<int> ImportAsync(Actor actor, long batchId, string fileName, Stream content, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(content);
        actor.RequireOffice("import major projects");
        if (!await db.ProjectBatches.AnyAsync(b => b.Id == batchId, cancel).ConfigureAwait(false))
        {
            throw new ProjectInvalidException([new("batch", "no such batch")]);
        }

        IntakeFile file = IntakeFile.Read(content, fileName ?? "projects.xlsx", new IntakeLimits { MaxRows = MaxRows + 1 });
        var errors = new List<ImportError>();
        void Error(int row, string column, string zh, string en)
        {
            if (errors.Count < ListExcel.MaxErrors)
            {
                errors.Add(new ImportError(file.FileName, row, column, zh, en));
            }
        }

        IntakeSheet? sheet = file.Sheets.FirstOrDefault(s => !s.Hidden);
        IntakeRow? header = sheet?.Rows.FirstOrDefault(r => !r.IsBlank);
        if (sheet is null || header is null)
        {
            throw new ProjectImportException(file.FileName, [new ImportError(file.FileName, 1, string.Empty, "文件没有表头行", "the file has no header row")]);
        }

        var at = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < header.Cells.Count; c++)
        {
            string name = CellText.Of(header[c]);
            if (Columns.Contains(name, StringComparer.Ordinal) && !at.ContainsKey(name))
            {
                at[name] = c;
            }
        }

        foreach (string required in new[] { CodeColumn, NameColumn, OwnerColumn, InvestmentColumn })
        {
            if (!at.ContainsKey(required))
            {
                Error(header.Number, required, $"缺少“{required}”列（表头须有：{string.Join("、", Columns)}）", $"the header has no column '{required}' (expected columns: {string.Join(", ", Columns)})");
            }
        }

        if (errors.Count > 0)
        {
            throw new ProjectImportException(file.FileName, errors);
        }

        var units = await db.Units.AsNoTracking().Select(u => new { u.Id, u.Code, u.Name }).ToListAsync(cancel).ConfigureAwait(false);
        var byCode = units.ToDictionary(u => u.Code, u => u.Id, StringComparer.Ordinal);
        var byName = units.GroupBy(u => u.Name, StringComparer.Ordinal).Where(g => g.Count() == 1).ToDictionary(g => g.Key, g => g.Single().Id, StringComparer.Ordinal);
        var taken = (await db.Projects.AsNoTracking().Select(p => p.Code).ToListAsync(cancel).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        string Col(string name) => at.TryGetValue(name, out int c) ? $"{CellText.ColumnLetter(c)} {name}" : name;
        object? Raw(IntakeRow row, string name) => at.TryGetValue(name, out int c) ? row[c] : null;
        string Cell(IntakeRow row, string name) => CellText.Of(Raw(row, name));

        var projects = new List<Project>();
        DateTimeOffset now = StoreTime.Now(clock);
        foreach (IntakeRow row in sheet.Rows.Where(r => r.Number > header.Number && !r.IsBlank))
        {
            string ownerText = Cell(row, OwnerColumn);
            long? owner = byCode.TryGetValue(ownerText, out long id) ? id : byName.TryGetValue(ownerText, out long byN) ? byN : null;
            double? total = FigureImporter.TryNumber(Raw(row, InvestmentColumn), out double v) ? v : null;
            DateOnly? Day(string column)
            {
                object? raw = Raw(row, column);
                if (CellText.Of(raw).Length == 0)
                {
                    return null;
                }

                DateOnly? d = ListExcel.ParseDate(raw);
                if (d is null)
                {
                    Error(row.Number, Col(column), $"“{CellText.Of(raw)}”不是日期，应如 2025-09-30", $"'{CellText.Of(raw)}' is not a date; expected e.g. 2025-09-30");
                }

                return d;
            }

            var spec = new ProjectSpec(batchId, Cell(row, CodeColumn), Cell(row, NameColumn), ownerText, Cell(row, CategoryColumn), total,
                Day(SignedColumn), Day(StartedColumn), Day(FinishedColumn));
            int before = errors.Count;
            foreach (ListError e in ProjectService.Check(spec, true, owner))
            {
                (string column, string zh) = e.Field switch
                {
                    "code" => (CodeColumn, string.Create(CultureInfo.InvariantCulture, $"项目编号必填，不超过 {ProjectService.MaxCode} 字")),
                    "name" => (NameColumn, string.Create(CultureInfo.InvariantCulture, $"项目名称必填，不超过 {ListService.MaxShort} 字")),
                    "owner" => (OwnerColumn, ownerText.Length == 0 ? "责任单位必填（单位代码或名称）" : $"没有代码或名称为“{ownerText}”的单位"),
                    "category" => (CategoryColumn, string.Create(CultureInfo.InvariantCulture, $"项目类别不超过 {ListService.MaxShort} 字")),
                    "investment" => (InvestmentColumn, "总投资必填，为不小于 0 的数（万元）"),
                    _ => (StartedColumn, "计划日期应依次为签约、开工、投产"),
                };
                Error(row.Number, Col(column), zh, e.Message);
            }

            string code = spec.Code ?? string.Empty;
            if (code.Length > 0 && !taken.Add(code))
            {
                Error(row.Number, Col(CodeColumn), $"项目编号“{code}”已存在或在文件中重复", $"project code '{code}' exists already or is repeated in the file");
            }

            if (errors.Count == before && owner is { } o)
            {
                projects.Add(ProjectService.New(actor, spec, o, now));
            }
        }

        if (errors.Count == 0 && projects.Count == 0)
        {
            Error(header.Number + 1, string.Empty, "表头下没有项目", "the file has no projects under its header");
        }

        if (errors.Count > 0)
        {
            throw new ProjectImportException(file.FileName, errors);
        }

        await using var tx = await db.Database.BeginTransactionAsync(cancel).ConfigureAwait(false);
        db.Projects.AddRange(projects);
        await db.SaveChangesAsync(cancel).ConfigureAwait(false);
        foreach (Project p in projects)
        {
            db.Audit.Add(AuditLog.Entry(now, actor, "import", ProjectService.Entity, ProjectService.Key(p), "state", null, ProjectService.Text(p.State), file.FileName));
        }

        await db.SaveChangesAsync(cancel).ConfigureAwait(false);
        await tx.CommitAsync(cancel).ConfigureAwait(false);
        return projects.Count;
    }
}
