using Saima.Web.Features.Shared;
namespace Saima.Web.Features.Api;

// What the API reads and writes (JSON, camelCase). Rows are named by codes, never by database ids.

/// <summary>A unit (考核对象): code, name, kind (county, district, township, street, department, zone, enterprise, city) and the parent's code.</summary>
public sealed record ApiUnit(string Code, string Name, string? NameEn, string Kind, string? Parent);

/// <summary>An assessment scheme (考核方案) and how often it is reported (month, quarter, year).</summary>
public sealed record ApiScheme(string Code, string Name, string? NameEn, string Frequency);

/// <summary>A reporting period: "open" for intake or "published" with its results.</summary>
public sealed record ApiPeriod(string Code, string Status, DateTimeOffset? Deadline, DateTimeOffset? PublishedAt);

/// <summary>One unit's line of a published league table.</summary>
public sealed record ApiResultRow(
    string Unit, string Name, string? NameEn, string? Track,
    double? Value, double? Score, int? Rank, int? RankChange, int? TrackRank, string? Warning);

/// <summary>
/// The published results of a period at one node (the total, a dimension or an indicator), for
/// all units or one track: <see cref="NodeKind"/> is total, dimension or indicator; value and the
/// warning level are given for indicators only.
/// </summary>
public sealed record ApiResults(
    string Scheme, string Period, string Node, string NodeKind, string? Track, DateTimeOffset ComputedAt, IReadOnlyList<ApiResultRow> Rows);

/// <summary>
/// A current figure: value (null: missing), status (draft, submitted, approved, returned,
/// published), revision, the reviewer's comment (only to the unit, its reviewers and the office; null for
/// others), and who entered it (unpublished
/// figures only).
/// </summary>
public sealed record ApiFigure(
    string Unit, string Indicator, double? Value, string Status, int Revision, string? Comment, string? EnteredBy, DateTimeOffset EnteredAt);

/// <summary>One figure to save as a draft: unit and indicator codes, the value (a number, or null for missing) and an optional note for the audit trail.</summary>
public sealed record ApiFigureInput(string Unit, string Indicator, double? Value, string? Note = null);

/// <summary>Figures to save as drafts, all or nothing.</summary>
public sealed record ApiFigureBatch(IReadOnlyList<ApiFigureInput> Items);

/// <summary>What a write did: how many figures, and each as it stands now.</summary>
public sealed record ApiFiguresChanged(int Count, IReadOnlyList<ApiFigure> Figures);

/// <summary>Submit the user's drafts (and returned figures) that have a value; <see cref="Units"/> limits it to some units.</summary>
public sealed record ApiSubmitRequest(IReadOnlyList<string>? Units = null);

/// <summary>A review decision on a unit's figures (one indicator, or all of them waiting): action approve or return; a return needs a comment. Action approveInRange approves every unflagged submitted figure of the filter (unit optional, below, indicator, source).</summary>
public sealed record ApiReviewRequest(string Unit, string Action, string? Indicator = null, string? Comment = null, bool? Below = null, string? Source = null);

/// <summary>How the figures missing at publication count: "scheme" (the scheme's imputation rule) or "zero"; needed only when some are missing.</summary>
public sealed record ApiPublishRequest(string? Missing = null);

/// <summary>A period published: how many figures, and when its results were computed.</summary>
public sealed record ApiPublication(string Scheme, string Period, int FiguresPublished, DateTimeOffset PublishedAt, DateTimeOffset ComputedAt);
