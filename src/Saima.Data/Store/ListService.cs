using System.Globalization;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;

namespace Saima.Data.Store;

/// <summary>An item as given (the create and edit forms, the import, the API): unit codes, dates in the office's zone.</summary>
public sealed record ListItemSpec(
    ListKind Kind, string? Title, string? Description, string? OwnerUnit, IReadOnlyList<string>? CoOwners,
    string? Responsible, DateOnly? Deadline, ListSource Source = ListSource.Manual, string? SourceRef = null);

/// <summary>A malformed part of an item: the field (<c>title</c>, <c>owner</c>, <c>coOwners[1]</c>) and what was expected.</summary>
public sealed record ListError(string Field, string Message);

/// <summary>An item or measure is malformed: every error by field.</summary>
public sealed class ListInvalidException(IReadOnlyList<ListError> errors)
    : WorkflowException(WorkflowCodes.ListInvalid, string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")), errors.Count.ToString(CultureInfo.InvariantCulture))
{
    public IReadOnlyList<ListError> Errors { get; } = errors;
}

/// <summary>What a list shows: filters (all optional), the search text, and the page.</summary>
public sealed record ListFilter
{
    public ListKind? Kind { get; init; }
    public ListState? State { get; init; }

    /// <summary>Items owned or co-owned by this unit (code).</summary>
    public string? Unit { get; init; }

    /// <summary>Only overdue items.</summary>
    public bool OverdueOnly { get; init; }

    /// <summary>Only items an escalation rule made (督办函、约谈: <see cref="EscalationService"/>) and not yet closed out.</summary>
    public bool EscalatedOnly { get; init; }

    /// <summary>Only items not finished whose deadline is on or before this day.</summary>
    public DateOnly? DueBy { get; init; }

    /// <summary>Words in the title, description, responsible person or source.</summary>
    public string? Search { get; init; }

    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 50;

    /// <summary>Rows to skip in the list's order (the API's cursor); when set, <see cref="Page"/> is not used.</summary>
    public int? Offset { get; init; }
}

/// <summary>An item as the lists show it.</summary>
public sealed record ListRow(
    long Id, ListKind Kind, ListState State, string Title, string OwnerCode, string OwnerName, string? Responsible,
    DateOnly? Deadline, DateOnly? FollowUpOn, ListSource Source, string? SourceRef, bool Overdue, bool FollowUpDue, DateTimeOffset UpdatedAt);

/// <summary>A page of items: the rows, how many match in all, the page and its size.</summary>
public sealed record ListPage(IReadOnlyList<ListRow> Rows, int Total, int Page, int PageSize)
{
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
}

/// <summary>
/// How long the open items of a kind have been open (since made): up to 30 days, 31–90, 91–180
/// and over 180; and how many of them are past their deadline.
/// </summary>
public sealed record ListAgeingRow(ListKind Kind, int UpTo30, int UpTo90, int UpTo180, int Over180, int Overdue)
{
    public int Open => UpTo30 + UpTo90 + UpTo180 + Over180;
}

/// <summary>
/// A week of the deadline timeline: the open items due that week (Monday to Sunday; the first
/// row holds every overdue item, <see cref="Overdue"/>), how many, and the first of them by deadline.
/// </summary>
public sealed record ListDeadlineWeek(DateOnly From, DateOnly To, bool Overdue, int Count, IReadOnlyList<ListRow> First);

/// <summary>
/// What the public page shows of a list kind the office made public: items received (confirmed,
/// not dismissed), resolved (closed out), due (deadline passed or resolved) and resolved on time.
/// Counts only: no unit, no title.
/// </summary>
public sealed record ListPublicRow(ListKind Kind, int Received, int Resolved, int Due, int ResolvedOnTime)
{
    /// <summary>Resolved ÷ received.</summary>
    public double? ResolvedRate => Received == 0 ? null : (double)Resolved / Received;

    /// <summary>Resolved on time ÷ due (the resolution rate of the boards).</summary>
    public double? OnTimeRate => Due == 0 ? null : (double)ResolvedOnTime / Due;
}

/// <summary>One item with everything the item page shows.</summary>
public sealed record ListItemView(
    ListItem Item, ListRow Row, IReadOnlyList<(string Code, string Name)> CoOwners, IReadOnlyList<ListMeasure> Measures,
    IReadOnlyList<ListComment> Comments, IReadOnlyList<ListEvidence> Evidence, IReadOnlyList<AuditEntry> History, ListRights Rights);

/// <summary>What the actor may do with an item now (the pages show these actions only; the door checks again).</summary>
public sealed record ListRights(
    bool Edit, bool Confirm, bool Dismiss, bool Start, bool Measures, bool Submit, bool CloseOut, bool Return,
    bool FollowUp, bool Review, bool Comment);

/// <summary>A unit's counts of one kind on the office's board.</summary>
public sealed record ListBoardRow(string UnitCode, string UnitName, ListKind Kind, int Open, int Overdue, int Closed, int Due, int ClosedOnTime)
{
    /// <summary>Closed on time ÷ due (null when nothing is due yet).</summary>
    public double? Rate => Due == 0 ? null : (double)ClosedOnTime / Due;
}

/// <summary>
/// Lists and supervision (问题清单, 督办, 销号, 回头看), one door per use case. The office creates,
/// edits and assigns items, confirms or dismisses the drafts red warnings make, closes items out
/// (销号) or returns them, sets the follow-up date and confirms or reopens an item on review
/// (回头看). A unit's reporters and reviewers see and act on the items their unit owns or co-owns:
/// they start them, add and update measures, add evidence and comments, and the owner unit
/// submits them for close-out (with an evidence file or a written account); they never close
/// their own items out. Leaders read everything and change nothing. Every change is audited as
/// entity <see cref="Entity"/> with the item's id as key.
/// </summary>
public sealed partial class ListService(SaimaDb db, TimeProvider clock)
{
    /// <summary>The audit entity of items (key: the item's id).</summary>
    public const string Entity = "list_item";

    /// <summary>Longest title, responsible person, reference.</summary>
    public const int MaxShort = 200;

    /// <summary>Longest description, account, comment, reason.</summary>
    public const int MaxLong = 4000;

    /// <summary>Largest page of a list.</summary>
    public const int MaxPageSize = 200;

    /// <summary>Most items assigned at once.</summary>
    public const int MaxBulk = 1000;

    /// <summary>Largest evidence file of an item.</summary>
    public const long MaxEvidenceBytes = EvidenceOptions.DefaultMaxBytes;

    private static readonly ListState[] Finished = [ListState.Closed, ListState.Confirmed, ListState.Dismissed, ListState.Draft];

    /// <summary>The state as the audit trail and the refusals write it.</summary>
    public static string Text(ListState state) => state switch
    {
        ListState.InProgress => "in_progress",
        _ => state.ToString().ToLowerInvariant(),
    };

    /// <summary>Today in the office's zone.</summary>
    public async Task<DateOnly> TodayAsync(CancellationToken cancel = default)
    {
        string id = await new OfficeSettings(db, clock).TimeZoneIdAsync(cancel).ConfigureAwait(false);
        TimeZoneInfo zone = OfficeSettings.Find(id) ?? OfficeSettings.Find(OfficeSettings.DefaultTimeZone)!;
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), zone).DateTime);
    }

    /// <summary>Creates an item (office only), open at once. Malformed: <see cref="ListInvalidException"/>.</summary>
    public async Task<ListItem> CreateAsync(Actor actor, ListItemSpec spec, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(spec);
        actor.RequireOffice("create list items");
        (long owner, long[] coOwners) = await CheckAsync(spec, cancel).ConfigureAwait(false);
        DateTimeOffset now = StoreTime.Now(clock);
        ListItem item = New(actor, spec, owner, now, ListState.Open);
        db.ListItems.Add(item);
        await db.SaveChangesAsync(cancel).ConfigureAwait(false);
        foreach (long u in coOwners)
        {
            db.ListCoOwners.Add(new ListCoOwner { ItemId = item.Id, UnitId = u });
        }

        db.Audit.Add(AuditLog.Entry(now, actor, "create", Entity, Key(item), "state", null, Text(item.State), item.Title));
        await db.SaveChangesAsync(cancel).ConfigureAwait(false);
        return item;
    }

    /// <summary>Changes an item's kind, title, description, owners, responsible person and deadline (office only; not once closed out or dismissed).</summary>
    public async Task<ListItem> EditAsync(Actor actor, long id, ListItemSpec spec, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        actor.RequireOffice("edit list items");
        ListItem item = await LoadAsync(id, cancel).ConfigureAwait(false);
        RequireState(item, "edit", ListState.Draft, ListState.Open, ListState.InProgress, ListState.Submitted, ListState.Returned);
        (long owner, long[] coOwners) = await CheckAsync(spec, cancel).ConfigureAwait(false);
        DateTimeOffset now = StoreTime.Now(clock);
        Change(actor, item, now, "edit", "kind", item.Kind.ToString(), spec.Kind.ToString());
        Change(actor, item, now, "edit", "title", item.Title, spec.Title!.Trim());
        Change(actor, item, now, "edit", "description", item.Description, Clean(spec.Description));
        Change(actor, item, now, "edit", "responsible", item.Responsible, Clean(spec.Responsible));
        Change(actor, item, now, "edit", "deadline", DateText(item.Deadline), DateText(spec.Deadline));
        item.Kind = spec.Kind;
        item.Title = spec.Title!.Trim();
        item.Description = Clean(spec.Description);
        item.Responsible = Clean(spec.Responsible);
        item.Deadline = spec.Deadline;
        await SetOwnersAsync(actor, item, owner, coOwners, now, cancel).ConfigureAwait(false);
        item.UpdatedAt = now;
        await db.SaveChangesAsync(cancel).ConfigureAwait(false);
        return item;
    }

    /// <summary>
    /// Assigns items to a unit (office only; bulk: at most <see cref="MaxBulk"/>), with the
    /// responsible person and deadline when given (else kept). All or none: one item that is
    /// closed, dismissed or missing refuses the whole batch.
    /// </summary>
    public async Task<int> AssignAsync(Actor actor, IReadOnlyList<long> ids, string? unit, string? responsible, DateOnly? deadline, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        actor.RequireOffice("assign list items");
        if (ids.Count == 0 || ids.Count > MaxBulk)
        {
            throw new ListInvalidException([new("ids", string.Create(CultureInfo.InvariantCulture, $"1 to {MaxBulk} items"))]);
        }

        long owner = await UnitIdAsync(unit, "owner", cancel).ConfigureAwait(false);
        if (responsible is { Length: > MaxShort })
        {
            throw new ListInvalidException([new("responsible", string.Create(CultureInfo.InvariantCulture, $"at most {MaxShort} characters"))]);
        }

        long[] distinct = [.. ids.Distinct()];
        List<ListItem> items = await db.ListItems.Where(i => distinct.Contains(i.Id)).ToListAsync(cancel).ConfigureAwait(false);
        if (items.Count != distinct.Length)
        {
            long missing = distinct.First(i => items.All(x => x.Id != i));
            throw new NotFoundException(WorkflowCodes.NoListItem, $"list item {AuditLog.Text(missing)} does not exist", AuditLog.Text(missing));
        }

        DateTimeOffset now = StoreTime.Now(clock);
        foreach (ListItem item in items.OrderBy(i => i.Id))
        {
            RequireState(item, "assign", ListState.Draft, ListState.Open, ListState.InProgress, ListState.Submitted, ListState.Returned);
            if (item.OwnerUnitId != owner)
            {
                Change(actor, item, now, "assign", "owner", await UnitCodeAsync(item.OwnerUnitId, cancel).ConfigureAwait(false), unit!.Trim());
                item.OwnerUnitId = owner;
            }

            if (Clean(responsible) is { } r)
            {
                Change(actor, item, now, "assign", "responsible", item.Responsible, r);
                item.Responsible = r;
            }

            if (deadline is { } d)
            {
                Change(actor, item, now, "assign", "deadline", DateText(item.Deadline), DateText(d));
                item.Deadline = d;
            }

            item.UpdatedAt = now;
        }

        await db.SaveChangesAsync(cancel).ConfigureAwait(false);
        return items.Count;
    }

    /// <summary>Confirms a draft (office only): it becomes open, with the deadline and responsible person when given.</summary>
    public async Task<ListItem> ConfirmDraftAsync(Actor actor, long id, DateOnly? deadline, string? responsible, CancellationToken cancel = default)
    {
        actor.RequireOffice("confirm draft list items");
        ListItem item = await LoadAsync(id, cancel).ConfigureAwait(false);
        RequireState(item, "confirm", ListState.Draft);
        DateTimeOffset now = StoreTime.Now(clock);
        if (deadline is { } d)
        {
            Change(actor, item, now, "confirm", "deadline", DateText(item.Deadline), DateText(d));
            item.Deadline = d;
        }

        if (Clean(responsible) is { } r)
        {
            Change(actor, item, now, "confirm", "responsible", item.Responsible, r);
            item.Responsible = r;
        }

        return await MoveAsync(actor, item, "confirm", ListState.Open, null, now, cancel).ConfigureAwait(false);
    }

    /// <summary>Dismisses a draft (office only) with a reason.</summary>
    public async Task<ListItem> DismissAsync(Actor actor, long id, string? reason, CancellationToken cancel = default)
    {
        actor.RequireOffice("dismiss draft list items");
        ListItem item = await LoadAsync(id, cancel).ConfigureAwait(false);
        RequireState(item, "dismiss", ListState.Draft);
        string why = RequireReason(item, reason);
        item.DismissReason = why;
        return await MoveAsync(actor, item, "dismiss", ListState.Dismissed, why, StoreTime.Now(clock), cancel).ConfigureAwait(false);
    }

    /// <summary>Starts work on an open item (the office or the owner or a co-owner unit): open → in progress.</summary>
    public async Task<ListItem> StartAsync(Actor actor, long id, CancellationToken cancel = default)
    {
        ListItem item = await LoadForActAsync(actor, id, cancel).ConfigureAwait(false);
        RequireState(item, "start", ListState.Open);
        return await MoveAsync(actor, item, "start", ListState.InProgress, null, StoreTime.Now(clock), cancel).ConfigureAwait(false);
    }

    /// <summary>Adds a rectification measure (the office or an owner unit; not once submitted, closed or dismissed).</summary>
    public async Task<ListMeasure> AddMeasureAsync(Actor actor, long id, string? text, string? owner, DateOnly? deadline, CancellationToken cancel = default)
    {
        ListItem item = await LoadForActAsync(actor, id, cancel).ConfigureAwait(false);
        RequireState(item, "add a measure", ListState.Open, ListState.InProgress, ListState.Returned);
        var errors = new List<ListError>();
        if (string.IsNullOrWhiteSpace(text) || text.Trim().Length > MaxLong)
        {
            errors.Add(new("text", string.Create(CultureInfo.InvariantCulture, $"required: 1 to {MaxLong} characters")));
        }

        if (owner is { Length: > MaxShort })
        {
            errors.Add(new("owner", string.Create(CultureInfo.InvariantCulture, $"at most {MaxShort} characters")));
        }

        if (errors.Count > 0)
        {
            throw new ListInvalidException(errors);
        }

        DateTimeOffset now = StoreTime.Now(clock);
        var m = new ListMeasure { ItemId = item.Id, Text = text!.Trim(), Owner = Clean(owner), Deadline = deadline, State = MeasureState.Planned, CreatedAt = now, CreatedBy = actor.Name };
        db.ListMeasures.Add(m);
        item.UpdatedAt = now;
        db.Audit.Add(AuditLog.Entry(now, actor, "measure", Entity, Key(item), "measure", null, m.Text));
        await db.SaveChangesAsync(cancel).ConfigureAwait(false);
        return m;
    }

    /// <summary>Moves a measure to a state (the office or an owner unit of its item).</summary>
    public async Task<ListMeasure> SetMeasureStateAsync(Actor actor, long measureId, MeasureState state, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ListMeasure m = await db.ListMeasures.SingleOrDefaultAsync(x => x.Id == measureId, cancel).ConfigureAwait(false)
            ?? throw new NotFoundException(WorkflowCodes.NoListMeasure, $"measure {AuditLog.Text(measureId)} does not exist", AuditLog.Text(measureId));
        ListItem item = await LoadForActAsync(actor, m.ItemId, cancel).ConfigureAwait(false);
        RequireState(item, "update a measure", ListState.Open, ListState.InProgress, ListState.Returned);
        if (m.State == state)
        {
            return m;
        }

        DateTimeOffset now = StoreTime.Now(clock);
        db.Audit.Add(AuditLog.Entry(now, actor, "measure", Entity, Key(item), "measure_state", m.State.ToString().ToLowerInvariant(), state.ToString().ToLowerInvariant(), m.Text));
        m.State = state;
        item.UpdatedAt = now;
        await db.SaveChangesAsync(cancel).ConfigureAwait(false);
        return m;
    }

    /// <summary>
    /// Adds an evidence file to an item (the office or an owner unit; until it is closed out).
    /// The content is checked like figure evidence (<see cref="EvidenceStore.Sniff"/>), at most
    /// <see cref="MaxEvidenceBytes"/>. An optional <paramref name="note"/> (what the file proves, at
    /// most <see cref="MaxLong"/> characters) is the reason of its audit entry.
    /// </summary>
    public async Task<ListEvidence> AddEvidenceAsync(Actor actor, long id, string fileName, Stream content, string? note = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ListItem item = await LoadForActAsync(actor, id, cancel).ConfigureAwait(false);
        note = Clean(note);
        if (note is { Length: > MaxLong })
        {
            throw new ListInvalidException([new("note", string.Create(CultureInfo.InvariantCulture, $"at most {MaxLong} characters"))]);
        }

        RequireState(item, "add evidence", ListState.Open, ListState.InProgress, ListState.Returned, ListState.Submitted);
        string name = Path.GetFileName((fileName ?? string.Empty).Trim());
        if (name.Length == 0)
        {
            name = "evidence";
        }

        if (name.Length > EvidenceStore.MaxName)
        {
            name = name[^EvidenceStore.MaxName..];
        }

        using var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, cancel).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxEvidenceBytes)
            {
                throw new WorkflowException(WorkflowCodes.EvidenceTooLarge, $"file '{name}' is larger than {MaxEvidenceBytes} bytes",
                    name, buffer.Length.ToString(CultureInfo.InvariantCulture), MaxEvidenceBytes.ToString(CultureInfo.InvariantCulture));
            }
        }

        byte[] bytes = buffer.ToArray();
        if (bytes.Length == 0)
        {
            throw new WorkflowException(WorkflowCodes.EvidenceEmpty, $"file '{name}' is empty", name);
        }

        string type = EvidenceStore.Sniff(bytes, name)
            ?? throw new WorkflowException(WorkflowCodes.EvidenceType, $"file '{name}' is not of a kind taken as evidence (its content was checked, not its name); expected {EvidenceStore.Expected}", name, EvidenceStore.Expected);
        DateTimeOffset now = StoreTime.Now(clock);
        var row = new ListEvidence
        {
            ItemId = item.Id, FileName = name, ContentType = type, SizeBytes = bytes.LongLength,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)), Content = bytes, UploadedBy = actor.Name, UploadedAt = now,
        };
        db.ListEvidence.Add(row);
        item.UpdatedAt = now;
        db.Audit.Add(AuditLog.Entry(now, actor, "evidence", Entity, Key(item), "file", null,
            string.Create(CultureInfo.InvariantCulture, $"{name} ({type}, {bytes.LongLength} bytes, sha256 {row.Sha256})"), note));
        await db.SaveChangesAsync(cancel).ConfigureAwait(false);
        return row;
    }

    /// <summary>An evidence file of an item the actor may see, with its bytes.</summary>
    public async Task<ListEvidence> ReadEvidenceAsync(Actor actor, long evidenceId, CancellationToken cancel = default)
    {
        ListEvidence row = await db.ListEvidence.AsNoTracking().SingleOrDefaultAsync(e => e.Id == evidenceId, cancel).ConfigureAwait(false)
            ?? throw new NotFoundException(WorkflowCodes.NoEvidence, $"evidence file {AuditLog.Text(evidenceId)} does not exist", AuditLog.Text(evidenceId));
        await LoadForReadAsync(actor, row.ItemId, cancel).ConfigureAwait(false);
        return row;
    }

    /// <summary>
    /// Submits an item for close-out (the owner unit or the office): in progress or returned →
    /// submitted. Needs an evidence file or a written account (<paramref name="account"/>).
    /// </summary>
    public async Task<ListItem> SubmitAsync(Actor actor, long id, string? account, CancellationToken cancel = default)
    {
        ListItem item = await LoadForActAsync(actor, id, cancel).ConfigureAwait(false);
        if (actor.Role != ActorRole.Office && item.OwnerUnitId != actor.UnitId)
        {
            throw new AccessDeniedException(WorkflowCodes.ListNotOwner, $"{actor} may not submit list item {Key(item)}: only its owner unit submits it", actor.Name, Key(item));
        }

        RequireState(item, "submit", ListState.InProgress, ListState.Returned);
        string? text = Clean(account);
        if (text is { Length: > MaxLong })
        {
            throw new ListInvalidException([new("account", string.Create(CultureInfo.InvariantCulture, $"at most {MaxLong} characters"))]);
        }

        bool evidence = await db.ListEvidence.AnyAsync(e => e.ItemId == item.Id, cancel).ConfigureAwait(false);
        if (text is null && !evidence)
        {
            throw new WorkflowException(WorkflowCodes.ListNoEvidence, $"list item {Key(item)} is submitted for close-out with an evidence file or a written account of what was done", Key(item));
        }

        DateTimeOffset now = StoreTime.Now(clock);
        if (text is not null)
        {
            Change(actor, item, now, "submit", "account", item.Account, text);
            item.Account = text;
        }

        item.SubmittedAt = now;
        return await MoveAsync(actor, item, "submit", ListState.Submitted, null, now, cancel).ConfigureAwait(false);
    }

    /// <summary>Closes a submitted item out (销号; office only), on the office's today: on time when on or before the deadline.</summary>
    public async Task<ListItem> CloseOutAsync(Actor actor, long id, string? note, CancellationToken cancel = default)
    {
        actor.RequireOffice("close list items out");
        ListItem item = await LoadAsync(id, cancel).ConfigureAwait(false);
        RequireState(item, "close out", ListState.Submitted);
        DateTimeOffset now = StoreTime.Now(clock);
        item.ClosedAt = now;
        item.ClosedOn = await TodayAsync(cancel).ConfigureAwait(false);
        item.ClosedBy = actor.Name;
        item.ReturnReason = null;
        return await MoveAsync(actor, item, "close", ListState.Closed, Clean(note), now, cancel).ConfigureAwait(false);
    }

    /// <summary>Returns a submitted item to its unit with a reason (office only).</summary>
    public async Task<ListItem> ReturnAsync(Actor actor, long id, string? reason, CancellationToken cancel = default)
    {
        actor.RequireOffice("return list items");
        ListItem item = await LoadAsync(id, cancel).ConfigureAwait(false);
        RequireState(item, "return", ListState.Submitted);
        string why = RequireReason(item, reason);
        item.ReturnReason = why;
        return await MoveAsync(actor, item, "return", ListState.Returned, why, StoreTime.Now(clock), cancel).ConfigureAwait(false);
    }

    /// <summary>Sets the day of the follow-up review (回头看) of a closed item (office only).</summary>
    public async Task<ListItem> SetFollowUpAsync(Actor actor, long id, DateOnly on, CancellationToken cancel = default)
    {
        actor.RequireOffice("set follow-up reviews");
        ListItem item = await LoadAsync(id, cancel).ConfigureAwait(false);
        RequireState(item, "set the follow-up date", ListState.Closed);
        DateTimeOffset now = StoreTime.Now(clock);
        Change(actor, item, now, "follow_up", "follow_up_on", DateText(item.FollowUpOn), DateText(on));
        item.FollowUpOn = on;
        item.UpdatedAt = now;
        await db.SaveChangesAsync(cancel).ConfigureAwait(false);
        return item;
    }

    /// <summary>Confirms on review that a closed item stays fixed (office only): closed → confirmed.</summary>
    public async Task<ListItem> ConfirmFollowUpAsync(Actor actor, long id, string? note, CancellationToken cancel = default)
    {
        actor.RequireOffice("confirm follow-up reviews");
        ListItem item = await LoadAsync(id, cancel).ConfigureAwait(false);
        RequireState(item, "confirm on review", ListState.Closed);
        return await MoveAsync(actor, item, "review", ListState.Confirmed, Clean(note), StoreTime.Now(clock), cancel).ConfigureAwait(false);
    }

    /// <summary>Reopens a closed item on review (office only) with a reason: back in progress, its close-out undone, counted in <see cref="ListItem.Reopened"/>.</summary>
    public async Task<ListItem> ReopenAsync(Actor actor, long id, string? reason, CancellationToken cancel = default)
    {
        actor.RequireOffice("reopen list items");
        ListItem item = await LoadAsync(id, cancel).ConfigureAwait(false);
        RequireState(item, "reopen", ListState.Closed, ListState.Confirmed);
        string why = RequireReason(item, reason);
        DateTimeOffset now = StoreTime.Now(clock);
        item.Reopened++;
        item.ClosedAt = null;
        item.ClosedOn = null;
        item.ClosedBy = null;
        item.FollowUpOn = null;
        item.ReturnReason = why;
        return await MoveAsync(actor, item, "reopen", ListState.InProgress, why, now, cancel).ConfigureAwait(false);
    }

    /// <summary>Comments on an item (the office or an owner unit), in any state.</summary>
    public async Task<ListComment> CommentAsync(Actor actor, long id, string? text, CancellationToken cancel = default)
    {
        ListItem item = await LoadForActAsync(actor, id, cancel).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text) || text.Trim().Length > MaxLong)
        {
            throw new ListInvalidException([new("text", string.Create(CultureInfo.InvariantCulture, $"required: 1 to {MaxLong} characters"))]);
        }

        DateTimeOffset now = StoreTime.Now(clock);
        var c = new ListComment { ItemId = item.Id, At = now, Author = actor.Name, Text = text.Trim() };
        db.ListComments.Add(c);
        db.Audit.Add(AuditLog.Entry(now, actor, "comment", Entity, Key(item), "comment", null, c.Text));
        await db.SaveChangesAsync(cancel).ConfigureAwait(false);
        return c;
    }

    /// <summary>A page of the items the actor may see, filtered, newest deadline last (overdue first, then by deadline).</summary>
    public async Task<ListPage> ListAsync(Actor actor, ListFilter filter, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        DateOnly today = await TodayAsync(cancel).ConfigureAwait(false);
        IQueryable<ListItem> q = await FilteredAsync(actor, filter, today, cancel).ConfigureAwait(false);
        int size = Math.Clamp(filter.PageSize, 1, MaxPageSize);
        int total = await q.CountAsync(cancel).ConfigureAwait(false);
        int page = Math.Clamp(filter.Page, 1, Math.Max(1, (total + size - 1) / size));
        int skip = filter.Offset is int offset ? Math.Max(0, offset) : (page - 1) * size;
        List<ListRow> rows = await Rows(q.OrderBy(i => i.Deadline == null).ThenBy(i => i.Deadline).ThenBy(i => i.Id).Skip(skip).Take(size), today)
            .ToListAsync(cancel).ConfigureAwait(false);
        return new ListPage(rows, total, page, size);
    }

    /// <summary>Every item the actor may see under the filter (for the export), at most <paramref name="max"/>.</summary>
    public async Task<IReadOnlyList<ListRow>> AllAsync(Actor actor, ListFilter filter, int max, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        DateOnly today = await TodayAsync(cancel).ConfigureAwait(false);
        IQueryable<ListItem> q = await FilteredAsync(actor, filter, today, cancel).ConfigureAwait(false);
        return await Rows(q.OrderBy(i => i.Id).Take(max), today).ToListAsync(cancel).ConfigureAwait(false);
    }

    /// <summary>One item with its measures, comments, evidence (without content), history and what the actor may do.</summary>
    public async Task<ListItemView> GetAsync(Actor actor, long id, CancellationToken cancel = default)
    {
        ListItem item = await LoadForReadAsync(actor, id, cancel).ConfigureAwait(false);
        DateOnly today = await TodayAsync(cancel).ConfigureAwait(false);
        ListRow row = await Rows(db.ListItems.AsNoTracking().Where(i => i.Id == id), today).SingleAsync(cancel).ConfigureAwait(false);
        var co = await (from c in db.ListCoOwners.AsNoTracking()
                        join u in db.Units.AsNoTracking() on c.UnitId equals u.Id
                        where c.ItemId == id
                        orderby u.Code
                        select new { u.Code, u.Name }).ToListAsync(cancel).ConfigureAwait(false);
        List<ListMeasure> measures = await db.ListMeasures.AsNoTracking().Where(m => m.ItemId == id).OrderBy(m => m.Id).ToListAsync(cancel).ConfigureAwait(false);
        List<ListComment> comments = await db.ListComments.AsNoTracking().Where(m => m.ItemId == id).OrderBy(m => m.Id).Take(500).ToListAsync(cancel).ConfigureAwait(false);
        List<ListEvidence> evidence = await db.ListEvidence.AsNoTracking().Where(m => m.ItemId == id).OrderBy(m => m.Id)
            .Select(e => new ListEvidence
            {
                Id = e.Id, ItemId = e.ItemId, FileName = e.FileName, ContentType = e.ContentType, SizeBytes = e.SizeBytes,
                Sha256 = e.Sha256, UploadedBy = e.UploadedBy, UploadedAt = e.UploadedAt,
            }).ToListAsync(cancel).ConfigureAwait(false);
        string key = Key(item);
        List<AuditEntry> history = await db.Audit.AsNoTracking().Where(a => a.Entity == Entity && a.EntityKey == key).OrderBy(a => a.Id).Take(500).ToListAsync(cancel).ConfigureAwait(false);
        bool coOwner = actor.UnitId is { } uid && await db.ListCoOwners.AnyAsync(c => c.ItemId == id && c.UnitId == uid, cancel).ConfigureAwait(false);
        return new ListItemView(item, row, [.. co.Select(c => (c.Code, c.Name))], measures, comments, evidence, history, Rights(actor, item, coOwner));
    }

    /// <summary>What an actor may do with an item in its state.</summary>
    public static ListRights Rights(Actor actor, ListItem item, bool coOwner)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(item);
        bool office = actor.Role == ActorRole.Office;
        bool owner = actor.Role is ActorRole.Reporter or ActorRole.Reviewer or ActorRole.DepartmentReporter && actor.UnitId == item.OwnerUnitId;
        bool acts = office || owner || (coOwner && actor.Role is ActorRole.Reporter or ActorRole.Reviewer or ActorRole.DepartmentReporter);
        ListState s = item.State;
        bool working = s is ListState.Open or ListState.InProgress or ListState.Returned;
        return new ListRights(
            Edit: office && s is not (ListState.Closed or ListState.Confirmed or ListState.Dismissed),
            Confirm: office && s == ListState.Draft,
            Dismiss: office && s == ListState.Draft,
            Start: acts && s == ListState.Open,
            Measures: acts && working,
            Submit: (office || owner) && s is ListState.InProgress or ListState.Returned,
            CloseOut: office && s == ListState.Submitted,
            Return: office && s == ListState.Submitted,
            FollowUp: office && s == ListState.Closed,
            Review: office && s is ListState.Closed or ListState.Confirmed,
            Comment: acts);
    }

    /// <summary>
    /// The office's board: per owner unit and kind, items open (confirmed, not finished), overdue,
    /// closed out, due (deadline passed or closed) and closed on time. Drafts and dismissed items
    /// count nowhere. Whole units only: the page pages by unit.
    /// </summary>
    public async Task<IReadOnlyList<ListBoardRow>> BoardAsync(Actor actor, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Validate();
        DateOnly today = await TodayAsync(cancel).ConfigureAwait(false);
        IQueryable<ListItem> q = Visible(actor).Where(i => i.State != ListState.Draft && i.State != ListState.Dismissed);
        var groups = await q.GroupBy(i => new { i.OwnerUnitId, i.Kind }).Select(g => new
        {
            g.Key.OwnerUnitId,
            g.Key.Kind,
            Open = g.Count(i => i.State != ListState.Closed && i.State != ListState.Confirmed),
            Overdue = g.Count(i => i.State != ListState.Closed && i.State != ListState.Confirmed && i.Deadline != null && i.Deadline < today),
            Closed = g.Count(i => i.State == ListState.Closed || i.State == ListState.Confirmed),
            Due = g.Count(i => i.State == ListState.Closed || i.State == ListState.Confirmed || (i.Deadline != null && i.Deadline < today)),
            OnTime = g.Count(i => (i.State == ListState.Closed || i.State == ListState.Confirmed) && (i.Deadline == null || i.ClosedOn <= i.Deadline)),
        }).ToListAsync(cancel).ConfigureAwait(false);
        long[] unitIds = [.. groups.Select(g => g.OwnerUnitId).Distinct()];
        var units = await db.Units.AsNoTracking().Where(u => unitIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, cancel).ConfigureAwait(false);
        return [.. groups.Select(g => new ListBoardRow(units[g.OwnerUnitId].Code, units[g.OwnerUnitId].Name, g.Kind, g.Open, g.Overdue, g.Closed, g.Due, g.OnTime))
            .OrderBy(r => r.UnitCode, StringComparer.Ordinal).ThenBy(r => r.Kind)];
    }

    /// <summary>The days an item's age is counted in (since it was made): the ageing's buckets end at these.</summary>
    public static readonly int[] AgeingDays = [30, 90, 180];

    /// <summary>Most items shown per week of the deadline timeline.</summary>
    public const int TimelineItems = 5;

    /// <summary>Most weeks of the deadline timeline.</summary>
    public const int MaxTimelineWeeks = 26;

    /// <summary>
    /// The ageing of the open items the actor sees (confirmed and not yet closed out), per kind:
    /// counted by the database in four buckets of days since they were made, never loaded.
    /// </summary>
    public async Task<IReadOnlyList<ListAgeingRow>> AgeingAsync(Actor actor, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Validate();
        DateOnly today = await TodayAsync(cancel).ConfigureAwait(false);
        DateTimeOffset now = StoreTime.Now(clock);
        DateTimeOffset d30 = now.AddDays(-AgeingDays[0]), d90 = now.AddDays(-AgeingDays[1]), d180 = now.AddDays(-AgeingDays[2]);
        IQueryable<ListItem> open = Visible(actor).Where(i => i.State != ListState.Draft && i.State != ListState.Dismissed
            && i.State != ListState.Closed && i.State != ListState.Confirmed);
        var rows = await open.GroupBy(i => i.Kind).Select(g => new
        {
            Kind = g.Key,
            A = g.Count(i => i.CreatedAt >= d30),
            B = g.Count(i => i.CreatedAt < d30 && i.CreatedAt >= d90),
            C = g.Count(i => i.CreatedAt < d90 && i.CreatedAt >= d180),
            D = g.Count(i => i.CreatedAt < d180),
            Overdue = g.Count(i => i.Deadline != null && i.Deadline < today),
        }).ToListAsync(cancel).ConfigureAwait(false);
        return [.. rows.Select(r => new ListAgeingRow(r.Kind, r.A, r.B, r.C, r.D, r.Overdue)).OrderBy(r => r.Kind)];
    }

    /// <summary>
    /// The deadline timeline of the open items the actor sees: first the overdue ones, then each
    /// of the next <paramref name="weeks"/> weeks (Monday to Sunday, this week first), each with its
    /// count and the first <see cref="TimelineItems"/> items by deadline. Weeks with nothing due are kept.
    /// </summary>
    public async Task<IReadOnlyList<ListDeadlineWeek>> TimelineAsync(Actor actor, int weeks = 8, ListKind? kind = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Validate();
        weeks = Math.Clamp(weeks, 1, MaxTimelineWeeks);
        DateOnly today = await TodayAsync(cancel).ConfigureAwait(false);
        IQueryable<ListItem> open = Visible(actor).Where(i => i.State != ListState.Draft && i.State != ListState.Dismissed
            && i.State != ListState.Closed && i.State != ListState.Confirmed && i.Deadline != null);
        if (kind is { } k)
        {
            open = open.Where(i => i.Kind == k);
        }

        var result = new List<ListDeadlineWeek>(weeks + 1);
        IQueryable<ListItem> overdue = open.Where(i => i.Deadline < today);
        result.Add(new ListDeadlineWeek(today, today, true, await overdue.CountAsync(cancel).ConfigureAwait(false),
            await Rows(overdue.OrderBy(i => i.Deadline).ThenBy(i => i.Id).Take(TimelineItems), today).ToListAsync(cancel).ConfigureAwait(false)));
        DateOnly monday = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        for (int w = 0; w < weeks; w++)
        {
            DateOnly from = w == 0 ? today : monday.AddDays(7 * w), to = monday.AddDays((7 * w) + 6);
            IQueryable<ListItem> due = open.Where(i => i.Deadline >= from && i.Deadline <= to);
            result.Add(new ListDeadlineWeek(from, to, false, await due.CountAsync(cancel).ConfigureAwait(false),
                await Rows(due.OrderBy(i => i.Deadline).ThenBy(i => i.Id).Take(TimelineItems), today).ToListAsync(cancel).ConfigureAwait(false)));
        }

        return result;
    }

    /// <summary>
    /// The public counts and rates of the list kinds the office made public
    /// (<see cref="OfficeSettings.PublicListKindsAsync"/>): for anybody, without sign-in; nothing
    /// when the office made no kind public.
    /// </summary>
    public async Task<IReadOnlyList<ListPublicRow>> PublicAsync(CancellationToken cancel = default)
    {
        IReadOnlyList<ListKind> kinds = await new OfficeSettings(db, clock).PublicListKindsAsync(cancel).ConfigureAwait(false);
        if (kinds.Count == 0)
        {
            return [];
        }

        DateOnly today = await TodayAsync(cancel).ConfigureAwait(false);
        var rows = await db.ListItems.AsNoTracking()
            .Where(i => kinds.Contains(i.Kind) && i.State != ListState.Draft && i.State != ListState.Dismissed)
            .GroupBy(i => i.Kind).Select(g => new
            {
                Kind = g.Key,
                Received = g.Count(),
                Resolved = g.Count(i => i.State == ListState.Closed || i.State == ListState.Confirmed),
                Due = g.Count(i => i.State == ListState.Closed || i.State == ListState.Confirmed || (i.Deadline != null && i.Deadline < today)),
                OnTime = g.Count(i => (i.State == ListState.Closed || i.State == ListState.Confirmed) && (i.Deadline == null || i.ClosedOn <= i.Deadline)),
            }).ToListAsync(cancel).ConfigureAwait(false);
        return [.. kinds.Select(k => rows.FirstOrDefault(r => r.Kind == k) is { } r
            ? new ListPublicRow(k, r.Received, r.Resolved, r.Due, r.OnTime)
            : new ListPublicRow(k, 0, 0, 0, 0))];
    }

    /// <summary>The items the actor may see: all for the office, leaders and reviewers of no unit; a unit's own and co-owned items, drafts excepted, for the others.</summary>
    public IQueryable<ListItem> Visible(Actor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.UnitId is not { } unit || actor.Role is ActorRole.Office or ActorRole.Leader)
        {
            return db.ListItems.AsNoTracking();
        }

        // A draft is the office's until confirmed: the unit does not see it yet.
        return db.ListItems.AsNoTracking().Where(i => i.State != ListState.Draft
            && (i.OwnerUnitId == unit || db.ListCoOwners.Any(c => c.ItemId == i.Id && c.UnitId == unit)));
    }

    /// <summary>
    /// Makes a draft supervision item (督办) for every red warning of a result set of a published
    /// period, unless one was made before for the same scheme, period, unit and indicator (so a
    /// period's results stored again make no second draft). Called inside the publication's
    /// transaction; saves. Returns how many drafts were made.
    /// </summary>
    internal static int DraftsFromWarnings(SaimaDb db, Actor actor, AssessmentScheme scheme, string period, long resultSetId, DateTimeOffset now)
    {
        var red = (from w in db.WarningResults.AsNoTracking()
                   join u in db.Units.AsNoTracking() on w.UnitId equals u.Id
                   where w.ResultSetId == resultSetId && w.Level == "red"
                   orderby u.Code, w.Indicator
                   select new { w.UnitId, UnitCode = u.Code, w.Indicator, w.Completion, w.Gap }).ToList();
        if (red.Count == 0)
        {
            return 0;
        }

        var names = db.Indicators.AsNoTracking().Where(i => i.SchemeId == scheme.Id).ToDictionary(i => i.Code, i => i.Name, StringComparer.Ordinal);
        string prefix = $"red/{scheme.Code}/{period}/";
        var known = db.ListItems.AsNoTracking().Where(i => i.SourceKey != null && i.SourceKey.StartsWith(prefix)).Select(i => i.SourceKey!).ToHashSet(StringComparer.Ordinal);
        int made = 0;
        foreach (var w in red)
        {
            string key = prefix + w.UnitCode + "/" + w.Indicator;
            if (known.Contains(key))
            {
                continue;
            }

            string name = names.TryGetValue(w.Indicator, out string? n) ? n : w.Indicator;
            var item = new ListItem
            {
                Kind = ListKind.Supervision,
                State = ListState.Draft,
                Title = $"{name}（{period}）红色预警督办",
                Description = w.Gap is double gap
                    ? string.Create(CultureInfo.InvariantCulture, $"{scheme.Name} {period}：{name} 红色预警，差距 {gap:0.##} 个百分点。")
                    : $"{scheme.Name} {period}：{name} 红色预警。",
                SourceKind = ListSource.RedWarning,
                SourceRef = $"{scheme.Code}/{period}/{w.UnitCode}/{w.Indicator}",
                SourceKey = key,
                SchemeId = scheme.Id,
                Period = period,
                Indicator = w.Indicator,
                OwnerUnitId = w.UnitId,
                CreatedAt = now,
                CreatedBy = actor.Name,
                UpdatedAt = now,
            };
            db.ListItems.Add(item);
            db.SaveChanges();
            db.Audit.Add(AuditLog.Entry(now, actor, "create", Entity, Key(item), "state", null, Text(ListState.Draft), item.SourceRef));
            made++;
        }

        db.SaveChanges();
        return made;
    }

    /// <summary>The service's now (the demo stamps the drafts it makes with it).</summary>
    internal DateTimeOffset NowForDemo() => StoreTime.Now(clock);

    internal static string Key(ListItem item) => AuditLog.Text(item.Id);

    /// <summary>A day as the lists write it: 2025-09-30 (empty for none).</summary>
    public static string DateText(DateOnly? d) => d?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? string.Empty;

    internal static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>Checks an item as given; the owner's id and the co-owners' ids.</summary>
    internal async Task<(long Owner, long[] CoOwners)> CheckAsync(ListItemSpec spec, CancellationToken cancel)
    {
        var errors = new List<ListError>();
        if (!Enum.IsDefined(spec.Kind))
        {
            errors.Add(new("kind", "shortcoming, commitment, supervision or enterprise"));
        }

        if (!Enum.IsDefined(spec.Source))
        {
            errors.Add(new("source", "red warning, arena, visit, instruction, enterprise or manual"));
        }

        if (string.IsNullOrWhiteSpace(spec.Title) || spec.Title.Trim().Length > MaxShort)
        {
            errors.Add(new("title", string.Create(CultureInfo.InvariantCulture, $"required: 1 to {MaxShort} characters")));
        }

        if (spec.Description is { Length: > MaxLong })
        {
            errors.Add(new("description", string.Create(CultureInfo.InvariantCulture, $"at most {MaxLong} characters")));
        }

        if (spec.Responsible is { Length: > MaxShort })
        {
            errors.Add(new("responsible", string.Create(CultureInfo.InvariantCulture, $"at most {MaxShort} characters")));
        }

        if (spec.SourceRef is { Length: > MaxShort })
        {
            errors.Add(new("sourceRef", string.Create(CultureInfo.InvariantCulture, $"at most {MaxShort} characters")));
        }

        string? ownerCode = Clean(spec.OwnerUnit);
        long owner = 0;
        if (ownerCode is null)
        {
            errors.Add(new("owner", "required: a unit code"));
        }
        else if (await db.Units.AsNoTracking().Where(u => u.Code == ownerCode).Select(u => (long?)u.Id).SingleOrDefaultAsync(cancel).ConfigureAwait(false) is { } o)
        {
            owner = o;
        }
        else
        {
            errors.Add(new("owner", $"no unit '{ownerCode}'"));
        }

        var co = new List<long>();
        IReadOnlyList<string> given = spec.CoOwners ?? [];
        for (int i = 0; i < given.Count; i++)
        {
            string code = given[i]?.Trim() ?? string.Empty;
            string field = string.Create(CultureInfo.InvariantCulture, $"coOwners[{i}]");
            long? id = code.Length == 0 ? null
                : await db.Units.AsNoTracking().Where(u => u.Code == code).Select(u => (long?)u.Id).SingleOrDefaultAsync(cancel).ConfigureAwait(false);
            if (id is null)
            {
                errors.Add(new(field, $"no unit '{code}'"));
            }
            else if (id == owner || co.Contains(id.Value))
            {
                errors.Add(new(field, $"unit '{code}' is named twice (or is the owner)"));
            }
            else
            {
                co.Add(id.Value);
            }
        }

        if (errors.Count > 0)
        {
            throw new ListInvalidException(errors);
        }

        return (owner, [.. co]);
    }

    internal static ListItem New(Actor actor, ListItemSpec spec, long owner, DateTimeOffset now, ListState state) => new()
    {
        Kind = spec.Kind,
        State = state,
        Title = spec.Title!.Trim(),
        Description = Clean(spec.Description),
        SourceKind = spec.Source,
        SourceRef = Clean(spec.SourceRef),
        OwnerUnitId = owner,
        Responsible = Clean(spec.Responsible),
        Deadline = spec.Deadline,
        CreatedAt = now,
        CreatedBy = actor.Name,
        UpdatedAt = now,
    };

    private async Task SetOwnersAsync(Actor actor, ListItem item, long owner, long[] coOwners, DateTimeOffset now, CancellationToken cancel)
    {
        if (item.OwnerUnitId != owner)
        {
            Change(actor, item, now, "edit", "owner", await UnitCodeAsync(item.OwnerUnitId, cancel).ConfigureAwait(false), await UnitCodeAsync(owner, cancel).ConfigureAwait(false));
            item.OwnerUnitId = owner;
        }

        List<ListCoOwner> was = await db.ListCoOwners.Where(c => c.ItemId == item.Id).ToListAsync(cancel).ConfigureAwait(false);
        long[] before = [.. was.Select(c => c.UnitId).Order()];
        long[] after = [.. coOwners.Order()];
        if (before.SequenceEqual(after))
        {
            return;
        }

        var codes = await db.Units.AsNoTracking().Where(u => before.Contains(u.Id) || after.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Code, cancel).ConfigureAwait(false);
        Change(actor, item, now, "edit", "co_owners", string.Join(",", before.Select(b => codes[b])), string.Join(",", after.Select(a => codes[a])));
        db.ListCoOwners.RemoveRange(was);
        foreach (long u in after)
        {
            db.ListCoOwners.Add(new ListCoOwner { ItemId = item.Id, UnitId = u });
        }
    }

    private async Task<IQueryable<ListItem>> FilteredAsync(Actor actor, ListFilter filter, DateOnly today, CancellationToken cancel)
    {
        actor.Validate();
        IQueryable<ListItem> q = Visible(actor);
        if (filter.Kind is { } kind)
        {
            q = q.Where(i => i.Kind == kind);
        }

        if (filter.State is { } state)
        {
            q = q.Where(i => i.State == state);
        }

        if (Clean(filter.Unit) is { } code)
        {
            long unit = await db.Units.AsNoTracking().Where(u => u.Code == code).Select(u => (long?)u.Id).SingleOrDefaultAsync(cancel).ConfigureAwait(false) ?? -1;
            q = q.Where(i => i.OwnerUnitId == unit || db.ListCoOwners.Any(c => c.ItemId == i.Id && c.UnitId == unit));
        }

        if (filter.OverdueOnly)
        {
            q = q.Where(i => !Finished.Contains(i.State) && i.Deadline != null && i.Deadline < today);
        }

        if (filter.EscalatedOnly)
        {
            q = q.Where(i => !Finished.Contains(i.State) && i.SourceKey != null && i.SourceKey.StartsWith(EscalationService.KeyPrefix));
        }

        if (filter.DueBy is { } dueBy)
        {
            q = q.Where(i => !Finished.Contains(i.State) && i.State != ListState.Submitted && i.Deadline != null && i.Deadline <= dueBy);
        }

        if (Clean(filter.Search) is { } words)
        {
            string like = "%" + words.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
            q = q.Where(i => EF.Functions.Like(i.Title, like, "\\") || EF.Functions.Like(i.Description ?? string.Empty, like, "\\")
                || EF.Functions.Like(i.Responsible ?? string.Empty, like, "\\") || EF.Functions.Like(i.SourceRef ?? string.Empty, like, "\\"));
        }

        return q;
    }

    private IQueryable<ListRow> Rows(IQueryable<ListItem> q, DateOnly today) =>
        from i in q
        join u in db.Units.AsNoTracking() on i.OwnerUnitId equals u.Id
        select new ListRow(
            i.Id, i.Kind, i.State, i.Title, u.Code, u.Name, i.Responsible, i.Deadline, i.FollowUpOn, i.SourceKind, i.SourceRef,
            i.State != ListState.Closed && i.State != ListState.Confirmed && i.State != ListState.Dismissed && i.State != ListState.Draft && i.Deadline != null && i.Deadline < today,
            i.State == ListState.Closed && i.FollowUpOn != null && i.FollowUpOn <= today,
            i.UpdatedAt);

    private async Task<ListItem> LoadAsync(long id, CancellationToken cancel) =>
        await db.ListItems.SingleOrDefaultAsync(i => i.Id == id, cancel).ConfigureAwait(false)
        ?? throw new NotFoundException(WorkflowCodes.NoListItem, $"list item {AuditLog.Text(id)} does not exist", AuditLog.Text(id));

    /// <summary>The item, when the actor may see it (else: not found, so that another unit's items are not even confirmed to exist).</summary>
    private async Task<ListItem> LoadForReadAsync(Actor actor, long id, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Validate();
        return await Visible(actor).SingleOrDefaultAsync(i => i.Id == id, cancel).ConfigureAwait(false)
            ?? throw new NotFoundException(WorkflowCodes.NoListItem, $"list item {AuditLog.Text(id)} does not exist or is not of {actor}'s unit", AuditLog.Text(id));
    }

    /// <summary>The item, when the actor may act on it: the office, or a reporter or reviewer (or department) of its owner or a co-owner unit.</summary>
    private async Task<ListItem> LoadForActAsync(Actor actor, long id, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Validate();
        ListItem item = await LoadAsync(id, cancel).ConfigureAwait(false);
        if (actor.Role == ActorRole.Office)
        {
            return item;
        }

        bool mine = actor.UnitId is { } unit && actor.Role is ActorRole.Reporter or ActorRole.Reviewer or ActorRole.DepartmentReporter
            && (item.OwnerUnitId == unit || await db.ListCoOwners.AnyAsync(c => c.ItemId == id && c.UnitId == unit, cancel).ConfigureAwait(false));
        if (!mine)
        {
            throw new AccessDeniedException(WorkflowCodes.ListScope, $"{actor} may not act on list item {Key(item)}: it is not of the user's unit", actor.Name, Key(item));
        }

        if (item.State == ListState.Draft)
        {
            // A draft is the office's until confirmed: the unit does not see it yet.
            throw new NotFoundException(WorkflowCodes.NoListItem, $"list item {Key(item)} does not exist", Key(item));
        }

        return item;
    }

    private static void RequireState(ListItem item, string action, params ListState[] allowed)
    {
        if (!allowed.Contains(item.State))
        {
            throw new WorkflowException(WorkflowCodes.ListState, $"list item {Key(item)} is {Text(item.State)}; it cannot {action} now", Key(item), Text(item.State), action);
        }
    }

    private static string RequireReason(ListItem item, string? reason)
    {
        string? why = Clean(reason);
        if (why is null)
        {
            throw new WorkflowException(WorkflowCodes.ListReason, $"list item {Key(item)}: a reason is needed", Key(item));
        }

        if (why.Length > MaxLong)
        {
            throw new ListInvalidException([new("reason", string.Create(CultureInfo.InvariantCulture, $"at most {MaxLong} characters"))]);
        }

        return why;
    }

    private void Change(Actor actor, ListItem item, DateTimeOffset now, string action, string field, string? old, string? value)
    {
        if (!string.Equals(old ?? string.Empty, value ?? string.Empty, StringComparison.Ordinal))
        {
            db.Audit.Add(AuditLog.Entry(now, actor, action, Entity, Key(item), field, old, value));
        }
    }

    private async Task<ListItem> MoveAsync(Actor actor, ListItem item, string action, ListState to, string? reason, DateTimeOffset now, CancellationToken cancel)
    {
        db.Audit.Add(AuditLog.Entry(now, actor, action, Entity, Key(item), "state", Text(item.State), Text(to), reason));
        item.State = to;
        item.UpdatedAt = now;
        await db.SaveChangesAsync(cancel).ConfigureAwait(false);
        return item;
    }

    private async Task<long> UnitIdAsync(string? code, string field, CancellationToken cancel)
    {
        string? c = Clean(code);
        return c is null
            ? throw new ListInvalidException([new(field, "required: a unit code")])
            : await db.Units.AsNoTracking().Where(u => u.Code == c).Select(u => (long?)u.Id).SingleOrDefaultAsync(cancel).ConfigureAwait(false)
              ?? throw new ListInvalidException([new(field, $"no unit '{c}'")]);
    }

    private Task<string> UnitCodeAsync(long id, CancellationToken cancel) =>
        db.Units.AsNoTracking().Where(u => u.Id == id).Select(u => u.Code).SingleAsync(cancel);
}
