using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;
using Saima.Web.Pages.Entry;

namespace Saima.Web.Api;

/// <summary>
/// The API's writes, each through <see cref="FigureWorkflow"/> as the user's <see cref="Actor"/>
/// and all or nothing (one transaction): drafts, submission, review and publication, as the entry
/// pages do them. Every refusal names what it is about: <c>items[2].value: expected a number</c>.
/// </summary>
internal static class ApiWrites
{
    /// <summary>Most figures one request may save.</summary>
    public const int MaxItems = 5000;

    public const int MaxNote = 500;

    private sealed record Item(int Index, string Unit, string Indicator, double? Value, string? Note)
    {
        public string Path => string.Create(CultureInfo.InvariantCulture, $"items[{Index}]");
    }

    /// <summary>Saves figures as drafts: every item is checked first, then all are stored or none.</summary>
    public static async Task<IResult> SaveFigures(string scheme, string period, HttpRequest request, SaimaDb db, SaimaAccess access, TimeProvider clock, CancellationToken cancel)
    {
        Actor actor = access.AsFirstOf(ActorRole.Reporter, ActorRole.DepartmentReporter, ActorRole.Office);
        if (await OpenPeriodAsync(db, scheme, period, cancel) is { } refused)
        {
            return refused;
        }

        AssessmentScheme s = (await ApiContext.SchemeAsync(db, scheme, cancel))!;
        (JsonDocument? json, string? bodyError) = await ApiJson.ReadAsync(request, cancel);
        using JsonDocument? document = json;
        if (bodyError is not null)
        {
            return ApiProblems.Invalid([("body", bodyError)]);
        }

        if (document is null || document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("items", out JsonElement array) || array.ValueKind != JsonValueKind.Array)
        {
            return ApiProblems.Invalid([("items", "expected an object {\"items\": [{\"unit\", \"indicator\", \"value\", \"note\"}, ...]}")]);
        }

        int count = array.GetArrayLength();
        if (count == 0 || count > MaxItems)
        {
            return ApiProblems.Invalid([("items", string.Create(CultureInfo.InvariantCulture, $"expected 1 to {MaxItems} figures, got {count}"))]);
        }

        // 1. The form of every item.
        var errors = new List<(string, string)>();
        var items = new List<Item>(count);
        int index = 0;
        foreach (JsonElement e in array.EnumerateArray())
        {
            if (ParseItem(e, index++, errors) is { } item)
            {
                items.Add(item);
            }
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        // 2. What the items name: units of the scheme, indicators entered in this period, plausible values, no figure twice.
        string[] unitCodes = [.. items.Select(i => i.Unit).Distinct(StringComparer.Ordinal)];
        string[] indicatorCodes = [.. items.Select(i => i.Indicator).Distinct(StringComparer.Ordinal)];
        var units = await db.Units.AsNoTracking()
            .Where(u => unitCodes.Contains(u.Code) && db.SchemeUnits.Any(su => su.SchemeId == s.Id && su.UnitId == u.Id))
            .ToDictionaryAsync(u => u.Code, StringComparer.Ordinal, cancel);
        var indicators = await db.Indicators.AsNoTracking().Where(i => i.SchemeId == s.Id && indicatorCodes.Contains(i.Code))
            .ToDictionaryAsync(i => i.Code, StringComparer.Ordinal, cancel);
        var seen = new Dictionary<(string, string), int>();
        foreach (Item item in items)
        {
            if (!units.ContainsKey(item.Unit))
            {
                errors.Add((item.Path + ".unit", $"unit '{item.Unit}' does not take part in scheme '{s.Code}'"));
            }

            if (!indicators.TryGetValue(item.Indicator, out Indicator? indicator))
            {
                errors.Add((item.Path + ".indicator", $"'{item.Indicator}' is not an indicator of scheme '{s.Code}'"));
            }
            else if (indicator.GrowthOfId is not null)
            {
                errors.Add((item.Path + ".indicator", $"'{item.Indicator}' is a derived year-on-year growth: it is computed, never entered"));
            }
            else if (!EntryForm.IsDue(indicator.Frequency, period))
            {
                errors.Add((item.Path + ".indicator", $"'{item.Indicator}' is reported per {indicator.Frequency} and is not due in period {period}"));
            }
            else if (item.Value is double v && ((indicator.MinPlausible is double min && v < min) || (indicator.MaxPlausible is double max && v > max)))
            {
                errors.Add((item.Path + ".value", string.Create(CultureInfo.InvariantCulture,
                    $"{v} is outside the plausible range [{indicator.MinPlausible?.ToString(CultureInfo.InvariantCulture) ?? "-inf"}, {indicator.MaxPlausible?.ToString(CultureInfo.InvariantCulture) ?? "+inf"}] of '{item.Indicator}'")));
            }

            if (seen.TryGetValue((item.Unit, item.Indicator), out int first))
            {
                errors.Add((item.Path, string.Create(CultureInfo.InvariantCulture, $"the same figure as items[{first}] ({item.Unit}/{item.Indicator})")));
            }
            else
            {
                seen[(item.Unit, item.Indicator)] = item.Index;
            }
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        // 3. The user's scope: a figure outside it is refused before anything is written.
        UnitScope scope = access.ScopeOf(actor);
        foreach (Item item in items)
        {
            if (!scope.Covers(units[item.Unit].Id, indicators[item.Indicator].SourceUnitId))
            {
                return ApiProblems.Forbidden($"{item.Path}: {actor} may not enter {item.Unit}/{item.Indicator}: it is outside the user's units and indicators");
            }
        }

        // 4. The workflow, all or nothing.
        var workflow = new FigureWorkflow(db, clock);
        var saved = new List<Figure>(items.Count);
        Item? at = null;
        await using var tx = await db.Database.BeginTransactionAsync(cancel);
        try
        {
            foreach (Item item in items)
            {
                at = item;
                Unit unit = units[item.Unit];
                Indicator indicator = indicators[item.Indicator];
                saved.Add(workflow.SaveDraft(actor, s.Id, unit.Id, indicator.Id, period, item.Value));
                if (item.Note is { Length: > 0 } note)
                {
                    db.Audit.Add(new AuditEntry
                    {
                        At = ApiTokens.Now(clock),
                        User = actor.Name,
                        Action = "note",
                        Entity = "figure",
                        EntityKey = AuditTrail.FigureKey(s.Code, unit.Code, indicator.Code, period),
                        Field = "note",
                        NewValue = note,
                        Reason = "entered through the API",
                    });
                }
            }

            await db.SaveChangesAsync(cancel);
            await tx.CommitAsync(cancel);
        }
        catch (Exception e) when (e is AccessDeniedException or WorkflowException or NotFoundException)
        {
            await tx.RollbackAsync(cancel);
            db.ChangeTracker.Clear();
            string detail = $"{at?.Path}: {e.Message}";
            return e is AccessDeniedException ? ApiProblems.Forbidden(detail) : ApiProblems.Conflict(detail);
        }

        return TypedResults.Ok(new ApiFiguresChanged(saved.Count, await DescribeAsync(db, saved.Select(f => f.Id), cancel)));
    }

    /// <summary>Submits the user's drafts and returned figures that have a value (of some units, or all the user enters).</summary>
    public static async Task<IResult> Submit(string scheme, string period, HttpRequest request, SaimaDb db, SaimaAccess access, TimeProvider clock, CancellationToken cancel)
    {
        Actor actor = access.AsFirstOf(ActorRole.Reporter, ActorRole.DepartmentReporter, ActorRole.Office);
        if (await OpenPeriodAsync(db, scheme, period, cancel) is { } refused)
        {
            return refused;
        }

        AssessmentScheme s = (await ApiContext.SchemeAsync(db, scheme, cancel))!;
        (JsonDocument? json, string? bodyError) = await ApiJson.ReadAsync(request, cancel);
        using JsonDocument? document = json;
        if (bodyError is not null)
        {
            return ApiProblems.Invalid([("body", bodyError)]);
        }

        UnitScope scope = access.ScopeOf(actor);
        List<long>? only = null;
        if (document is not null)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return ApiProblems.Invalid([("body", "expected an object {\"units\": [\"C01\", ...]} or no body")]);
            }

            if (root.TryGetProperty("units", out JsonElement list) && list.ValueKind != JsonValueKind.Null)
            {
                if (list.ValueKind != JsonValueKind.Array)
                {
                    return ApiProblems.Invalid([("units", "expected an array of unit codes")]);
                }

                only = [];
                int i = 0;
                foreach (JsonElement e in list.EnumerateArray())
                {
                    string path = string.Create(CultureInfo.InvariantCulture, $"units[{i++}]");
                    string? code = e.ValueKind == JsonValueKind.String ? e.GetString() : null;
                    Unit? unit = code is null ? null : await db.Units.AsNoTracking()
                        .SingleOrDefaultAsync(u => u.Code == code && db.SchemeUnits.Any(su => su.SchemeId == s.Id && su.UnitId == u.Id), cancel);
                    if (unit is null)
                    {
                        return ApiProblems.Invalid([(path, code is null ? "expected a unit code" : $"unit '{code}' does not take part in scheme '{s.Code}'")]);
                    }

                    if (!await db.Units.InScope(scope).AnyAsync(u => u.Id == unit.Id, cancel))
                    {
                        return ApiProblems.Forbidden($"{path}: {actor} may not submit figures of unit '{unit.Code}': it is outside the user's units");
                    }

                    only.Add(unit.Id);
                }
            }
        }

        // What the entry form would submit: the user's own figures (a reporter: not those a source department supplies).
        IQueryable<Indicator> entered = db.Indicators.InScope(scope).Where(i => i.SchemeId == s.Id);
        if (actor.Role == ActorRole.Reporter)
        {
            entered = entered.Where(i => i.SourceUnitId == null);
        }

        long[]? unitIds = only?.ToArray();
        List<long> ids = await db.Figures.AsNoTracking().Unpublished(db, scope)
            .Where(f => f.SchemeId == s.Id && f.Period == period && f.IsCurrent && f.Value != null
                        && (f.Status == FigureStatus.Draft || f.Status == FigureStatus.Returned)
                        && entered.Any(i => i.Id == f.IndicatorId)
                        && (unitIds == null || unitIds.Contains(f.UnitId)))
            .Select(f => f.Id).ToListAsync(cancel);
        return await InTransactionAsync(db, ids, id => new FigureWorkflow(db, clock).Submit(actor, id), cancel);
    }

    /// <summary>Approves or returns a unit's figures waiting for review (one indicator, or all), within the reviewer's units.</summary>
    public static async Task<IResult> Review(string scheme, string period, HttpRequest request, SaimaDb db, SaimaAccess access, TimeProvider clock, CancellationToken cancel)
    {
        Actor actor = access.AsFirstOf(ActorRole.Reviewer, ActorRole.Office);
        if (await OpenPeriodAsync(db, scheme, period, cancel) is { } refused)
        {
            return refused;
        }

        AssessmentScheme s = (await ApiContext.SchemeAsync(db, scheme, cancel))!;
        (JsonDocument? json, string? bodyError) = await ApiJson.ReadAsync(request, cancel);
        using JsonDocument? document = json;
        if (bodyError is not null || document is null || document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return ApiProblems.Invalid([("body", bodyError ?? "expected an object {\"unit\", \"indicator\", \"action\": \"approve\"|\"return\", \"comment\"}")]);
        }

        JsonElement root = document.RootElement;
        if (root.TryGetProperty("action", out JsonElement kind) && kind.ValueKind == JsonValueKind.String && kind.GetString() == "approveInRange")
        {
            return await ApproveInRangeAsync(s, period, root, db, actor, clock, cancel);
        }

        var errors = new List<(string, string)>();
        string? unitCode = ApiJson.Required(root, "unit", "", errors);
        ApiJson.TryString(root, "indicator", "", errors, out string? indicatorCode);
        string? action = ApiJson.Required(root, "action", "", errors);
        ApiJson.TryString(root, "comment", "", errors, out string? comment);
        if (action is not null and not ("approve" or "return"))
        {
            errors.Add(("action", "expected \"approve\", \"return\" or \"approveInRange\""));
        }

        if (action == "return" && string.IsNullOrWhiteSpace(comment))
        {
            errors.Add(("comment", "returning figures needs a comment saying what to fix"));
        }

        Unit? unit = unitCode is null ? null : await db.Units.AsNoTracking()
            .SingleOrDefaultAsync(u => u.Code == unitCode && db.SchemeUnits.Any(su => su.SchemeId == s.Id && su.UnitId == u.Id), cancel);
        if (unitCode is not null && unit is null)
        {
            errors.Add(("unit", $"unit '{unitCode}' does not take part in scheme '{s.Code}'"));
        }

        Indicator? indicator = string.IsNullOrWhiteSpace(indicatorCode) ? null
            : await db.Indicators.AsNoTracking().SingleOrDefaultAsync(i => i.SchemeId == s.Id && i.Code == indicatorCode, cancel);
        if (!string.IsNullOrWhiteSpace(indicatorCode) && indicator is null)
        {
            errors.Add(("indicator", $"'{indicatorCode}' is not an indicator of scheme '{s.Code}'"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        UnitScope scope = access.ScopeOf(actor);
        if (!await db.Units.InScope(scope).AnyAsync(u => u.Id == unit!.Id, cancel))
        {
            return ApiProblems.Forbidden($"unit: {actor} may not review figures of unit '{unit!.Code}': it is outside the reviewer's units");
        }

        bool approve = action == "approve";
        long unitId = unit!.Id;
        long? indicatorId = indicator?.Id;
        List<long> ids = await db.Figures.AsNoTracking().Unpublished(db, scope)
            .Where(f => f.SchemeId == s.Id && f.Period == period && f.IsCurrent && f.UnitId == unitId
                        && (indicatorId == null || f.IndicatorId == indicatorId)
                        && (f.Status == FigureStatus.Submitted || (!approve && f.Status == FigureStatus.Approved)))
            .Select(f => f.Id).ToListAsync(cancel);
        if (ids.Count == 0)
        {
            string which = indicator is null ? $"unit '{unit.Code}'" : $"{unit.Code}/{indicator.Code}";
            return ApiProblems.Conflict($"no figure of {which} in period {period} waits for review ({(approve ? "submitted" : "submitted or approved")})");
        }

        var workflow = new FigureWorkflow(db, clock);
        return await InTransactionAsync(db, ids, id => approve ? workflow.Approve(actor, id) : workflow.Return(actor, id, comment!.Trim()), cancel);
    }

    /// <summary>
    /// Approves every submitted figure of a filter that is not flagged (the review view's "all in
    /// range", <see cref="ReviewActions.ApproveAllInRangeAsync"/>): optional unit (with
    /// <c>below</c>: and the units below it), indicator and source department. All or nothing; a
    /// refusal names every figure refused with its code (<c>refused</c>).
    /// </summary>
    private static async Task<IResult> ApproveInRangeAsync(AssessmentScheme s, string period, JsonElement root, SaimaDb db, Actor actor, TimeProvider clock, CancellationToken cancel)
    {
        var errors = new List<(string, string)>();
        ApiJson.TryString(root, "unit", "", errors, out string? unit);
        ApiJson.TryString(root, "indicator", "", errors, out string? indicator);
        ApiJson.TryString(root, "source", "", errors, out string? source);
        bool below = false;
        if (root.TryGetProperty("below", out JsonElement b))
        {
            if (b.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                below = b.GetBoolean();
            }
            else
            {
                errors.Add(("below", "expected true or false"));
            }
        }

        if (!string.IsNullOrWhiteSpace(unit) && !await db.Units.AnyAsync(u => u.Code == unit && db.SchemeUnits.Any(su => su.SchemeId == s.Id && su.UnitId == u.Id), cancel)
            && !(below && await db.Units.AnyAsync(u => u.Code == unit, cancel)))
        {
            errors.Add(("unit", $"unit '{unit}' does not take part in scheme '{s.Code}'"));
        }

        if (!string.IsNullOrWhiteSpace(indicator) && !await db.Indicators.AnyAsync(i => i.SchemeId == s.Id && i.Code == indicator, cancel))
        {
            errors.Add(("indicator", $"'{indicator}' is not an indicator of scheme '{s.Code}'"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        BulkApproval result;
        try
        {
            result = await new ReviewActions(db, clock).ApproveAllInRangeAsync(actor, s.Id, period, new ReviewFilter(unit, below, indicator, null, source), cancel);
        }
        catch (WorkflowException e)
        {
            return ApiProblems.Conflict(e.Message);
        }

        if (!result.Done)
        {
            var refused = new Dictionary<string, object?>
            {
                ["refused"] = result.Refused.Select(r => new { unit = r.UnitCode, indicator = r.IndicatorCode, code = r.Code, message = r.Message }).ToList(),
            };
            string detail = string.Create(CultureInfo.InvariantCulture, $"{result.Refused.Count} figures cannot be approved, so none was: ") + result.Refused[0].Message;
            return result.Refused.Any(r => r.AccessDenied)
                ? ApiProblems.Problem(StatusCodes.Status403Forbidden, "Forbidden", detail, refused)
                : ApiProblems.Conflict(detail, refused);
        }

        return TypedResults.Ok(new ApiFiguresChanged(result.Approved.Count, await DescribeAsync(db, result.Approved, cancel)));
    }

    /// <summary>Publishes a period (the office): every figure must be approved; the results are computed and frozen.</summary>
    public static async Task<IResult> Publish(string scheme, string period, SaimaDb db, SaimaAccess access, TimeProvider clock, CancellationToken cancel)
    {
        Actor actor = access.As(ActorRole.Office);
        if (await ApiContext.SchemeAsync(db, scheme, cancel) is not { } s)
        {
            return ApiProblems.NotFound($"scheme '{scheme}' does not exist");
        }

        try
        {
            Publication p = new FigureWorkflow(db, clock).Publish(actor, s.Id, period);
            return TypedResults.Ok(new ApiPublication(s.Code, p.Period.Code, p.FiguresPublished, p.Period.PublishedAt ?? p.Results.ComputedAt, p.Results.ComputedAt));
        }
        catch (NotFoundException e)
        {
            return ApiProblems.NotFound(e.Message);
        }
        catch (OutstandingFiguresException e)
        {
            return ApiProblems.Conflict(e.Message, new Dictionary<string, object?>
            {
                ["outstanding"] = e.Outstanding.Select(o => new { unit = o.UnitCode, indicator = o.IndicatorCode, status = ApiContext.Status(o.Status) }).ToList(),
            });
        }
        catch (WorkflowException e)
        {
            return ApiProblems.Conflict(e.Message);
        }
    }

    /// <summary>404 for an unknown scheme or period, 409 for a published one (figures are never overwritten: the office corrects them); null when open.</summary>
    private static async Task<IResult?> OpenPeriodAsync(SaimaDb db, string scheme, string period, CancellationToken cancel)
    {
        if (await ApiContext.SchemeAsync(db, scheme, cancel) is not { } s)
        {
            return ApiProblems.NotFound($"scheme '{scheme}' does not exist");
        }

        ReportingPeriod? p = await db.Periods.AsNoTracking().SingleOrDefaultAsync(x => x.SchemeId == s.Id && x.Code == period, cancel);
        if (p is null)
        {
            return ApiProblems.NotFound($"period '{period}' of scheme '{scheme}' does not exist");
        }

        return p.Status == PeriodStatus.Open
            ? null
            : ApiProblems.Conflict($"period '{period}' of scheme '{scheme}' is published: its figures are never overwritten (the office corrects them with a reason)");
    }

    /// <summary>One workflow step per figure in one transaction; the first refusal undoes them all and names the figure.</summary>
    private static async Task<IResult> InTransactionAsync(SaimaDb db, List<long> ids, Func<long, Figure> step, CancellationToken cancel)
    {
        await using var tx = await db.Database.BeginTransactionAsync(cancel);
        try
        {
            foreach (long id in ids)
            {
                step(id);
            }

            await tx.CommitAsync(cancel);
        }
        catch (Exception e) when (e is AccessDeniedException or WorkflowException or NotFoundException)
        {
            await tx.RollbackAsync(cancel);
            db.ChangeTracker.Clear();
            return e is AccessDeniedException ? ApiProblems.Forbidden(e.Message) : ApiProblems.Conflict(e.Message);
        }

        return TypedResults.Ok(new ApiFiguresChanged(ids.Count, await DescribeAsync(db, ids, cancel)));
    }

    private static async Task<List<ApiFigure>> DescribeAsync(SaimaDb db, IEnumerable<long> figureIds, CancellationToken cancel)
    {
        long[] ids = [.. figureIds];
        var rows = await (from f in db.Figures.AsNoTracking()
                          join u in db.Units on f.UnitId equals u.Id
                          join i in db.Indicators on f.IndicatorId equals i.Id
                          where ids.Contains(f.Id)
                          orderby u.Code, i.SortOrder, i.Code
                          select new { Unit = u.Code, Indicator = i.Code, f.Value, f.Status, f.Revision, f.Comment, f.EnteredBy, f.EnteredAt }).ToListAsync(cancel);
        return rows.Select(r => new ApiFigure(r.Unit, r.Indicator, r.Value, ApiContext.Status(r.Status), r.Revision, r.Comment, r.EnteredBy, r.EnteredAt)).ToList();
    }

    private static Item? ParseItem(JsonElement e, int index, List<(string, string)> errors)
    {
        string path = string.Create(CultureInfo.InvariantCulture, $"items[{index}]");
        if (e.ValueKind != JsonValueKind.Object)
        {
            errors.Add((path, "expected an object {\"unit\", \"indicator\", \"value\", \"note\"}"));
            return null;
        }

        int before = errors.Count;
        string? unit = ApiJson.Required(e, "unit", path, errors);
        string? indicator = ApiJson.Required(e, "indicator", path, errors);
        double? value = null;
        if (!e.TryGetProperty("value", out JsonElement v))
        {
            errors.Add((path + ".value", "required: a number, or null for a missing figure"));
        }
        else if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double d) && double.IsFinite(d))
        {
            value = d;
        }
        else if (v.ValueKind != JsonValueKind.Null)
        {
            errors.Add((path + ".value", "expected a number"));
        }

        if (ApiJson.TryString(e, "note", path, errors, out string? note) && note is { Length: > MaxNote })
        {
            errors.Add((path + ".note", string.Create(CultureInfo.InvariantCulture, $"at most {MaxNote} characters")));
        }

        return errors.Count > before ? null : new Item(index, unit!, indicator!, value, string.IsNullOrWhiteSpace(note) ? null : note.Trim());
    }
}
