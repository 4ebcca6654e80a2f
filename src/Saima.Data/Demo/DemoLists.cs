using System.Globalization;
using System.Text;
using Saima.Data.Store;

namespace Saima.Data.Demo;

/// <summary>
/// The demo city's lists (问题清单, 督办, 销号, 回头看): the red warnings of the county scheme's
/// latest published period become draft supervision items, as publication makes them; then
/// items of every kind walk to every state (open, in progress, submitted, returned, closed out,
/// confirmed on review, dismissed, and drafts), with measures, evidence and comments, through
/// the lists' door (<see cref="ListService"/>) on a clock set at the period's publication.
/// </summary>
public static partial class DemoCity
{
    private static readonly (ListKind Kind, string[] Titles)[] ListTitles =
    [
        (ListKind.Shortcoming, ["规上工业增加值增速低于全市平均", "项目开工率排名靠后", "营商环境满意度评价偏低", "农村居民收入增速放缓"]),
        (ListKind.Commitment, ["局长问政承诺：审批时限压缩一半", "年内新建口袋公园 5 个", "三季度前完成老旧小区改造 12 个", "企业开办一日办结"]),
        (ListKind.Supervision, ["重点项目推进滞后督办", "安全生产隐患整改督办", "信访积案化解督办", "环保督察反馈问题督办"]),
        (ListKind.Enterprise, ["企业反映用地指标落实慢", "企业反映电力增容审批周期长", "企业反映融资担保难", "企业反映招工难"]),
    ];

    /// <summary>Builds the lists after the results (drafts from red warnings only when results were computed); returns how many items were made.</summary>
    private static int BuildLists(StoreOptions store, DateTimeOffset at)
    {
        using SaimaDb db = SaimaDb.Open(store);
        var clock = new FixedClock(at);
        Actor office = Actor.Office(Office);

        // The red warnings of the county scheme's latest published period, as its publication makes them.
        AssessmentScheme county = db.Schemes.Single(s => s.Code == CountyScheme);
        ResultSet? latest = db.ResultSets.Where(r => r.SchemeId == county.Id).OrderByDescending(r => r.Period).ThenByDescending(r => r.Id).FirstOrDefault();
        int drafts = latest is null ? 0 : ListService.DraftsFromWarnings(db, office, county, latest.Period, latest.Id, at);

        var lists = new ListService(db, clock);
        string[] units = [.. DemoNames.Counties.Select(c => c.Code)];
        DateOnly today = DateOnly.FromDateTime(at.UtcDateTime);
        int made = 0;
        void Run(Func<Task> step) => step().GetAwaiter().GetResult();
        foreach ((ListKind kind, string[] titles) in ListTitles)
        {
            ListState[] states = Enum.GetValues<ListState>();
            for (int s = 0; s < states.Length; s++)
            {
                string owner = units[((int)kind * states.Length + s) % units.Length];
                string co = units[((int)kind * states.Length + s + 3) % units.Length];
                string title = titles[s % titles.Length];
                ListSource source = kind switch
                {
                    ListKind.Enterprise => ListSource.Enterprise,
                    ListKind.Commitment => ListSource.Arena,
                    ListKind.Supervision => s % 2 == 0 ? ListSource.Instruction : ListSource.Visit,
                    _ => ListSource.Visit,
                };
                var spec = new ListItemSpec(kind, title, "澜川市" + title + "，需制定整改措施并按期销号。", owner, s % 3 == 0 ? [co] : null,
                    "分管副县长", today.AddDays(s % 2 == 0 ? -10 + (s * 15) : 400), source, "2025年第" + (s + 1).ToString(CultureInfo.InvariantCulture) + "批");
                Walk(db, lists, office, spec, states[s], Run);
                made++;
            }
        }

        BuildProjects(db, at);
        return made + drafts;
    }

    /// <summary>Makes an item and walks it to <paramref name="target"/> through the door.</summary>
    private static long Walk(SaimaDb db, ListService lists, Actor office, ListItemSpec spec, ListState target, Action<Func<Task>> run)
    {
        if (target is ListState.Draft or ListState.Dismissed)
        {
            long owner = db.Units.Single(u => u.Code == spec.OwnerUnit).Id;
            ListItem draft = ListService.New(office, spec, owner, lists.NowForDemo(), ListState.Draft);
            db.ListItems.Add(draft);
            db.SaveChanges();
            if (target == ListState.Dismissed)
            {
                run(() => lists.DismissAsync(office, draft.Id, "与已有督办事项重复"));
            }

            return draft.Id;
        }

        long id = lists.CreateAsync(office, spec).GetAwaiter().GetResult().Id;
        if (target == ListState.Open)
        {
            return id;
        }

        Actor unit = Actor.Reporter("demo.reporter", db.Units.Single(u => u.Code == spec.OwnerUnit).Id);
        run(() => lists.StartAsync(unit, id));
        run(() => lists.AddMeasureAsync(unit, id, "制定专项整改方案，明确责任人和时间节点", "办公室主任", spec.Deadline));
        run(() => lists.AddMeasureAsync(unit, id, "每月调度推进情况并报送考核办", "分管领导", spec.Deadline));
        run(() => lists.CommentAsync(unit, id, "已召开专题会议部署整改。"));
        if (target == ListState.InProgress)
        {
            return id;
        }

        run(() => lists.AddEvidenceAsync(unit, id, "整改报告.txt", new MemoryStream(Encoding.UTF8.GetBytes("整改情况报告：已按方案完成整改。"))));
        run(() => lists.SubmitAsync(unit, id, "整改措施已全部落实，附整改报告。"));
        if (target == ListState.Submitted)
        {
            return id;
        }

        if (target == ListState.Returned)
        {
            run(() => lists.ReturnAsync(office, id, "佐证材料不足，请补充现场照片"));
            return id;
        }

        run(() => lists.CloseOutAsync(office, id, "同意销号"));
        run(() => lists.SetFollowUpAsync(office, id, DateOnly.FromDateTime(lists.NowForDemo().UtcDateTime).AddDays(90)));
        if (target == ListState.Confirmed)
        {
            run(() => lists.ConfirmFollowUpAsync(office, id, "回头看未发现反弹"));
        }

        return id;
    }
}
