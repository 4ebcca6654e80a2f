using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Saima.Data.Intake;
using Saima.Scoring;

namespace Saima.Data.Store;

/// <summary>Whether a batch of figures is kept as drafts or submitted for review as well.</summary>
public enum EntryMode
{
    Draft = 0,
    Submit = 1,
}

/// <summary>
/// One figure as a user gave it: codes as typed, the period, the value as typed or read (a
/// number, text such as "1,234.5" or "１２３", or null/empty for none) and the reporter's
/// explanation, if any.
/// </summary>
public sealed record FigureInput(string Unit, string Indicator, string Period, object? Value, string? Explanation = null)
{
    /// <summary>Evidence files attached with the figure (PDF, images, office documents; checked by content).</summary>
    public IReadOnlyList<EvidenceUpload> Evidence { get; init; } = [];
}

/// <summary>Which part of an item an entry error is about.</summary>
public enum EntryField
{
    Item = 0,
    Unit = 1,
    Indicator = 2,
    Period = 3,
    Value = 4,
    Explanation = 5,
    Evidence = 6,
}

/// <summary>
/// One thing wrong with one item of a batch: its index in the batch, the field, a stable code
/// (<see cref="WorkflowCodes"/>) with its arguments, and the reason in Chinese and English. The
/// form, the upload, the API and the CLI show these texts as they are, so the same bad value gets
/// the same answer whichever way it came.
/// </summary>
public sealed record EntryError(int Index, EntryField Field, string Code, IReadOnlyList<string> Args, string Zh, string En)
{
    /// <summary>The refusal is about who may enter the figure, not about the figure.</summary>
    public bool IsAccess => Code is WorkflowCodes.OtherUnit or WorkflowCodes.SourceSupplied or WorkflowCodes.NotSource or WorkflowCodes.CannotEnter;

    public string Text(bool english) => english ? En : Zh;
}

/// <summary>A batch of figures for one scheme. <see cref="FileName"/> set: they came in an upload, recorded as one import.</summary>
public sealed record EntryRequest(string SchemeCode, IReadOnlyList<FigureInput> Items, EntryMode Mode = EntryMode.Draft)
{
    public string? FileName { get; init; }
}

/// <summary>
/// What a batch did: all of it (<see cref="Accepted"/>) or nothing, with every error. Counts are
/// of figures created, changed, left as they were, submitted and flagged for the reviewer.
/// </summary>
public sealed record EntryResult(bool Accepted, int Created, int Updated, int Unchanged, int Submitted, int Flagged, long? ImportId, IReadOnlyList<EntryError> Errors)
{
    internal static EntryResult Refused(IReadOnlyList<EntryError> errors) => new(false, 0, 0, 0, 0, 0, null, errors);

    /// <summary>Ids of the figures the batch stored, in item order (empty when refused).</summary>
    public IReadOnlyList<long> FigureIds { get; init; } = [];
}

/// <summary>
/// The one door through which figures are entered: the entry form, the Excel/CSV upload, the
/// HTTP API and the command line all send batches here, and every rule of entering a figure lives
/// here once: the unit takes part in the scheme; the indicator is the scheme's, reported (not
/// derived) and due in the period; the period exists and takes figures (published periods never,
/// closed intake only from the office); the value is a number; the actor may enter it (a unit's
/// reporter its own unit's indicators that no department supplies, a department the indicators it
/// supplies, the office all); the stored figure can still be changed (a draft or a returned one);
/// no figure twice in a batch; a value outside the plausible range, or a year-to-date figure that
/// falls, is flagged to the reviewer and needs a written explanation; a submitted figure has a
/// value, and a returned one goes back only changed or explained. A batch is stored whole in one
/// transaction, with the audit trail (who, when, old and new value), or not at all.
/// </summary>
public sealed class FigureEntry(SaimaDb db, TimeProvider clock, EvidenceOptions? evidence = null)
{
    /// <summary>Longest explanation kept with a figure.</summary>
    public const int MaxExplanation = 1000;

    /// <summary>Batches this large go to the store through the bulk path (COPY on PostgreSQL).</summary>
    private const int BulkFrom = 200;

    public async Task<EntryResult> SaveAsync(Actor actor, EntryRequest request, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(request);
        actor.Validate();
        if (request.FileName is { } named && named.Contains('\0', StringComparison.Ordinal))
        {
            request = request with { FileName = named.Replace("\0", string.Empty, StringComparison.Ordinal) };
        }

        AssessmentScheme scheme = await db.Schemes.AsNoTracking().SingleOrDefaultAsync(s => s.Code == request.SchemeCode, cancel)
            ?? throw new NotFoundException(WorkflowCodes.NoScheme, $"scheme '{request.SchemeCode}' does not exist", request.SchemeCode);

        // What was checked is what is written on: reads and writes share one transaction, so a
        // figure submitted meanwhile cannot be overwritten by a draft from this batch.
        // A caller's transaction (an API request that does more) is joined, not nested.
        await using IDbContextTransaction? tx = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancel) : null;
        var errors = new List<EntryError>();

        // Periods are read after their rows are locked against a publication in flight (PostgreSQL).
        await PeriodLock.ForEntryAsync(db, scheme.Id, request.Items.Select(i => (i.Period ?? string.Empty).Trim()).Where(c => c.Length > 0 && !c.Contains('\0', StringComparison.Ordinal)), cancel);
        var lookup = await Lookup.LoadAsync(db, scheme, request.Items, cancel);
        List<Checked> good = CheckItems(actor, scheme, request, lookup, errors);
        Dictionary<Key, Figure> stored = await LoadStoredAsync(scheme.Id, good, cancel);
        List<Change> changes = CheckAgainstStore(scheme, request.Mode, good, stored, errors);
        if (errors.Count > 0)
        {
            if (tx is not null)
            {
                await tx.RollbackAsync(cancel);
            }

            return EntryResult.Refused([.. errors.OrderBy(e => e.Index).ThenBy(e => e.Field)]);
        }

        EntryResult result;
        try
        {
            result = await WriteAsync(actor, scheme, request, changes, cancel);
        }
        catch (Exception e) when (IsClash(e))
        {
            // Another batch stored one of these figures after they were read: nothing of this batch stays.
            if (tx is not null)
            {
                await tx.RollbackAsync(cancel);
            }

            db.ChangeTracker.Clear();
            return await ClashAsync(scheme, changes, e, cancel);
        }

        if (await AttachEvidenceAsync(actor, scheme.Id, request, result, cancel) is { } refused)
        {
            if (tx is not null)
            {
                await tx.RollbackAsync(cancel);
            }

            db.ChangeTracker.Clear();
            return refused;
        }

        if (tx is not null)
        {
            await tx.CommitAsync(cancel);
        }

        return result;
    }

    /// <summary>
    /// A write that lost a race: a figure changed since it was read (its row version moved), or a
    /// new figure another batch inserted first (the unique key of scheme, period, unit, indicator
    /// and revision, from EF or from COPY).
    /// </summary>
    private static bool IsClash(Exception e) => e switch
    {
        DbUpdateConcurrencyException => true,
        DbUpdateException { InnerException: { } inner } => IsClash(inner),
        Npgsql.PostgresException p => p.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation,
        Microsoft.Data.Sqlite.SqliteException q => q.SqliteErrorCode == 19 && q.SqliteExtendedErrorCode == 2067,
        _ => false,
    };

    /// <summary>The refusal of a batch that lost a race, naming the figure it clashed on (the first whose stored state moved meanwhile).</summary>
    private async Task<EntryResult> ClashAsync(AssessmentScheme scheme, List<Change> changes, Exception e, CancellationToken cancel)
    {
        Change? clash = null;
        if (e is DbUpdateConcurrencyException concurrency)
        {
            var ids = concurrency.Entries.Select(x => x.Entity).OfType<Figure>().Select(f => f.Id).ToHashSet();
            clash = changes.FirstOrDefault(c => c.Current is { } f && ids.Contains(f.Id));
        }

        if (clash is null)
        {
            var fresh = changes.Where(c => c.Current is null).ToList();
            long[] units = [.. fresh.Select(c => c.Item.UnitId).Distinct().Take(1000)];
            string[] periods = [.. fresh.Select(c => c.Item.Period.Code).Distinct()];
            var taken = (await db.Figures.AsNoTracking()
                    .Where(f => f.SchemeId == scheme.Id && f.IsCurrent && periods.Contains(f.Period) && units.Contains(f.UnitId))
                    .Select(f => new { f.UnitId, f.IndicatorId, f.Period }).ToListAsync(cancel))
                .Select(f => new Key(f.UnitId, f.IndicatorId, f.Period)).ToHashSet();
            clash = fresh.FirstOrDefault(c => taken.Contains(c.Item.Key)) ?? changes.FirstOrDefault();
        }

        if (clash is null)
        {
            throw new WorkflowException(WorkflowCodes.EntryClash, "the figures were stored by someone else at the same moment; nothing was stored, try again", string.Empty);
        }

        Checked c = clash.Item;
        string key = AuditLog.FigureKey(scheme.Code, c.UnitCode, c.Indicator.Code, c.Period.Code);
        return EntryResult.Refused([Error(c.Index, EntryField.Item, WorkflowCodes.EntryClash, [key],
            $"数据 {key} 同时被他人录入或导入，本次未保存任何数据，请重试",
            $"figure {key} was entered or imported by someone else at the same moment; nothing was stored, try again")]);
    }

    /// <summary>
    /// The evidence files of the batch, each attached to the figure it came with (whom the batch
    /// allowed to enter the figure may attach evidence to it); the first file refused (empty, too
    /// large, not of a kind taken) refuses the batch.
    /// </summary>
    private async Task<EntryResult?> AttachEvidenceAsync(Actor actor, long schemeId, EntryRequest request, EntryResult result, CancellationToken cancel)
    {
        var store = new EvidenceStore(db, clock, evidence);
        for (int i = 0; i < request.Items.Count; i++)
        {
            foreach (EvidenceUpload file in request.Items[i].Evidence)
            {
                try
                {
                    await store.AddAsync(actor, schemeId, EvidenceStore.FigureEntity, result.FigureIds[i], file.FileName, file.Content, cancel);
                }
                catch (WorkflowException e)
                {
                    string name = e.Args.Count > 0 ? e.Args[0] : file.FileName;
                    string zh = e.Code switch
                    {
                        WorkflowCodes.EvidenceEmpty => $"文件“{name}”是空文件",
                        WorkflowCodes.EvidenceTooLarge => $"文件“{name}”超过佐证材料的大小上限",
                        WorkflowCodes.EvidenceType => $"文件“{name}”的内容不属于可接受的佐证材料类型（按内容核验）；可接受 PDF、图片、Word/Excel/PowerPoint 文档",
                        _ => $"文件“{name}”不能作为佐证材料",
                    };
                    return EntryResult.Refused([Error(i, EntryField.Evidence, e.Code, [.. e.Args], zh, e.Message)]);
                }
            }
        }

        return null;
    }

    /// <summary>The same rules for one figure the caller already holds by id (e.g. "submit this one").</summary>
    internal async Task<EntryResult> SaveByIdsAsync(Actor actor, long schemeId, long unitId, long indicatorId, string period, object? value, string? explanation, EntryMode mode, CancellationToken cancel = default)
    {
        AssessmentScheme scheme = await db.Schemes.AsNoTracking().SingleOrDefaultAsync(s => s.Id == schemeId, cancel)
            ?? throw new NotFoundException(WorkflowCodes.NoScheme, $"scheme {schemeId.ToString(CultureInfo.InvariantCulture)} does not exist", schemeId.ToString(CultureInfo.InvariantCulture));
        string unit = await db.Units.AsNoTracking().Where(u => u.Id == unitId).Select(u => u.Code).SingleOrDefaultAsync(cancel)
            ?? throw new NotFoundException(WorkflowCodes.NoUnit, $"unit {unitId.ToString(CultureInfo.InvariantCulture)} does not exist", unitId.ToString(CultureInfo.InvariantCulture));
        string indicator = await db.Indicators.AsNoTracking().Where(i => i.Id == indicatorId && i.SchemeId == schemeId).Select(i => i.Code).SingleOrDefaultAsync(cancel)
            ?? throw new NotFoundException(WorkflowCodes.NoIndicator, $"indicator {indicatorId.ToString(CultureInfo.InvariantCulture)} is not an indicator of scheme '{scheme.Code}'", indicatorId.ToString(CultureInfo.InvariantCulture), scheme.Code);
        return await SaveAsync(actor, new EntryRequest(scheme.Code, [new FigureInput(unit, indicator, period, value, explanation)], mode), cancel);
    }

    /// <summary>
    /// A value as typed or read: a number, or text that is a plain number (full-width digits
    /// １２３．４ and thousands separators 1,234.5 are read; percent signs, units and dates are not
    /// guessed at). Empty text and null are "no value".
    /// </summary>
    public static bool TryValue(object? raw, out double? value)
    {
        value = null;
        switch (raw)
        {
            case null:
                return true;
            case string s when s.Trim().Length == 0:
                return true;
            case double d:
                value = d;
                return double.IsFinite(d);
            case float f:
                value = f;
                return float.IsFinite(f);
            case int i:
                value = i;
                return true;
            case long l:
                value = l;
                return true;
            case decimal m:
                value = (double)m;
                return true;
            case string s:
                if (FigureImporter.TryNumber(s, out double parsed))
                {
                    value = parsed;
                    return true;
                }

                return false;
            default:
                return false;
        }
    }

    /// <summary>Whether an indicator reported at <paramref name="frequency"/> falls due in the period (monthly every month, quarterly at quarter ends, yearly at the year's end).</summary>
    public static bool IsDue(string frequency, Period period) => IntakePeriods.IsDue(frequency, period);

    private readonly record struct Key(long Unit, long Indicator, string Period);

    /// <summary>An item that passed the checks that need no stored figure.</summary>
    private sealed record Checked(int Index, FigureInput Input, long UnitId, string UnitCode, Indicator Indicator, ReportingPeriod Period, double? Value, string? Explanation)
    {
        public Key Key => new(UnitId, Indicator.Id, Period.Code);
    }

    /// <summary>What the batch will write for one item.</summary>
    private sealed record Change(Checked Item, Figure? Current, FigureFlags Flags);

    /// <summary>The scheme's units, indicators and periods the batch names, read once.</summary>
    private sealed class Lookup
    {
        public Dictionary<string, (long Id, string Code, long? ParentId)> Units { get; } = new(StringComparer.OrdinalIgnoreCase);
        public HashSet<string> KnownElsewhere { get; private set; } = new(StringComparer.OrdinalIgnoreCase);
        public Dictionary<string, Indicator> Indicators { get; } = new(StringComparer.OrdinalIgnoreCase);
        public Dictionary<long, Indicator> IndicatorsById { get; } = [];
        public Dictionary<string, ReportingPeriod> Periods { get; } = new(StringComparer.Ordinal);

        public static async Task<Lookup> LoadAsync(SaimaDb db, AssessmentScheme scheme, IReadOnlyList<FigureInput> items, CancellationToken cancel)
        {
            var l = new Lookup();
            // A code with a NUL cannot be one (and PostgreSQL refuses the character in a parameter): it is looked up as unknown.
            string[] unitCodes = [.. items.Select(i => (i.Unit ?? string.Empty).Trim()).Where(c => c.Length > 0 && !c.Contains('\0', StringComparison.Ordinal)).Distinct(StringComparer.OrdinalIgnoreCase)];

            // A country's scheme has thousands of units: read only those named, unless a code typed
            // as a number (001 became 1) needs the whole list to find its unit.
            bool numeric = false;
            foreach (string[] chunk in unitCodes.Chunk(1000))
            {
                foreach (var u in await db.SchemeUnits.AsNoTracking().Where(su => su.SchemeId == scheme.Id && chunk.Contains(su.Unit!.Code))
                             .Select(su => new { su.UnitId, su.Unit!.Code, su.Unit.ParentId }).ToListAsync(cancel))
                {
                    l.Units[u.Code] = (u.UnitId, u.Code, u.ParentId);
                }
            }

            List<string> missing = unitCodes.Where(c => !l.Units.ContainsKey(c)).ToList();
            numeric = missing.Any(IsDigits);
            if (numeric)
            {
                foreach (var u in await db.SchemeUnits.AsNoTracking().Where(su => su.SchemeId == scheme.Id)
                             .Select(su => new { su.UnitId, su.Unit!.Code, su.Unit.ParentId }).ToListAsync(cancel))
                {
                    l.Units[u.Code] = (u.UnitId, u.Code, u.ParentId);
                }
            }

            if (missing.Count > 0)
            {
                string[] probe = [.. missing.Take(1000)];
                l.KnownElsewhere = (await db.Units.AsNoTracking().Where(u => probe.Contains(u.Code)).Select(u => u.Code).ToListAsync(cancel))
                    .ToHashSet(StringComparer.OrdinalIgnoreCase);
            }

            foreach (Indicator i in await db.Indicators.AsNoTracking().Where(i => i.SchemeId == scheme.Id).ToListAsync(cancel))
            {
                l.Indicators[i.Code] = i;
                l.IndicatorsById[i.Id] = i;
            }

            string[] periodCodes = [.. items.Select(i => (i.Period ?? string.Empty).Trim()).Where(c => c.Length > 0 && !c.Contains('\0', StringComparison.Ordinal)).Distinct(StringComparer.Ordinal)];
            foreach (ReportingPeriod p in await db.Periods.AsNoTracking().Where(p => p.SchemeId == scheme.Id && periodCodes.Contains(p.Code)).ToListAsync(cancel))
            {
                l.Periods[p.Code] = p;
            }

            return l;
        }

        public bool TryUnit(string code, out (long Id, string Code, long? ParentId) unit)
        {
            if (Units.TryGetValue(code, out unit))
            {
                return true;
            }

            if (IsDigits(code))
            {
                string trimmed = code.TrimStart('0');
                var candidates = Units.Values.Where(u => IsDigits(u.Code) && u.Code.TrimStart('0') == trimmed).Take(2).ToList();
                if (candidates.Count == 1)
                {
                    unit = candidates[0];
                    return true;
                }
            }

            return false;
        }

        public bool TryIndicator(string code, out Indicator? indicator)
        {
            if (Indicators.TryGetValue(code, out indicator))
            {
                return true;
            }

            if (IsDigits(code))
            {
                string trimmed = code.TrimStart('0');
                var candidates = Indicators.Values.Where(i => IsDigits(i.Code) && i.Code.TrimStart('0') == trimmed).Take(2).ToList();
                if (candidates.Count == 1)
                {
                    indicator = candidates[0];
                    return true;
                }
            }

            indicator = null;
            return false;
        }

        private static bool IsDigits(string s) => s.Length > 0 && s.All(char.IsAsciiDigit);
    }

    /// <summary>The checks of each item on its own (and against the batch): everything but the stored figures.</summary>
    private static List<Checked> CheckItems(Actor actor, AssessmentScheme scheme, EntryRequest request, Lookup lookup, List<EntryError> errors)
    {
        var good = new List<Checked>(request.Items.Count);
        var seen = new Dictionary<Key, int>();
        var periodRefused = new HashSet<string>(StringComparer.Ordinal);
        for (int index = 0; index < request.Items.Count; index++)
        {
            FigureInput item = request.Items[index];
            int before = errors.Count;
            string unitCode = (item.Unit ?? string.Empty).Trim();
            string indicatorCode = (item.Indicator ?? string.Empty).Trim();
            string periodCode = (item.Period ?? string.Empty).Trim();

            (long Id, string Code, long? ParentId) unit = default;
            if (unitCode.Length == 0)
            {
                errors.Add(Error(index, EntryField.Unit, WorkflowCodes.UnitEmpty, [], "单位代码为空", "the unit code is empty"));
            }
            else if (!lookup.TryUnit(unitCode, out unit))
            {
                errors.Add(lookup.KnownElsewhere.Contains(unitCode)
                    ? Error(index, EntryField.Unit, WorkflowCodes.UnitNotInScheme, [unitCode, scheme.Code], $"单位“{unitCode}”不是考核方案“{scheme.Code}”的考核对象", $"unit '{unitCode}' does not take part in scheme '{scheme.Code}'")
                    : Error(index, EntryField.Unit, WorkflowCodes.NoUnit, [unitCode], $"单位代码“{unitCode}”不存在", $"unknown unit code '{unitCode}'"));
            }

            Indicator? indicator = null;
            if (indicatorCode.Length == 0)
            {
                errors.Add(Error(index, EntryField.Indicator, WorkflowCodes.IndicatorEmpty, [], "指标代码为空", "the indicator code is empty"));
            }
            else if (!lookup.TryIndicator(indicatorCode, out indicator))
            {
                errors.Add(Error(index, EntryField.Indicator, WorkflowCodes.NoIndicator, [indicatorCode, scheme.Code], $"考核方案“{scheme.Code}”中没有指标代码“{indicatorCode}”", $"unknown indicator code '{indicatorCode}' in scheme '{scheme.Code}'"));
            }
            else if (indicator!.GrowthOfId is long of)
            {
                string level = lookup.IndicatorsById.TryGetValue(of, out Indicator? l) ? l.Code : "?";
                errors.Add(Error(index, EntryField.Indicator, WorkflowCodes.DerivedNotEntered, [indicator.Code, level],
                    $"指标“{indicator.Code}”是“{level}”的同比增速，由系统计算，不需填报", $"indicator '{indicator.Code}' is a derived year-on-year growth (of '{level}'): it is computed, never entered"));
                indicator = null;
            }

            ReportingPeriod? period = null;
            string? periodZh = null, periodEn = null, periodError = null;
            if (periodCode.Length == 0)
            {
                (periodError, periodZh, periodEn) = (WorkflowCodes.PeriodEmpty, "期间为空", "the period is empty");
            }
            else if (!Period.TryParse(periodCode, out Period parsed) || parsed.ToString() != periodCode)
            {
                (periodError, periodZh, periodEn) = (WorkflowCodes.PeriodFormat, $"期间“{periodCode}”格式不对，应为 2025-06、2025-Q2 或 2025", $"period '{periodCode}' is not of the form 2025-06, 2025-Q2 or 2025");
            }
            else if (!lookup.Periods.TryGetValue(periodCode, out period))
            {
                (periodError, periodZh, periodEn) = (WorkflowCodes.NoPeriod, $"考核方案“{scheme.Code}”没有期间“{periodCode}”", $"period {periodCode} of scheme '{scheme.Code}' does not exist");
            }
            else if (period.Status == PeriodStatus.Published)
            {
                (periodError, periodZh, periodEn) = (WorkflowCodes.PeriodClosed, $"期间 {periodCode} 已发布，不再接收数据（已发布的数据由考核办更正）", $"period {periodCode} is published and takes no more figures (the office corrects published figures)");
            }
            else if (period.Status == PeriodStatus.Closed && actor.Role != ActorRole.Office)
            {
                (periodError, periodZh, periodEn) = (WorkflowCodes.IntakeClosed, $"期间 {periodCode} 已截止报送，如需补报请联系考核办", $"intake of period {periodCode} is closed; ask the office to reopen it");
            }

            if (periodError is not null)
            {
                errors.Add(Error(index, EntryField.Period, periodError, [periodCode, scheme.Code], periodZh!, periodEn!));
                period = null;
                periodRefused.Add(periodCode);
            }

            if (indicator is not null && period is not null && Period.TryParse(period.Code, out Period due) && !IntakePeriods.IsDue(indicator.Frequency, due))
            {
                errors.Add(Error(index, EntryField.Indicator, WorkflowCodes.NotDue, [indicator.Code, period.Code, indicator.Frequency],
                    $"指标“{indicator.Code}”按{FrequencyZh(indicator.Frequency)}报送，期间 {period.Code} 不需填报", $"'{indicator.Code}' is reported per {indicator.Frequency} and is not due in period {period.Code}"));
                indicator = null;
            }

            if (!TryValue(item.Value, out double? value))
            {
                string text = Convert.ToString(item.Value, CultureInfo.InvariantCulture) ?? string.Empty;
                errors.Add(Error(index, EntryField.Value, WorkflowCodes.NotANumber, [text], $"“{text}”不是数字", $"'{text}' is not a number"));
            }

            // NUL is no text a person writes, and PostgreSQL stores none: it is dropped.
            string? explanation = string.IsNullOrWhiteSpace(item.Explanation) ? null : item.Explanation.Replace("\0", string.Empty, StringComparison.Ordinal).Trim();
            explanation = explanation?.Length == 0 ? null : explanation;
            if (explanation is { Length: > MaxExplanation })
            {
                string max = MaxExplanation.ToString(CultureInfo.InvariantCulture);
                errors.Add(Error(index, EntryField.Explanation, WorkflowCodes.ExplanationTooLong, [max], $"说明最多 {max} 个字", $"an explanation has at most {max} characters"));
            }

            if (unit.Id != 0 && indicator is not null && CanEnter(actor, unit, indicator) is { } denied)
            {
                errors.Add(denied with { Index = index });
            }

            if (errors.Count > before || indicator is null || period is null || unit.Id == 0)
            {
                continue;
            }

            var c = new Checked(index, item, unit.Id, unit.Code!, indicator, period, value, explanation);
            if (seen.TryGetValue(c.Key, out int first))
            {
                string n = (first + 1).ToString(CultureInfo.InvariantCulture);
                errors.Add(Error(index, EntryField.Item, WorkflowCodes.Duplicate, [first.ToString(CultureInfo.InvariantCulture), c.UnitCode, indicator.Code, period.Code],
                    $"与第 {n} 项重复（同一单位、指标、期间）", $"the same figure as item {n} ({unit.Code}/{indicator.Code} {period.Code})"));
                continue;
            }

            seen.Add(c.Key, index);
            good.Add(c);
        }

        return good;
    }

    /// <summary>
    /// Who may enter a unit's figure: the office; the unit's own reporter, unless a source
    /// department supplies the indicator; that department's reporter, for every unit.
    /// </summary>
    private static EntryError? CanEnter(Actor actor, (long Id, string Code, long? ParentId) unit, Indicator indicator) => actor.Role switch
    {
        ActorRole.Office => null,
        ActorRole.Reporter when actor.UnitId != unit.Id => Error(0, EntryField.Unit, WorkflowCodes.OtherUnit, [actor.Name, unit.Code],
            $"{actor.Name} 只能填报本单位的数据，不能填报单位“{unit.Code}”", $"{actor.Name} may not enter figures of unit '{unit.Code}': a reporter acts for its own unit only"),
        ActorRole.Reporter when indicator.SourceUnitId is not null => Error(0, EntryField.Indicator, WorkflowCodes.SourceSupplied, [actor.Name, indicator.Code],
            $"指标“{indicator.Code}”由数据来源部门报送，单位不需填报", $"{actor.Name} may not enter '{indicator.Code}': it is supplied by a source department"),
        ActorRole.Reporter => null,
        ActorRole.DepartmentReporter when indicator.SourceUnitId == actor.UnitId => null,
        ActorRole.DepartmentReporter => Error(0, EntryField.Indicator, WorkflowCodes.NotSource, [actor.Name, indicator.Code],
            $"本部门不是指标“{indicator.Code}”的数据来源，不能填报", $"{actor.Name} may not enter '{indicator.Code}': the department supplies only the indicators it is the source of"),
        _ => Error(0, EntryField.Item, WorkflowCodes.CannotEnter, [actor.Name],
            $"{actor.Name} 的角色不能填报数据", $"{actor.Name} may not enter figures: only reporters, source departments and the office do"),
    };

    /// <summary>
    /// The current figures of the batch's keys, and of the month before in the same year for
    /// year-to-date checks, tracked (they may be changed).
    /// </summary>
    private async Task<Dictionary<Key, Figure>> LoadStoredAsync(long schemeId, List<Checked> items, CancellationToken cancel)
    {
        var stored = new Dictionary<Key, Figure>();
        if (items.Count == 0)
        {
            return stored;
        }

        var periods = new HashSet<string>(StringComparer.Ordinal);
        foreach (Checked c in items)
        {
            periods.Add(c.Period.Code);
            if (c.Indicator.Cumulative && Period.TryParse(c.Period.Code, out Period p) && IntakePeriods.PreviousInYear(p) is Period prev)
            {
                periods.Add(prev.ToString());
            }
        }

        string[] periodList = [.. periods];
        long[] indicatorIds = [.. items.Select(c => c.Indicator.Id).Distinct()];
        foreach (long[] units in items.Select(c => c.UnitId).Distinct().Chunk(1000))
        {
            foreach (Figure f in await db.Figures
                         .Where(f => f.SchemeId == schemeId && f.IsCurrent && periodList.Contains(f.Period) && units.Contains(f.UnitId) && indicatorIds.Contains(f.IndicatorId))
                         .ToListAsync(cancel))
            {
                stored[new Key(f.UnitId, f.IndicatorId, f.Period)] = f;
            }
        }

        return stored;
    }

    /// <summary>The checks that need the stored figures: state, year to date, plausible range, submission.</summary>
    private static List<Change> CheckAgainstStore(AssessmentScheme scheme, EntryMode mode, List<Checked> items, Dictionary<Key, Figure> stored, List<EntryError> errors)
    {
        var batch = items.ToDictionary(c => c.Key, c => c.Value);
        var changes = new List<Change>(items.Count);
        foreach (Checked c in items)
        {
            int before = errors.Count;
            string key = AuditLog.FigureKey(scheme.Code, c.UnitCode, c.Indicator.Code, c.Period.Code);
            stored.TryGetValue(c.Key, out Figure? current);
            switch (current?.Status)
            {
                case FigureStatus.Submitted:
                    errors.Add(Error(c.Index, EntryField.Value, WorkflowCodes.EditSubmitted, [key], "该数据已报送，正在等待审核；需审核人退回后才能修改", $"figure {key} is submitted and waits for review; a reviewer must return it before it can be changed"));
                    break;
                case FigureStatus.Approved:
                    errors.Add(Error(c.Index, EntryField.Value, WorkflowCodes.EditApproved, [key], "该数据已审核通过；需审核人退回后才能修改", $"figure {key} is approved; a reviewer must return it before it can be changed"));
                    break;
                case FigureStatus.Published:
                    errors.Add(Error(c.Index, EntryField.Value, WorkflowCodes.EditPublished, [key], "该数据已发布，不能覆盖；由考核办说明理由后更正", $"figure {key} is published and is never overwritten; the office corrects it with a reason"));
                    break;
            }

            if (errors.Count > before)
            {
                continue;
            }

            // The explanation that counts: the one given now, else the one kept with the figure.
            string? explanation = c.Explanation ?? current?.Explanation;
            FigureFlags flags = FigureFlags.None;
            if (c.Value is double v)
            {
                (double? previous, string previousPeriod) = PreviousInYear(c, batch, stored);
                flags = Flags(c.Indicator, v, previous, previousPeriod, out string? zh, out string? en, out string? code, out string[] args);
                if (flags != FigureFlags.None && explanation is null)
                {
                    errors.Add(Error(c.Index, EntryField.Explanation, code!, args, zh!, en!));
                }
            }

            if (mode == EntryMode.Submit)
            {
                if (c.Value is null)
                {
                    errors.Add(Error(c.Index, EntryField.Value, WorkflowCodes.SubmitEmpty, [key], "没有填报值，不能报送", $"figure {key} has no value; enter one before submitting"));
                }
                else if (current?.ReturnedValue is double returned && ResultService.SameBits(returned, c.Value) && c.Explanation is null && current.Explanation is null)
                {
                    errors.Add(Error(c.Index, EntryField.Explanation, WorkflowCodes.ReturnedUnchanged, [key, AuditLog.Text(returned)!],
                        $"该数据被退回后未作修改（仍为 {Num(returned)}）；请修改，或填写说明后再报送", $"figure {key} was returned and is unchanged ({Num(returned)}); change it, or explain why it is right, before submitting it again"));
                }
            }

            if (errors.Count == before)
            {
                changes.Add(new Change(c, current, flags));
            }
        }

        return changes;
    }

    private static (double? Value, string Period) PreviousInYear(Checked c, Dictionary<Key, double?> batch, Dictionary<Key, Figure> stored)
    {
        if (!c.Indicator.Cumulative || !Period.TryParse(c.Period.Code, out Period p) || IntakePeriods.PreviousInYear(p) is not Period prev)
        {
            return (null, string.Empty);
        }

        Key key = c.Key with { Period = prev.ToString() };
        return (batch.TryGetValue(key, out double? inBatch) ? inBatch : stored.TryGetValue(key, out Figure? f) ? f.Value : null, key.Period);
    }

    /// <summary>The flags a value raises: outside the plausible range, or a year-to-date value below the period before's.</summary>
    public static FigureFlags FlagsOf(double value, double? min, double? max, double? previousInYear) =>
        ((min is { } lo && value < lo) || (max is { } hi && value > hi) ? FigureFlags.OutOfRange : FigureFlags.None)
        | (previousInYear is { } b && value < b ? FigureFlags.YearToDateFalls : FigureFlags.None);

    /// <summary>The flags a value raises, and what the reporter is told when it comes without an explanation.</summary>
    internal static FigureFlags Flags(Indicator indicator, double value, double? previousInYear, string previousPeriod, out string? zh, out string? en, out string? code, out string[] args)
    {
        (zh, en, code, args) = (null, null, null, []);
        FigureFlags flags = FigureFlags.None;
        if (previousInYear is double b && value < b)
        {
            flags |= FigureFlags.YearToDateFalls;
            (code, args) = (WorkflowCodes.YearToDateFalls, [Num(value), Num(b), indicator.Code, previousPeriod]);
            zh = $"累计值 {Num(value)} 低于上期（{previousPeriod}）的 {Num(b)}，累计数一般不应减少；如数据无误，请填写说明";
            en = $"year-to-date value {Num(value)} is lower than {Num(b)} of {previousPeriod}; a cumulative figure should not fall: if it is right, explain it";
        }

        bool low = indicator.MinPlausible is double min && value < min;
        bool high = indicator.MaxPlausible is double max && value > max;
        if (low || high)
        {
            flags |= FigureFlags.OutOfRange;
            string lo = indicator.MinPlausible is double a ? Num(a) : "-∞";
            string hi = indicator.MaxPlausible is double h ? Num(h) : "+∞";
            string uom = indicator.UnitOfMeasure is { Length: > 0 } u ? " " + u : string.Empty;
            (code, args) = (WorkflowCodes.OutOfRange, [Num(value), lo, hi, indicator.Code]);
            zh = $"数值 {Num(value)}{uom} 超出指标“{indicator.Code}”的合理范围 [{lo}, {hi}]；如数据无误，请填写说明";
            en = $"value {Num(value)}{uom} is outside the plausible range [{lo}, {hi}] of indicator '{indicator.Code}'; if it is right, explain it";
        }

        return flags;
    }

    private async Task<EntryResult> WriteAsync(Actor actor, AssessmentScheme scheme, EntryRequest request, List<Change> changes, CancellationToken cancel)
    {
        DateTimeOffset now = StoreTime.Now(clock);
        FigureStatus target = request.Mode == EntryMode.Submit ? FigureStatus.Submitted : FigureStatus.Draft;
        long? importId = null;
        if (request.FileName is not null)
        {
            var batch = new ImportBatch { SchemeId = scheme.Id, FileName = request.FileName, ImportedBy = actor.Name, ImportedAt = now, Rows = changes.Count };
            db.Imports.Add(batch);
            await db.SaveChangesAsync(cancel);
            importId = batch.Id;
        }

        var audit = new List<AuditEntry>();
        var inserts = new List<Change>();
        int updated = 0, unchanged = 0, flagged = 0;
        foreach (Change change in changes)
        {
            Checked c = change.Item;
            string key = AuditLog.FigureKey(scheme.Code, c.UnitCode, c.Indicator.Code, c.Period.Code);
            flagged += change.Flags != FigureFlags.None ? 1 : 0;
            if (change.Current is not Figure f)
            {
                inserts.Add(change);
                audit.Add(AuditLog.Entry(now, actor, "create", AuditLog.FigureEntity, key, "value", null, AuditLog.Text(c.Value), request.FileName));
                audit.Add(AuditLog.Entry(now, actor, "create", AuditLog.FigureEntity, key, "status", null, AuditLog.Text(target), request.FileName));
                if (c.Explanation is not null)
                {
                    audit.Add(AuditLog.Entry(now, actor, "create", AuditLog.FigureEntity, key, "explanation", null, c.Explanation));
                }

                continue;
            }

            bool changed = false;
            if (!ResultService.SameBits(f.Value, c.Value))
            {
                audit.Add(AuditLog.Entry(now, actor, "update", AuditLog.FigureEntity, key, "value", AuditLog.Text(f.Value), AuditLog.Text(c.Value), request.FileName));
                f.Value = c.Value;
                f.EnteredBy = actor.Name;
                f.EnteredAt = now;
                f.ImportId = importId ?? f.ImportId;
                changed = true;
            }

            if (c.Explanation is not null && !string.Equals(f.Explanation, c.Explanation, StringComparison.Ordinal))
            {
                audit.Add(AuditLog.Entry(now, actor, "update", AuditLog.FigureEntity, key, "explanation", f.Explanation, c.Explanation));
                f.Explanation = c.Explanation;
                changed = true;
            }

            if (f.Flags != change.Flags)
            {
                f.Flags = change.Flags;
            }

            if (f.Status != target)
            {
                audit.Add(AuditLog.Entry(now, actor, target == FigureStatus.Submitted ? "submit" : "update", AuditLog.FigureEntity, key, "status", AuditLog.Text(f.Status), AuditLog.Text(target)));
                f.Status = target;
                changed = true;
            }

            if (target == FigureStatus.Submitted && f.ReturnedValue is not null)
            {
                f.ReturnedValue = null;
            }

            updated += changed ? 1 : 0;
            unchanged += changed ? 0 : 1;
        }

        if (importId is long batchId)
        {
            audit.Add(new AuditEntry
            {
                At = now,
                User = actor.Name,
                Action = "import",
                Entity = nameof(ImportBatch),
                EntityKey = batchId.ToString(CultureInfo.InvariantCulture),
                NewValue = string.Create(CultureInfo.InvariantCulture, $"{changes.Count} figures as {AuditLog.Text(target)} ({inserts.Count} new, {updated} changed), scheme {scheme.Code}"),
                Reason = request.FileName,
            });
        }

        await db.SaveChangesAsync(cancel);
        List<long> ids = await InsertAsync(actor, scheme.Id, importId, target, now, inserts, cancel);
        BulkWriter.WriteAudit(db, audit);
        var idOf = new Dictionary<int, long>();
        for (int i = 0; i < inserts.Count; i++)
        {
            idOf[inserts[i].Item.Index] = ids[i];
        }

        foreach (Change change in changes.Where(c => c.Current is not null))
        {
            idOf[change.Item.Index] = change.Current!.Id;
        }

        int submitted = target == FigureStatus.Submitted ? changes.Count : 0;
        return new EntryResult(true, inserts.Count, updated, unchanged, submitted, flagged, importId, [])
        {
            FigureIds = [.. idOf.OrderBy(p => p.Key).Select(p => p.Value)],
        };
    }

    /// <summary>New figures: through EF for a handful (ids come back), through the bulk path for an upload's thousands.</summary>
    private async Task<List<long>> InsertAsync(Actor actor, long schemeId, long? importId, FigureStatus status, DateTimeOffset now, List<Change> inserts, CancellationToken cancel)
    {
        if (inserts.Count == 0)
        {
            return [];
        }

        if (inserts.Count < BulkFrom)
        {
            var figures = inserts.Select(i => new Figure
            {
                SchemeId = schemeId,
                UnitId = i.Item.UnitId,
                IndicatorId = i.Item.Indicator.Id,
                Period = i.Item.Period.Code,
                Value = i.Item.Value,
                Status = status,
                Revision = 1,
                IsCurrent = true,
                EnteredBy = actor.Name,
                EnteredAt = now,
                ImportId = importId,
                Explanation = i.Item.Explanation,
                Flags = i.Flags,
            }).ToList();
            db.Figures.AddRange(figures);
            await db.SaveChangesAsync(cancel);
            return figures.Select(f => f.Id).ToList();
        }

        // A key may have had figures before (revisions no longer current): the new one goes after them.
        // A key that has a current figure now had none when the batch read it: another batch stored
        // it meanwhile (committed after our read, so read committed shows it here, and a revision
        // after it would not meet the unique key). That is a clash, as the unique key is on the EF path.
        long[] units = [.. inserts.Select(i => i.Item.UnitId).Distinct()];
        string[] periods = [.. inserts.Select(i => i.Item.Period.Code).Distinct()];
        var insertKeys = inserts.Select(i => i.Item.Key).ToHashSet();
        var maxRevision = new Dictionary<Key, int>();
        foreach (long[] chunk in units.Chunk(1000))
        {
            foreach (var r in await db.Figures.AsNoTracking()
                         .Where(f => f.SchemeId == schemeId && periods.Contains(f.Period) && chunk.Contains(f.UnitId))
                         .GroupBy(f => new { f.UnitId, f.IndicatorId, f.Period })
                         .Select(g => new { g.Key.UnitId, g.Key.IndicatorId, g.Key.Period, Max = g.Max(f => f.Revision), Current = g.Any(f => f.IsCurrent) })
                         .ToListAsync(cancel))
            {
                var key = new Key(r.UnitId, r.IndicatorId, r.Period);
                if (r.Current && insertKeys.Contains(key))
                {
                    throw new DbUpdateConcurrencyException("a figure of this batch was stored by another batch after it was read");
                }

                maxRevision[key] = r.Max;
            }
        }

        var rows = inserts.Select(i => new FigureBulkInsert.Row(
            i.Item.UnitId, i.Item.Indicator.Id, i.Item.Period.Code, i.Item.Value,
            (maxRevision.TryGetValue(i.Item.Key, out int max) ? max : 0) + 1, i.Item.Explanation, i.Flags)).ToList();
        FigureBulkInsert.Insert(db, schemeId, importId, status, actor.Name, now, rows);
        var inserted = new Dictionary<Key, long>();
        string[] periodList = periods;
        foreach (long[] chunk in units.Chunk(1000))
        {
            foreach (var f in await db.Figures.AsNoTracking()
                         .Where(f => f.SchemeId == schemeId && f.IsCurrent && periodList.Contains(f.Period) && chunk.Contains(f.UnitId))
                         .Select(f => new { f.Id, f.UnitId, f.IndicatorId, f.Period })
                         .ToListAsync(cancel))
            {
                inserted[new Key(f.UnitId, f.IndicatorId, f.Period)] = f.Id;
            }
        }

        return inserts.Select(i => inserted[i.Item.Key]).ToList();
    }

    private static EntryError Error(int index, EntryField field, string code, string[] args, string zh, string en) => new(index, field, code, args, zh, en);

    private static string FrequencyZh(string frequency) => frequency.ToLowerInvariant() switch
    {
        "month" => "月",
        "quarter" => "季度",
        "year" => "年",
        _ => frequency,
    };

    internal static string Num(double v) => v.ToString("0.##########", CultureInfo.InvariantCulture);
}
