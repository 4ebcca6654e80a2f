using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Data.Store;
using Saima.Web.Access;
using Saima.Web.Features.Shared;

namespace Saima.Web.Features.Api;

/// <summary>
/// The API's writes, each through <see cref="FigureWorkflow"/> as the user's <see cref="Actor"/>
/// and all or nothing (one transaction): drafts, submission, review and publication, as the entry
/// pages do them. Every refusal names what it is about: <c>items[2].value: expected a number</c>.
/// </summary>
internal static class ApiWrites
{
    /// <summary>Most figures one request may save.</summary>
    public const int MaxItems = 5000;

    /// <summary>
    /// Saves figures as drafts (or, with <c>"submit": true</c>, submits them too): the body's shape
    /// is read here, every rule of the figures is the door's (<see cref="FigureEntry"/>), which
    /// stores all or nothing and names each refused item (<c>items[2].value</c>) with its code.
    /// </summary>
    public static async Task<IResult> SaveFigures(string scheme, string period, HttpRequest request, SaimaDb db, SaimaAccess access, TimeProvider clock, CancellationToken cancel)
    {
        Actor actor = access.AsFirstOf(ActorRole.Reporter, ActorRole.DepartmentReporter, ActorRole.Office);
        if (await ApiContext.SchemeAsync(db, scheme, cancel) is not { } s)
        {
            return ApiProblems.NotFound($"scheme '{scheme}' does not exist");
        }

        (JsonDocument? json, string? bodyError) = await ApiJson.ReadAsync(request, cancel);
        using JsonDocument? document = json;
        if (bodyError is not null)
        {
            return ApiProblems.Invalid([("body", bodyError)]);
        }

        if (document is null || document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("items", out JsonElement array) || array.ValueKind != JsonValueKind.Array)
        {
            return ApiProblems.Invalid([("items", "expected an object {\"items\": [{\"unit\", \"indicator\", \"value\", \"explanation\"}, ...], \"submit\": false}")]);
        }

        int count = array.GetArrayLength();
        if (count == 0 || count > MaxItems)
        {
            return ApiProblems.Invalid([("items", string.Create(CultureInfo.InvariantCulture, $"expected 1 to {MaxItems} figures, got {count}"))]);
        }

        bool submit = document.RootElement.TryGetProperty("submit", out JsonElement submitFlag) && submitFlag.ValueKind == JsonValueKind.True;

        // The form of every item (JSON shape only; what the values mean is the door's to judge).
        var errors = new List<(string, string)>();
        var items = new List<FigureInput>(count);
        int index = 0;
        foreach (JsonElement e in array.EnumerateArray())
        {
            if (ParseItem(e, index++, period, errors) is { } item)
            {
                items.Add(item);
            }
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        EntryResult result = await new FigureEntry(db, clock).SaveAsync(actor, new EntryRequest(s.Code, items, submit ? EntryMode.Submit : EntryMode.Draft), cancel);
        if (!result.Accepted)
        {
            return EntryProblem(result.Errors);
        }

        return TypedResults.Ok(new ApiFiguresChanged(result.FigureIds.Count, await DescribeAsync(db, result.FigureIds, cancel)));
    }

    /// <summary>
    /// The door's refusals as the API says them: 403 when any is about who may enter the figure,
    /// else 400 with every item's field, and the codes beside the texts.
    /// </summary>
    internal static IResult EntryProblem(IReadOnlyList<EntryError> errors)
    {
        static string Path(EntryError e) => string.Create(CultureInfo.InvariantCulture, $"items[{e.Index}]") + e.Field switch
        {
            EntryField.Unit => ".unit",
            EntryField.Indicator => ".indicator",
            EntryField.Period => ".period",
            EntryField.Value => ".value",
            EntryField.Explanation => ".explanation",
            _ => string.Empty,
        };

        var codes = errors.Select(e => new { path = Path(e), code = e.Code, message = e.En, message_zh = e.Zh }).ToList();
        var extensions = new Dictionary<string, object?> { ["codes"] = codes };
        if (errors.FirstOrDefault(e => e.IsAccess) is { } denied)
        {
            return ApiProblems.Problem(StatusCodes.Status403Forbidden, "Forbidden", $"{Path(denied)}: {denied.En}", extensions);
        }

        // Only the state of what is stored stands in the way (a published period, a submitted figure, a figure stored by another request at the same moment): a conflict.
        if (errors.All(e => e.Code is WorkflowCodes.PeriodClosed or WorkflowCodes.IntakeClosed or WorkflowCodes.EditSubmitted or WorkflowCodes.EditApproved or WorkflowCodes.EditPublished or WorkflowCodes.EntryClash))
        {
            return ApiProblems.Problem(StatusCodes.Status409Conflict, "Conflict", $"{Path(errors[0])}: {errors[0].En}", extensions);
        }

        return TypedResults.ValidationProblem(
            errors.GroupBy(Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(e => e.En).ToArray(), StringComparer.Ordinal),
            detail: $"{Path(errors[0])}: {errors[0].En}" + (errors.Count > 1 ? string.Create(CultureInfo.InvariantCulture, $" (and {errors.Count - 1} more)") : string.Empty),
            title: "One or more figures were refused",
            extensions: extensions);
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

    /// <summary>
    /// Publishes a period (the office): every figure must be approved; the results are computed and
    /// frozen. With figures missing, the optional body says how they count: <c>{"missing": "scheme"}</c>
    /// or <c>{"missing": "zero"}</c>.
    /// </summary>
    public static async Task<IResult> Publish(string scheme, string period, HttpRequest request, SaimaDb db, SaimaAccess access, TimeProvider clock, CancellationToken cancel)
    {
        Actor actor = access.As(ActorRole.Office);
        if (await ApiContext.SchemeAsync(db, scheme, cancel) is not { } s)
        {
            return ApiProblems.NotFound($"scheme '{scheme}' does not exist");
        }

        (JsonDocument? json, string? bodyError) = await ApiJson.ReadAsync(request, cancel);
        using JsonDocument? document = json;
        if (bodyError is not null)
        {
            return ApiProblems.Invalid([("body", bodyError)]);
        }

        string? missing = null;
        if (document is not null)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return ApiProblems.Invalid([("body", "expected an object {\"missing\": \"scheme\" | \"zero\"} or no body")]);
            }

            if (root.TryGetProperty("missing", out JsonElement m) && m.ValueKind != JsonValueKind.Null)
            {
                if (m.ValueKind != JsonValueKind.String)
                {
                    return ApiProblems.Invalid([("missing", "expected \"scheme\" or \"zero\"")]);
                }

                missing = m.GetString();
            }
        }

        try
        {
            Publication p = new FigureWorkflow(db, clock).Publish(actor, s.Id, period, missing);
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
        catch (WorkflowException e) when (e.Code == WorkflowCodes.MissingRuleUnknown)
        {
            return ApiProblems.Invalid([("missing", e.Message)]);
        }
        catch (WorkflowException e)
        {
            return ApiProblems.Conflict(e.Message);
        }
    }

    /// <summary>404 for an unknown scheme or period, 409 for a published one (figures are never overwritten: the office corrects them); null when open or closed.</summary>
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

        // A period whose intake is closed goes on to the store, which says what it still allows (review).
        return p.Status != PeriodStatus.Published
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

    private static FigureInput? ParseItem(JsonElement e, int index, string period, List<(string, string)> errors)
    {
        string path = string.Create(CultureInfo.InvariantCulture, $"items[{index}]");
        if (e.ValueKind != JsonValueKind.Object)
        {
            errors.Add((path, "expected an object {\"unit\", \"indicator\", \"value\", \"explanation\"}"));
            return null;
        }

        int before = errors.Count;
        string? unit = ApiJson.Required(e, "unit", path, errors);
        string? indicator = ApiJson.Required(e, "indicator", path, errors);
        object? value = null;
        if (!e.TryGetProperty("value", out JsonElement v))
        {
            errors.Add((path + ".value", "required: a number, or null for a missing figure"));
        }
        else if (v.ValueKind == JsonValueKind.Number)
        {
            value = v.TryGetDouble(out double d) ? d : v.GetRawText();
        }
        else if (v.ValueKind == JsonValueKind.String)
        {
            // Text is judged by the door, as the form's and the upload's text is.
            value = v.GetString();
        }
        else if (v.ValueKind != JsonValueKind.Null)
        {
            errors.Add((path + ".value", "expected a number"));
        }

        // "note" is the older name of the explanation.
        ApiJson.TryString(e, "explanation", path, errors, out string? explanation);
        if (explanation is null)
        {
            ApiJson.TryString(e, "note", path, errors, out explanation);
        }

        return errors.Count > before ? null : new FigureInput(unit!, indicator!, period, value, explanation);
    }
}
