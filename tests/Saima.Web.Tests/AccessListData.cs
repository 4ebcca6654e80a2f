using System.Text;
using Saima.Data;
using Saima.Data.Store;

namespace Saima.Web.Tests;

/// <summary>
/// The list items of the access matrix, all owned by county CA, one per action so that the
/// cells do not meet (their ids follow from the order they are made in; the seed checks them):
/// <see cref="Read"/> (co-owned by CB, in progress, with measure 1 and evidence file 1: read,
/// commented, measured), <see cref="Start"/> (open), <see cref="Evidence"/> and
/// <see cref="Submit"/> (in progress), <see cref="Close"/> and <see cref="Return"/> (submitted),
/// <see cref="FollowUp"/>, <see cref="Review"/> and <see cref="Reopen"/> (closed out),
/// <see cref="Confirm"/> and <see cref="Dismiss"/> (drafts) and <see cref="Assign"/> (open, the
/// office assigns it to CB).
/// </summary>
internal static class AccessListData
{
    public const string Read = "1";
    public const string Start = "2";
    public const string Evidence = "3";
    public const string Submit = "4";
    public const string Close = "5";
    public const string Return = "6";
    public const string FollowUp = "7";
    public const string Review = "8";
    public const string Reopen = "9";
    public const string Confirm = "10";
    public const string Dismiss = "11";
    public const string Assign = "12";

    /// <summary>The API's items: start and submit one per role that may (office, reporter, reviewer of CA), then one per office action.</summary>
    public static readonly string[] ApiStart = ["13", "14", "15"];
    public static readonly string[] ApiSubmit = ["16", "17", "18"];
    public const string ApiClose = "19";
    public const string ApiReturn = "20";
    public const string ApiFollowUp = "21";
    public const string ApiReview = "22";
    public const string ApiReopen = "23";
    public const string ApiConfirm = "24";
    public const string ApiDismiss = "25";

    public static void Seed(StoreOptions store)
    {
        using SaimaDb db = SaimaDb.Open(store);
        var lists = new ListService(db, TimeProvider.System);
        Actor office = Actor.Office("seed.office");
        long ca = db.Units.Single(u => u.Code == "CA").Id;
        Actor unit = Actor.Reporter("seed.rep.ca", ca);
        long Make(string title, string[]? co = null) =>
            lists.CreateAsync(office, new ListItemSpec(ListKind.Shortcoming, title, "访问测试", "CA", co, "访问负责人", new DateOnly(2030, 12, 31))).GetAwaiter().GetResult().Id;
        void Run(Func<Task> step) => step().GetAwaiter().GetResult();

        long read = Make("访问矩阵查看", ["CB"]);
        Run(() => lists.StartAsync(unit, read));
        Run(() => lists.AddMeasureAsync(unit, read, "访问措施", null, null));
        Run(() => lists.AddEvidenceAsync(unit, read, "evidence.txt", new MemoryStream(Encoding.UTF8.GetBytes("佐证材料"))));
        long start = Make("访问矩阵开始");
        long evidence = Make("访问矩阵佐证");
        Run(() => lists.StartAsync(unit, evidence));
        long submit = Make("访问矩阵提交");
        Run(() => lists.StartAsync(unit, submit));
        long[] submitted = [Make("访问矩阵销号"), Make("访问矩阵退回")];
        long[] closed = [Make("访问矩阵回头看日期"), Make("访问矩阵回头看通过"), Make("访问矩阵重新打开")];
        foreach (long id in submitted.Concat(closed))
        {
            Run(() => lists.StartAsync(unit, id));
            Run(() => lists.SubmitAsync(unit, id, "已整改"));
        }

        foreach (long id in closed)
        {
            Run(() => lists.CloseOutAsync(office, id, null));
        }

        long[] drafts = [Draft(db, ca, "访问矩阵确认"), Draft(db, ca, "访问矩阵撤销")];
        long assign = Make("访问矩阵交办");
        long[] apiStart = [Make("接口开始一"), Make("接口开始二"), Make("接口开始三")];
        long[] apiSubmit = [Make("接口提交一"), Make("接口提交二"), Make("接口提交三")];
        foreach (long id in apiSubmit)
        {
            Run(() => lists.StartAsync(unit, id));
        }

        long[] apiSubmitted = [Make("接口销号"), Make("接口退回")];
        long[] apiClosed = [Make("接口回头看日期"), Make("接口回头看通过"), Make("接口重新打开")];
        foreach (long id in apiSubmitted.Concat(apiClosed))
        {
            Run(() => lists.StartAsync(unit, id));
            Run(() => lists.SubmitAsync(unit, id, "已整改"));
        }

        foreach (long id in apiClosed)
        {
            Run(() => lists.CloseOutAsync(office, id, null));
        }

        long[] apiDrafts = [Draft(db, ca, "接口确认"), Draft(db, ca, "接口撤销")];
        long[] made = [read, start, evidence, submit, .. submitted, .. closed, .. drafts, assign, .. apiStart, .. apiSubmit, .. apiSubmitted, .. apiClosed, .. apiDrafts];
        string[] expected = [Read, Start, Evidence, Submit, Close, Return, FollowUp, Review, Reopen, Confirm, Dismiss, Assign,
            .. ApiStart, .. ApiSubmit, ApiClose, ApiReturn, ApiFollowUp, ApiReview, ApiReopen, ApiConfirm, ApiDismiss];
        made.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(expected, "the access matrix's list items have the ids its lines name");
    }

    /// <summary>A draft supervision item, as a red warning makes one.</summary>
    private static long Draft(SaimaDb db, long unit, string title)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var item = new ListItem
        {
            Kind = ListKind.Supervision, State = ListState.Draft, Title = title, SourceKind = ListSource.RedWarning, SourceRef = "T/2025-05/CA/GDP",
            OwnerUnitId = unit, CreatedAt = now, CreatedBy = "seed.office", UpdatedAt = now,
        };
        db.ListItems.Add(item);
        db.SaveChanges();
        return item.Id;
    }
}
