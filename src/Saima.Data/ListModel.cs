using Microsoft.EntityFrameworkCore;

namespace Saima.Data;

/// <summary>What a list item is.</summary>
public enum ListKind
{
    /// <summary>A shortcoming found (问题), to be rectified.</summary>
    Shortcoming = 0,

    /// <summary>A commitment made (承诺), to be kept.</summary>
    Commitment = 1,

    /// <summary>A supervision item (督办) the office follows up.</summary>
    Supervision = 2,

    /// <summary>An enterprise's problem (企业诉求) to be solved.</summary>
    Enterprise = 3,
}

/// <summary>Where a list item came from.</summary>
public enum ListSource
{
    /// <summary>A red warning of an indicator in a published period (scheme, period, unit, indicator).</summary>
    RedWarning = 0,

    /// <summary>An on-site evaluation session (现场评议).</summary>
    Arena = 1,

    /// <summary>An on-site visit (实地督查).</summary>
    Visit = 2,

    /// <summary>A leader's instruction (领导批示).</summary>
    Instruction = 3,

    /// <summary>An enterprise (企业反映).</summary>
    Enterprise = 4,

    /// <summary>Entered by hand.</summary>
    Manual = 5,
}

/// <summary>
/// The life of a list item: a draft (made from a red warning) is confirmed or dismissed; open →
/// in progress → submitted for close-out → closed out (销号) or returned; a closed item is
/// revisited (回头看) on its follow-up date and confirmed, or reopened (back in progress).
/// </summary>
public enum ListState
{
    Draft = 0,
    Open = 1,
    InProgress = 2,
    Submitted = 3,
    Returned = 4,
    Closed = 5,
    Confirmed = 6,
    Dismissed = 7,
}

/// <summary>The state of a rectification measure (整改措施).</summary>
public enum MeasureState
{
    Planned = 0,
    InProgress = 1,
    Done = 2,
}

/// <summary>An item of a list (问题清单, 责任清单, 督办清单, 企业诉求清单).</summary>
public sealed class ListItem
{
    public long Id { get; set; }
    public ListKind Kind { get; set; }
    public ListState State { get; set; }
    public required string Title { get; set; }
    public string? Description { get; set; }
    public ListSource SourceKind { get; set; }

    /// <summary>The source as people read it: <c>S1/2025-06/C01/Rev</c>, a session code, an instruction's number.</summary>
    public string? SourceRef { get; set; }

    /// <summary>Unique when set: what makes a generated item once only (e.g. <c>red:12/2025-06/34/Rev</c>).</summary>
    public string? SourceKey { get; set; }
    public long? SchemeId { get; set; }
    public string? Period { get; set; }
    public string? Indicator { get; set; }
    public long OwnerUnitId { get; set; }
    public string? Responsible { get; set; }

    /// <summary>The last day to finish, in the office's zone.</summary>
    public DateOnly? Deadline { get; set; }

    /// <summary>The day of the follow-up review (回头看), in the office's zone.</summary>
    public DateOnly? FollowUpOn { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? SubmittedAt { get; set; }

    /// <summary>The written account of what was done, given when submitting for close-out.</summary>
    public string? Account { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>The day it was closed out in the office's zone (on time: on or before the deadline).</summary>
    public DateOnly? ClosedOn { get; set; }
    public string? ClosedBy { get; set; }
    public string? ReturnReason { get; set; }
    public string? DismissReason { get; set; }

    /// <summary>How often a follow-up review reopened it.</summary>
    public int Reopened { get; set; }
}

/// <summary>A unit that shares an item with its owner (sees and acts on it too).</summary>
public sealed class ListCoOwner
{
    public long ItemId { get; set; }
    public long UnitId { get; set; }
}

/// <summary>A rectification measure (整改措施) of an item, with its own owner, deadline and state.</summary>
public sealed class ListMeasure
{
    public long Id { get; set; }
    public long ItemId { get; set; }
    public required string Text { get; set; }
    public string? Owner { get; set; }
    public DateOnly? Deadline { get; set; }
    public MeasureState State { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
}

/// <summary>A comment on an item.</summary>
public sealed class ListComment
{
    public long Id { get; set; }
    public long ItemId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Author { get; set; }
    public required string Text { get; set; }
}

/// <summary>An evidence file of an item (what the close-out rests on); checked by content like figure evidence.</summary>
public sealed class ListEvidence
{
    public long Id { get; set; }
    public long ItemId { get; set; }
    public required string FileName { get; set; }
    public required string ContentType { get; set; }
    public long SizeBytes { get; set; }
    public required string Sha256 { get; set; }
    public byte[] Content { get; set; } = [];
    public required string UploadedBy { get; set; }
    public DateTimeOffset UploadedAt { get; set; }
}

/// <summary>The lists' part of the EF model.</summary>
internal static class ListModel
{
    public static void Configure(ModelBuilder b)
    {
        b.Entity<ListItem>(e =>
        {
            e.ToTable("list_items");
            e.HasIndex(x => x.SourceKey).IsUnique();
        });
        b.Entity<ListCoOwner>(e =>
        {
            e.ToTable("list_co_owners");
            e.HasKey(x => new { x.ItemId, x.UnitId });
        });
        b.Entity<ListMeasure>(e => e.ToTable("list_measures"));
        b.Entity<ListComment>(e => e.ToTable("list_comments"));
        b.Entity<ListEvidence>(e => e.ToTable("list_evidence"));
    }
}
