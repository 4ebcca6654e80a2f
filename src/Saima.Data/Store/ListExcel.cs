using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Saima.Data.Intake;

namespace Saima.Data.Store;

/// <summary>An item list file was refused: every error by row and column; nothing was stored.</summary>
public sealed class ListImportException(string fileName, IReadOnlyList<ImportError> errors)
    : WorkflowException(
        WorkflowCodes.ListImportInvalid,
        $"{fileName}: {errors.Count.ToString(CultureInfo.InvariantCulture)} error(s), nothing stored; " + string.Join("; ", errors.Take(10).Select(e => $"row {e.Row.ToString(CultureInfo.InvariantCulture)}, column {e.Column}: {e.ReasonEn}")),
        fileName, errors.Count.ToString(CultureInfo.InvariantCulture), errors.Count > 0 ? errors[0].Row.ToString(CultureInfo.InvariantCulture) : "0", errors.Count > 0 ? errors[0].Column : string.Empty)
{
    public string FileName { get; } = fileName;

    public IReadOnlyList<ImportError> Errors { get; } = errors;
}

/// <summary>
/// Lists in and out of Excel, as the office receives and sends them. The first sheet's first row
/// names the columns in Chinese (<see cref="Columns"/>: 类型, 标题, 责任单位 are required; the
/// order is free); every row below is an item. An import is all or nothing: one bad row stores
/// nothing, and every error names the file, the row, the column and what was expected. The
/// export writes the same columns (and the item's number, state and overdue flag), so an
/// exported list reads back.
/// </summary>
public sealed class ListExcel(SaimaDb db, TimeProvider clock)
{
    /// <summary>Most items in one file.</summary>
    public const int MaxRows = 10_000;

    /// <summary>Most errors listed.</summary>
    public const int MaxErrors = 100;

    public const string KindColumn = "类型";
    public const string TitleColumn = "标题";
    public const string DescriptionColumn = "问题描述";
    public const string OwnerColumn = "责任单位";
    public const string CoOwnerColumn = "协办单位";
    public const string ResponsibleColumn = "责任人";
    public const string DeadlineColumn = "完成时限";
    public const string SourceColumn = "来源";
    public const string SourceRefColumn = "来源说明";

    /// <summary>The columns an import reads, in the export's order.</summary>
    public static readonly string[] Columns = [KindColumn, TitleColumn, DescriptionColumn, OwnerColumn, CoOwnerColumn, ResponsibleColumn, DeadlineColumn, SourceColumn, SourceRefColumn];

    /// <summary>The words of the kinds in the files.</summary>
    public static readonly IReadOnlyDictionary<string, ListKind> KindWords = new Dictionary<string, ListKind>(StringComparer.Ordinal)
    {
        ["问题"] = ListKind.Shortcoming,
        ["承诺"] = ListKind.Commitment,
        ["督办"] = ListKind.Supervision,
        ["企业诉求"] = ListKind.Enterprise,
    };

    /// <summary>The words of the sources in the files.</summary>
    public static readonly IReadOnlyDictionary<string, ListSource> SourceWords = new Dictionary<string, ListSource>(StringComparer.Ordinal)
    {
        ["红色预警"] = ListSource.RedWarning,
        ["现场评议"] = ListSource.Arena,
        ["实地督查"] = ListSource.Visit,
        ["领导批示"] = ListSource.Instruction,
        ["企业反映"] = ListSource.Enterprise,
        ["手工录入"] = ListSource.Manual,
    };

    /// <summary>The words of the states in the export.</summary>
    public static readonly IReadOnlyDictionary<ListState, string> StateWords = new Dictionary<ListState, string>
    {
        [ListState.Draft] = "待确认",
        [ListState.Open] = "待整改",
        [ListState.InProgress] = "整改中",
        [ListState.Submitted] = "待销号",
        [ListState.Returned] = "已退回",
        [ListState.Closed] = "已销号",
        [ListState.Confirmed] = "回头看通过",
        [ListState.Dismissed] = "已撤销",
    };

    private static readonly char[] Separators = [',', '，', '、', ';', '；', ' '];

    /// <summary>
    /// Imports the items of a file (.xlsx, .xls or .csv; office only), all open, in one
    /// transaction; refused as a whole with <see cref="ListImportException"/> when any row is bad.
    /// </summary>
    /// <returns>How many items were stored.</returns>
    public async Task<int> ImportAsync(Actor actor, string fileName, Stream content, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(content);
        actor.RequireOffice("import list items");
        IntakeFile file = IntakeFile.Read(content, fileName ?? "items.xlsx", new IntakeLimits { MaxRows = MaxRows + 1 });
        string sheetName = file.Sheets.Count > 0 ? file.Sheets[0].Name : fileName ?? string.Empty;
        var errors = new List<ImportError>();
        void Error(int row, string column, string zh, string en)
        {
            if (errors.Count < MaxErrors)
            {
                errors.Add(new ImportError(file.FileName, row, column, zh, en));
            }
        }

        IntakeSheet? sheet = file.Sheets.FirstOrDefault(s => !s.Hidden);
        IntakeRow? header = sheet?.Rows.FirstOrDefault(r => !r.IsBlank);
        if (sheet is null || header is null)
        {
            throw new ListImportException(file.FileName, [new ImportError(file.FileName, 1, string.Empty, "文件没有表头行", "the file has no header row")]);
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

        foreach (string required in new[] { KindColumn, TitleColumn, OwnerColumn })
        {
            if (!at.ContainsKey(required))
            {
                Error(header.Number, required, $"缺少“{required}”列（表头须有：{string.Join("、", Columns)}）", $"the header has no column '{required}' (expected columns: {string.Join(", ", Columns)})");
            }
        }

        if (errors.Count > 0)
        {
            throw new ListImportException(file.FileName, errors);
        }

        var units = await db.Units.AsNoTracking().Select(u => new { u.Id, u.Code, u.Name }).ToListAsync(cancel).ConfigureAwait(false);
        var byCode = units.ToDictionary(u => u.Code, u => u.Id, StringComparer.Ordinal);
        var byName = units.GroupBy(u => u.Name, StringComparer.Ordinal).Where(g => g.Count() == 1).ToDictionary(g => g.Key, g => g.Single().Id, StringComparer.Ordinal);
        long? Unit(string text) => byCode.TryGetValue(text, out long id) ? id : byName.TryGetValue(text, out long byN) ? byN : null;
        string Col(string name) => at.TryGetValue(name, out int c) ? $"{CellText.ColumnLetter(c)} {name}" : name;
        string Cell(IntakeRow row, string name) => at.TryGetValue(name, out int c) ? CellText.Of(row[c]) : string.Empty;

        var items = new List<(ListItem Item, long[] CoOwners)>();
        DateTimeOffset now = StoreTime.Now(clock);
        foreach (IntakeRow row in sheet.Rows.Where(r => r.Number > header.Number && !r.IsBlank))
        {
            int before = errors.Count;
            string kindText = Cell(row, KindColumn);
            if (!KindWords.TryGetValue(kindText, out ListKind kind))
            {
                Error(row.Number, Col(KindColumn), $"“{kindText}”不是类型，应为：{string.Join("、", KindWords.Keys)}", $"'{kindText}' is not a kind; expected one of {string.Join(", ", KindWords.Keys)}");
            }

            string title = Cell(row, TitleColumn);
            if (title.Length == 0 || title.Length > ListService.MaxShort)
            {
                Error(row.Number, Col(TitleColumn), $"标题必填，不超过 {ListService.MaxShort} 字", string.Create(CultureInfo.InvariantCulture, $"a title is required, at most {ListService.MaxShort} characters"));
            }

            string description = Cell(row, DescriptionColumn);
            if (description.Length > ListService.MaxLong)
            {
                Error(row.Number, Col(DescriptionColumn), $"问题描述不超过 {ListService.MaxLong} 字", string.Create(CultureInfo.InvariantCulture, $"at most {ListService.MaxLong} characters"));
            }

            string ownerText = Cell(row, OwnerColumn);
            long? owner = ownerText.Length == 0 ? null : Unit(ownerText);
            if (owner is null)
            {
                Error(row.Number, Col(OwnerColumn), ownerText.Length == 0 ? "责任单位必填（单位代码或名称）" : $"没有代码或名称为“{ownerText}”的单位",
                    ownerText.Length == 0 ? "an owner unit is required (a unit code or name)" : $"no unit with code or name '{ownerText}'");
            }

            var co = new List<long>();
            foreach (string part in Cell(row, CoOwnerColumn).Split(Separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (Unit(part) is not { } id)
                {
                    Error(row.Number, Col(CoOwnerColumn), $"没有代码或名称为“{part}”的单位", $"no unit with code or name '{part}'");
                }
                else if (id != owner && !co.Contains(id))
                {
                    co.Add(id);
                }
            }

            string responsible = Cell(row, ResponsibleColumn);
            if (responsible.Length > ListService.MaxShort)
            {
                Error(row.Number, Col(ResponsibleColumn), $"责任人不超过 {ListService.MaxShort} 字", string.Create(CultureInfo.InvariantCulture, $"at most {ListService.MaxShort} characters"));
            }

            DateOnly? deadline = null;
            object? deadlineCell = at.TryGetValue(DeadlineColumn, out int dc) ? row[dc] : null;
            if (deadlineCell is not null && CellText.Of(deadlineCell).Length > 0)
            {
                deadline = ParseDate(deadlineCell);
                if (deadline is null)
                {
                    Error(row.Number, Col(DeadlineColumn), $"“{CellText.Of(deadlineCell)}”不是日期，应如 2025-09-30", $"'{CellText.Of(deadlineCell)}' is not a date; expected e.g. 2025-09-30");
                }
            }

            ListSource source = ListSource.Manual;
            string sourceText = Cell(row, SourceColumn);
            if (sourceText.Length > 0 && !SourceWords.TryGetValue(sourceText, out source))
            {
                Error(row.Number, Col(SourceColumn), $"“{sourceText}”不是来源，应为：{string.Join("、", SourceWords.Keys)}", $"'{sourceText}' is not a source; expected one of {string.Join(", ", SourceWords.Keys)}");
            }

            string sourceRef = Cell(row, SourceRefColumn);
            if (sourceRef.Length > ListService.MaxShort)
            {
                Error(row.Number, Col(SourceRefColumn), $"来源说明不超过 {ListService.MaxShort} 字", string.Create(CultureInfo.InvariantCulture, $"at most {ListService.MaxShort} characters"));
            }

            if (errors.Count == before)
            {
                var spec = new ListItemSpec(kind, title, description, ownerText, null, responsible, deadline, source, sourceRef);
                items.Add((ListService.New(actor, spec, owner!.Value, now, ListState.Open), [.. co]));
            }
        }

        if (errors.Count == 0 && items.Count == 0)
        {
            Error(header.Number + 1, string.Empty, "表头下没有事项", "the file has no items under its header");
        }

        if (errors.Count > 0)
        {
            throw new ListImportException(file.FileName, errors);
        }

        await using var tx = await db.Database.BeginTransactionAsync(cancel).ConfigureAwait(false);
        db.ListItems.AddRange(items.Select(i => i.Item));
        await db.SaveChangesAsync(cancel).ConfigureAwait(false);
        foreach ((ListItem item, long[] coOwners) in items)
        {
            foreach (long u in coOwners)
            {
                db.ListCoOwners.Add(new ListCoOwner { ItemId = item.Id, UnitId = u });
            }

            db.Audit.Add(AuditLog.Entry(now, actor, "import", ListService.Entity, ListService.Key(item), "state", null, ListService.Text(item.State), file.FileName));
        }

        await db.SaveChangesAsync(cancel).ConfigureAwait(false);
        await tx.CommitAsync(cancel).ConfigureAwait(false);
        return items.Count;
    }

    /// <summary>Writes rows as an .xlsx with the import's columns (so that it reads back) and the item's number, state and overdue flag.</summary>
    public static void Export(IReadOnlyList<ListRow> rows, Stream output)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var kindWord = KindWords.ToDictionary(k => k.Value, k => k.Key);
        var sourceWord = SourceWords.ToDictionary(k => k.Value, k => k.Key);
        using var book = new XlsxBook(output);
        book.BeginSheet("清单", new SheetSetup { FrozenRows = 1, ColumnWidths = [8, 10, 40, 12, 12, 12, 12, 24, 12, 8] });
        string[] header = ["编号", KindColumn, TitleColumn, OwnerColumn, ResponsibleColumn, DeadlineColumn, SourceColumn, SourceRefColumn, "状态", "逾期"];
        book.Row([.. header.Select(h => XCell.Str(h, XlsxBook.Header))]);
        foreach (ListRow r in rows)
        {
            book.Row(
                XCell.Int(r.Id), XCell.Str(kindWord[r.Kind]), XCell.Str(r.Title), XCell.Str(r.OwnerCode), XCell.Str(r.Responsible),
                XCell.Str(ListService.DateText(r.Deadline)), XCell.Str(sourceWord[r.Source]), XCell.Str(r.SourceRef),
                XCell.Str(StateWords[r.State]), XCell.Str(r.Overdue ? "是" : string.Empty));
        }

        book.EndSheet();
    }

    /// <summary>A date as a cell holds it: a date cell, an Excel serial number, or text like 2025-09-30, 2025/9/30 or 2025年9月30日.</summary>
    internal static DateOnly? ParseDate(object? cell) => cell switch
    {
        DateTime t => DateOnly.FromDateTime(t),
        double d when d > 0 && d < 2_958_466 && d == Math.Floor(d) => DateOnly.FromDateTime(DateTime.FromOADate(d)),
        string s when DateOnly.TryParseExact(s.Trim(), ["yyyy-MM-dd", "yyyy-M-d", "yyyy/M/d", "yyyy/MM/dd", "yyyy年M月d日", "yyyy.M.d"], CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly d) => d,
        _ => null,
    };
}
