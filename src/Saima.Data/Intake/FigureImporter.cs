using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Saima.Scoring;

namespace Saima.Data.Intake;

/// <summary>
/// Uploads of figures from .xlsx, .xls and .csv files. Every row is checked and every error is
/// collected; a file with any error writes nothing, a good file is stored whole in one transaction
/// with its <see cref="ImportBatch"/> and an audit entry.
/// </summary>
public sealed class FigureImporter(SaimaDb db, TimeProvider clock)
{
    public ImportResult Import(string schemeCode, Stream content, string fileName, string user, ImportOptions? options = null) =>
        Import(schemeCode, IntakeFile.Read(content, fileName), user, options);

    public ImportResult Import(string schemeCode, IntakeFile file, string user, ImportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentException.ThrowIfNullOrWhiteSpace(user);
        options ??= new ImportOptions();
        var errors = new List<ImportError>();
        List<Candidate> candidates = FileLayout.Extract(file, options, errors, out int skipped);

        // Reading the store inside the transaction that writes means that what was checked is what is
        // written on: a figure submitted meanwhile cannot be overwritten by a draft from this file.
        using IDbContextTransaction tx = db.Database.BeginTransaction();
        AssessmentScheme scheme = db.Schemes.AsNoTracking().SingleOrDefault(s => s.Code == schemeCode)
            ?? throw new ArgumentException($"unknown scheme '{schemeCode}'", nameof(schemeCode));
        if (file.Metadata.TryGetValue("scheme", out string? fileScheme) && fileScheme.Length > 0 && !string.Equals(fileScheme, scheme.Code, StringComparison.Ordinal))
        {
            errors.Add(new ImportError(IntakeFile.MetadataSheet, 1, string.Empty,
                $"该模板属于考核方案“{fileScheme}”，不是“{scheme.Code}”",
                $"the template belongs to scheme '{fileScheme}', not '{scheme.Code}'"));
        }

        if (errors.Count > 0)
        {
            tx.Rollback();
            return ImportResult.Refused(Sorted(errors, file), skipped);
        }

        var check = new Checker(db, scheme, options, candidates);
        List<Accepted> accepted = check.Run(errors);
        if (errors.Count > 0)
        {
            tx.Rollback();
            return ImportResult.Refused(Sorted(errors, file), skipped);
        }

        DateTimeOffset now = clock.GetUtcNow();
        var batch = new ImportBatch { SchemeId = scheme.Id, FileName = file.FileName, ImportedBy = user, ImportedAt = now, Rows = accepted.Count };
        db.Imports.Add(batch);
        db.SaveChanges();

        List<long> replaced = accepted.Where(a => a.ReplacesId is not null).Select(a => a.ReplacesId!.Value).ToList();
        if (replaced.Count > 0)
        {
            db.Figures.Where(f => replaced.Contains(f.Id)).ExecuteUpdate(s => s.SetProperty(f => f.IsCurrent, false));
        }

        FigureStatus status = options.Submit ? FigureStatus.Submitted : FigureStatus.Draft;
        FigureBulkInsert.Insert(db, scheme.Id, batch.Id, status, user, now, accepted);
        db.Audit.Add(new AuditEntry
        {
            At = now,
            User = user,
            Action = "import",
            Entity = nameof(ImportBatch),
            EntityKey = batch.Id.ToString(CultureInfo.InvariantCulture),
            NewValue = string.Create(CultureInfo.InvariantCulture, $"{accepted.Count} figures as {status.ToString().ToLowerInvariant()}, {replaced.Count} drafts replaced, scheme {scheme.Code}"),
            Reason = file.FileName,
        });
        db.SaveChanges();
        tx.Commit();
        db.ChangeTracker.Clear();
        return new ImportResult(true, batch.Id, accepted.Count, replaced.Count, skipped, []);
    }

    /// <summary>Errors in the order the user reads the file: sheet by sheet, row by row, column by column.</summary>
    private static List<ImportError> Sorted(List<ImportError> errors, IntakeFile file)
    {
        var order = file.Sheets.Select((s, i) => (s.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        return errors
            .OrderBy(e => order.TryGetValue(e.Sheet, out int i) ? i : -1)
            .ThenBy(e => e.Row)
            .ThenBy(e => e.Column.Split(' ')[0].Length)
            .ThenBy(e => e.Column.Split(' ')[0], StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>A checked row, ready to insert; <see cref="ReplacesId"/> is the draft it supersedes.</summary>
    internal sealed record Accepted(long UnitId, long IndicatorId, string Period, double Value, int Revision, long? ReplacesId);

    private readonly record struct Key(long Unit, long Indicator, string Period);

    private sealed record Stored(long Id, double? Value, FigureStatus Status, int Revision);

    /// <summary>The checks of one upload against the store; reads once, then walks the rows.</summary>
    private sealed class Checker(SaimaDb db, AssessmentScheme scheme, ImportOptions options, List<Candidate> rows)
    {
        private readonly Dictionary<string, (long Id, string Code)> _schemeUnits = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, List<(long Id, string Code)>> _unitsByNumber = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Indicator> _indicators = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, List<Indicator>> _indicatorsByNumber = new(StringComparer.Ordinal);
        private readonly Dictionary<long, string> _indicatorCodes = [];
        private readonly Dictionary<string, ReportingPeriod> _periods = new(StringComparer.Ordinal);
        private HashSet<string> _knownElsewhere = new(StringComparer.OrdinalIgnoreCase);
        private readonly HashSet<string> _reportedPeriodErrors = new(StringComparer.Ordinal);

        public List<Accepted> Run(List<ImportError> errors)
        {
            Load();
            var good = new List<(Candidate Row, Key Key, Indicator Indicator, double Value)>();
            var seen = new Dictionary<Key, Candidate>();
            foreach (Candidate row in rows)
            {
                bool ok = TryUnit(row, errors, out long unitId);
                ok &= TryIndicator(row, errors, out Indicator? indicator);
                ok &= TryPeriod(row, errors, out string period);
                ok &= TryValue(row, indicator, errors, out double value);
                if (!ok)
                {
                    continue;
                }

                var key = new Key(unitId, indicator!.Id, period);
                if (seen.TryGetValue(key, out Candidate? first))
                {
                    errors.Add(Error(row, row.Indicator.Label,
                        string.Create(CultureInfo.InvariantCulture, $"与{Where(first, row)}重复（同一单位、指标、期间）"),
                        string.Create(CultureInfo.InvariantCulture, $"duplicate of {WhereEn(first, row)} (same unit, indicator and period)")));
                    continue;
                }

                seen.Add(key, row);
                good.Add((row, key, indicator, value));
            }

            var fileValues = good.ToDictionary(g => g.Key, g => g.Value);
            Dictionary<Key, Stored> stored = LoadStored(good.Select(g => g.Key).ToList(), out Dictionary<Key, int> maxRevision);
            var accepted = new List<Accepted>(good.Count);
            foreach ((Candidate row, Key key, Indicator indicator, double value) in good)
            {
                if (indicator.Cumulative && Period.TryParse(key.Period, out Period p) && IntakePeriods.PreviousInYear(p) is Period prev)
                {
                    var prevKey = key with { Period = prev.ToString() };
                    double? before = fileValues.TryGetValue(prevKey, out double v) ? v
                        : stored.TryGetValue(prevKey, out Stored? s) ? s.Value : null;
                    string where = fileValues.ContainsKey(prevKey) ? "，本文件" : string.Empty;
                    string whereEn = fileValues.ContainsKey(prevKey) ? " in this file" : string.Empty;
                    if (before is double b && value < b)
                    {
                        errors.Add(Error(row, row.Value.Label,
                            $"累计值 {Num(value)} 低于上期（{prevKey.Period}{where}）的 {Num(b)}，累计数不应减少",
                            $"year-to-date value {Num(value)} is lower than {Num(b)} of {prevKey.Period}{whereEn}; a cumulative figure cannot fall"));
                        continue;
                    }
                }

                long? replaces = null;
                if (stored.TryGetValue(key, out Stored? current))
                {
                    if (current.Status is FigureStatus.Submitted or FigureStatus.Approved or FigureStatus.Published)
                    {
                        (string zh, string en) = current.Status switch
                        {
                            FigureStatus.Submitted => ("已报送", "submitted"),
                            FigureStatus.Approved => ("已审核通过", "approved"),
                            _ => ("已发布", "published"),
                        };
                        errors.Add(Error(row, row.Value.Label,
                            $"该数据{zh}，需审核人退回后才能修改",
                            $"this figure is already {en}; a reviewer must return it before it can be changed"));
                        continue;
                    }

                    replaces = current.Id;
                }

                int revision = (maxRevision.TryGetValue(key, out int max) ? max : 0) + 1;
                accepted.Add(new Accepted(key.Unit, key.Indicator, key.Period, value, revision, replaces));
            }

            return accepted;
        }

        private void Load()
        {
            foreach (var u in db.SchemeUnits.AsNoTracking().Where(su => su.SchemeId == scheme.Id).Select(su => new { su.UnitId, su.Unit!.Code }))
            {
                _schemeUnits[u.Code] = (u.UnitId, u.Code);
                if (IsDigits(u.Code))
                {
                    Add(_unitsByNumber, u.Code.TrimStart('0'), (u.UnitId, u.Code));
                }
            }

            List<string> fileUnits = rows.Select(r => r.Unit.Text).Where(c => c.Length > 0 && !_schemeUnits.ContainsKey(c)).Distinct().ToList();
            if (fileUnits.Count > 0)
            {
                _knownElsewhere = db.Units.AsNoTracking().Where(u => fileUnits.Contains(u.Code)).Select(u => u.Code).ToHashSet(StringComparer.OrdinalIgnoreCase);
            }

            foreach (Indicator i in db.Indicators.AsNoTracking().Where(i => i.SchemeId == scheme.Id))
            {
                _indicators[i.Code] = i;
                _indicatorCodes[i.Id] = i.Code;
                if (IsDigits(i.Code))
                {
                    Add(_indicatorsByNumber, i.Code.TrimStart('0'), i);
                }
            }

            foreach (ReportingPeriod p in db.Periods.AsNoTracking().Where(p => p.SchemeId == scheme.Id))
            {
                _periods[p.Code] = p;
            }
        }

        private Dictionary<Key, Stored> LoadStored(List<Key> keys, out Dictionary<Key, int> maxRevision)
        {
            var current = new Dictionary<Key, Stored>();
            maxRevision = [];
            if (keys.Count == 0)
            {
                return current;
            }

            var periods = new HashSet<string>(StringComparer.Ordinal);
            foreach (Key k in keys)
            {
                periods.Add(k.Period);
                if (Period.TryParse(k.Period, out Period p) && IntakePeriods.PreviousInYear(p) is Period prev)
                {
                    periods.Add(prev.ToString());
                }
            }

            List<string> periodList = [.. periods];
            List<long> unitIds = keys.Select(k => k.Unit).Distinct().ToList();
            var figures = db.Figures.AsNoTracking()
                .Where(f => f.SchemeId == scheme.Id && periodList.Contains(f.Period) && unitIds.Contains(f.UnitId))
                .Select(f => new { f.Id, f.UnitId, f.IndicatorId, f.Period, f.Value, f.Status, f.Revision, f.IsCurrent });
            foreach (var f in figures)
            {
                var key = new Key(f.UnitId, f.IndicatorId, f.Period);
                maxRevision[key] = Math.Max(maxRevision.TryGetValue(key, out int r) ? r : 0, f.Revision);
                if (f.IsCurrent)
                {
                    current[key] = new Stored(f.Id, f.Value, f.Status, f.Revision);
                }
            }

            return current;
        }

        private bool TryUnit(Candidate row, List<ImportError> errors, out long unitId)
        {
            unitId = 0;
            string code = row.Unit.Text;
            if (code.Length == 0)
            {
                errors.Add(Error(row, row.Unit.Label, "单位代码为空", "the unit code is empty"));
                return false;
            }

            if (!ResolveUnit(row.Unit, out (long Id, string Code) unit))
            {
                errors.Add(_knownElsewhere.Contains(code)
                    ? Error(row, row.Unit.Label, $"单位“{code}”不是考核方案“{scheme.Code}”的考核对象", $"unit '{code}' is not assessed in scheme '{scheme.Code}'")
                    : Error(row, row.Unit.Label, $"单位代码“{code}”不存在", $"unknown unit code '{code}'"));
                return false;
            }

            if (options.AllowedUnitCodes is { } allowed && !allowed.Contains(unit.Code))
            {
                errors.Add(Error(row, row.Unit.Label, $"无权填报单位“{unit.Code}”的数据", $"you may not report figures for unit '{unit.Code}'"));
                return false;
            }

            unitId = unit.Id;
            return true;
        }

        /// <summary>A code typed as a number (001 became 1 in a cell not formatted as text) still finds its unit when only one fits.</summary>
        private bool ResolveUnit(Field field, out (long Id, string Code) unit)
        {
            if (_schemeUnits.TryGetValue(field.Text, out unit))
            {
                return true;
            }

            if (field.Raw is double && _unitsByNumber.TryGetValue(field.Text.TrimStart('0'), out var candidates) && candidates.Count == 1)
            {
                unit = candidates[0];
                return true;
            }

            return false;
        }

        private bool TryIndicator(Candidate row, List<ImportError> errors, [NotNullWhen(true)] out Indicator? indicator)
        {
            string code = row.Indicator.Text;
            indicator = null;
            if (code.Length == 0)
            {
                errors.Add(Error(row, row.Indicator.Label, "指标代码为空", "the indicator code is empty"));
                return false;
            }

            if (!_indicators.TryGetValue(code, out indicator)
                && !(row.Indicator.Raw is double && _indicatorsByNumber.TryGetValue(code.TrimStart('0'), out var c) && c.Count == 1 && (indicator = c[0]) is not null))
            {
                errors.Add(Error(row, row.Indicator.Label, $"考核方案“{scheme.Code}”中没有指标代码“{code}”", $"unknown indicator code '{code}' in scheme '{scheme.Code}'"));
                indicator = null;
                return false;
            }

            if (indicator.GrowthOfId is long of)
            {
                string level = _indicatorCodes.TryGetValue(of, out string? l) ? l : "?";
                errors.Add(Error(row, row.Indicator.Label,
                    $"指标“{indicator.Code}”是“{level}”的同比增速，由系统计算，不需填报",
                    $"indicator '{indicator.Code}' is derived (year-on-year growth of '{level}') and is not reported"));
                indicator = null;
                return false;
            }

            if (options.AllowedIndicatorCodes is { } allowed && !allowed.Contains(indicator.Code))
            {
                errors.Add(Error(row, row.Indicator.Label, $"无权填报指标“{indicator.Code}”", $"you may not report indicator '{indicator.Code}'"));
                indicator = null;
                return false;
            }

            return true;
        }

        private bool TryPeriod(Candidate row, List<ImportError> errors, out string code)
        {
            code = row.Period.Text;
            string? problemZh = null, problemEn = null;
            if (code.Length == 0)
            {
                (problemZh, problemEn) = ("期间为空", "the period is empty");
            }
            else if (!Period.TryParse(code, out Period p) || p.ToString() != code)
            {
                (problemZh, problemEn) = ($"期间“{code}”格式不对，应为 2025-06、2025-Q2 或 2025", $"period '{code}' is not of the form 2025-06, 2025-Q2 or 2025");
            }
            else if (!_periods.TryGetValue(code, out ReportingPeriod? period))
            {
                (problemZh, problemEn) = ($"考核方案“{scheme.Code}”没有期间“{code}”", $"scheme '{scheme.Code}' has no period '{code}'");
            }
            else if (period.Status == PeriodStatus.Published)
            {
                (problemZh, problemEn) = ($"期间 {code} 已发布，不再接收数据", $"period {code} is published (closed) and takes no more figures");
            }

            if (problemZh is null)
            {
                return true;
            }

            // A period from the template's metadata is one problem, not one per row.
            if (row.Period.Column is not null || _reportedPeriodErrors.Add(code))
            {
                errors.Add(row.Period.Column is not null
                    ? Error(row, row.Period.Label, problemZh, problemEn!)
                    : new ImportError(row.Sheet, 0, string.Empty, "文件所注期间：" + problemZh, "the file's period: " + problemEn));
            }

            return false;
        }

        private bool TryValue(Candidate row, Indicator? indicator, List<ImportError> errors, out double value)
        {
            if (!TryNumber(row.Value.Raw, out value))
            {
                errors.Add(Error(row, row.Value.Label, $"“{row.Value.Text}”不是数字", $"'{row.Value.Text}' is not a number"));
                return false;
            }

            if (indicator is null)
            {
                return true;
            }

            bool low = indicator.MinPlausible is double min && value < min;
            bool high = indicator.MaxPlausible is double max && value > max;
            if (low || high)
            {
                string range = $"[{(indicator.MinPlausible is double a ? Num(a) : "-∞")}, {(indicator.MaxPlausible is double b ? Num(b) : "+∞")}]";
                string uom = indicator.UnitOfMeasure is { Length: > 0 } u ? " " + u : string.Empty;
                errors.Add(Error(row, row.Value.Label,
                    $"数值 {Num(value)}{uom} 超出指标“{indicator.Code}”的合理范围 {range}",
                    $"value {Num(value)}{uom} is outside the plausible range {range} of indicator '{indicator.Code}'"));
                return false;
            }

            return true;
        }

        private static ImportError Error(Candidate row, string column, string zh, string en) => new(row.Sheet, row.Row, column, zh, en);

        private static string Where(Candidate first, Candidate row) => first.Sheet == row.Sheet
            ? string.Create(CultureInfo.InvariantCulture, $"第 {first.Row} 行")
            : string.Create(CultureInfo.InvariantCulture, $"工作表“{first.Sheet}”第 {first.Row} 行");

        private static string WhereEn(Candidate first, Candidate row) => first.Sheet == row.Sheet
            ? string.Create(CultureInfo.InvariantCulture, $"row {first.Row}")
            : string.Create(CultureInfo.InvariantCulture, $"sheet '{first.Sheet}' row {first.Row}");

        private static bool IsDigits(string s) => s.Length > 0 && s.All(char.IsAsciiDigit);

        private static void Add<T>(Dictionary<string, List<T>> map, string key, T item)
        {
            if (!map.TryGetValue(key, out List<T>? list))
            {
                map[key] = list = [];
            }

            list.Add(item);
        }
    }

    internal static string Num(double v) => v.ToString("0.##########", CultureInfo.InvariantCulture);

    /// <summary>
    /// A number cell, or text that is a plain number: full-width digits (１２３．４) and thousands
    /// separators (1,234.5) are read; percent signs, units and dates are not guessed at.
    /// </summary>
    internal static bool TryNumber(object? raw, out double value)
    {
        value = 0;
        switch (raw)
        {
            case double d:
                value = d;
                return double.IsFinite(d);
            case int i:
                value = i;
                return true;
            case string s:
                Span<char> buffer = stackalloc char[Math.Min(s.Length, 64)];
                int n = 0;
                foreach (char ch in s.AsSpan().Trim())
                {
                    if (n == buffer.Length)
                    {
                        return false;
                    }

                    buffer[n++] = ch switch
                    {
                        >= '０' and <= '９' => (char)('0' + (ch - '０')),
                        '．' => '.',
                        '－' or '−' => '-',
                        '，' => ',',
                        '＋' => '+',
                        _ => ch,
                    };
                }

                return n > 0
                    && double.TryParse(buffer[..n], NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out value)
                    && double.IsFinite(value);
            default:
                return false;
        }
    }
}
