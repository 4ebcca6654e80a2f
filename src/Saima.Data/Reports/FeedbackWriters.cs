using System.Globalization;
using Saima.Data.Store;

namespace Saima.Data.Reports;

/// <summary>
/// The feedback report's pure writers: the same <see cref="FeedbackContent"/> as an editable .docx
/// (real tables) and as the HTML print view the .pdf is printed from. None reads the store.
/// </summary>
public static class FeedbackWriters
{
    /// <summary>Chinese names of the warning levels the engine uses; any other level shows as stored.</summary>
    public static string WarningText(string? level) => level switch
    {
        null => "–",
        "red" => "红色",
        "orange" => "橙色",
        "yellow" => "黄色",
        "blue" => "蓝色",
        "green" => "绿色",
        _ => level,
    };

    /// <summary>The indicator table's headers (the test and the .docx read them back).</summary>
    public static IReadOnlyList<string> IndicatorHeaders(bool tracks) => tracks
        ? ["指标", "数值", "目标", "完成率(%)", "得分", "名次", "赛道名次", "预警"]
        : ["指标", "数值", "目标", "完成率(%)", "得分", "名次", "预警"];

    public static GovDocument Document(FeedbackContent c)
    {
        ArgumentNullException.ThrowIfNull(c);
        bool tracks = c.HasTracks;
        var parts = new List<DocumentPart>
        {
            new TextPart(string.Create(CultureInfo.InvariantCulture,
                $"单位：{c.UnitName}（{c.UnitCode}）　考核方案：{c.SchemeName}（{c.SchemeCode}）　{(tracks ? $"赛道：{c.Track}　" : string.Empty)}期次：{c.PeriodText}　发布单位：{c.Office}")),
            new HeadingPart("一、总体情况"),
            new TextPart(c.Text),
        };

        string[] nodeHeaders = tracks ? ["项目", "得分", "名次", "赛道名次"] : ["项目", "得分", "名次"];
        var nodes = new[] { c.Total }.Concat(c.Dimensions)
            .Select(n => (IReadOnlyList<string>)(tracks
                ? [n.Name, Publications.Shown(n.Score), Publications.Int(n.Rank), Publications.Int(n.TrackRank)]
                : [n.Name, Publications.Shown(n.Score), Publications.Int(n.Rank)]))
            .ToList();
        parts.Add(new TablePart(new DocumentTable("综合得分与分项得分", nodeHeaders, nodes)));

        parts.Add(new HeadingPart("二、各项指标"));
        var rows = new List<IReadOnlyList<string>>();
        var marks = new List<string?>();
        foreach (FeedbackIndicator i in c.Indicators)
        {
            var row = new List<string> { i.Name, Publications.Shown(i.Value), Publications.Shown(i.Target), Publications.Shown(i.Completion), Publications.Shown(i.Score), Publications.Int(i.Rank) };
            if (tracks)
            {
                row.Add(Publications.Int(i.TrackRank));
            }

            row.Add(WarningText(i.Warning));
            rows.Add(row);
            marks.Add(i.Warning);
        }

        parts.Add(new TablePart(new DocumentTable("指标明细", IndicatorHeaders(tracks), rows) { RowMarks = marks }));

        parts.Add(new HeadingPart("三、优势与短板"));
        string rankHeader = tracks ? "赛道名次" : "名次";
        parts.Add(c.Strengths.Count > 0
            ? new TablePart(new DocumentTable("优势指标", ["指标", rankHeader, "得分"],
                c.Strengths.Select(i => (IReadOnlyList<string>)[i.Name, Publications.Int(i.PeerRank), Publications.Shown(i.Score)]).ToList()))
            : new TextPart("本期没有排名靠前的指标。"));
        parts.Add(c.Weaknesses.Count > 0
            ? new TablePart(new DocumentTable("弱项指标", ["指标", rankHeader, "得分", "预警"],
                c.Weaknesses.Select(i => (IReadOnlyList<string>)[i.Name, Publications.Int(i.PeerRank), Publications.Shown(i.Score), WarningText(i.Warning)]).ToList()))
            : new TextPart("本期没有明显的弱项指标。"));
        parts.Add(c.RedWarnings.Count > 0
            ? new TablePart(new DocumentTable("红色预警", ["指标", "数值", "目标", "完成率(%)"],
                c.RedWarnings.Select(i => (IReadOnlyList<string>)[i.Name, Publications.Shown(i.Value), Publications.Shown(i.Target), Publications.Shown(i.Completion)]).ToList()))
            : new TextPart("本期没有红色预警。"));

        parts.Add(new HeadingPart("四、对标单位"));
        parts.Add(c.Peers.Count > 0
            ? c.PeerBasis == PeerBasis.Named
                ? new TablePart(new DocumentTable("考核办确定的对标单位", ["单位", "名次", "得分"],
                    c.Peers.Select(p => (IReadOnlyList<string>)[p.Name, Publications.Int(p.Rank), Publications.Shown(p.Score)]).ToList()))
                : new TablePart(new DocumentTable($"最接近的单位（按{string.Join("、", c.PeerContext)}的标准化距离）", ["单位", "距离", "名次", "得分"],
                    c.Peers.Select(p => (IReadOnlyList<string>)[p.Name, Publications.Shown(p.Distance), Publications.Int(p.Rank), Publications.Shown(p.Score)]).ToList()))
            : new TextPart("本期没有对标单位（考核办未指定对标单位，也未设置对标参照指标，或本单位缺少参照指标的数值）。"));

        parts.Add(new HeadingPart("五、进位测算"));
        if (c.TargetRank is int want)
        {
            parts.Add(new TablePart(new DocumentTable(
                string.Create(CultureInfo.InvariantCulture, $"进位至第{want}名所需（其他指标不变）"),
                ["指标", "当前值", "需达到", "变化", "变化率(%)", "能否达到"],
                c.MoveUp.Select(m => (IReadOnlyList<string>)[m.Name, Publications.Shown(m.Value), Publications.Shown(m.Needed),
                    Publications.Shown(m.Change), Publications.Shown(m.ChangePercent), m.Reachable ? "能" : "否"]).ToList())));
        }
        else
        {
            parts.Add(new TextPart(c.Total.Rank == 1 ? "本期位居第一，无需进位测算。" : "本期未获名次，无法进行进位测算。"));
        }

        parts.Add(new HeadingPart("六、未办结事项"));
        parts.Add(c.OpenItems.Count > 0
            ? new TablePart(new DocumentTable("截至生成时本单位未办结的清单事项", ["编号", "类型", "事项", "办理时限", "状态"],
                c.OpenItems.Select(i => (IReadOnlyList<string>)[i.Id.ToString(CultureInfo.InvariantCulture), i.Kind, i.Title,
                    i.Deadline?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "–", i.Overdue ? i.State + "（已逾期）" : i.State]).ToList()))
            : new TextPart("本单位没有未办结的清单事项。"));

        parts.Add(new HeadingPart("七、下一年度目标"));
        parts.Add(c.NextTargets.Count > 0
            ? new TablePart(new DocumentTable(string.Create(CultureInfo.InvariantCulture, $"{c.NextTargets[0].Year}年度目标"), ["指标", "目标值"],
                c.NextTargets.Select(t => (IReadOnlyList<string>)[t.Name, Publications.Shown(t.Value)]).ToList()))
            : new TextPart("尚未确定下一年度目标。"));

        return new GovDocument(c.Office, c.Title, parts, c.GeneratedLine);
    }

    /// <summary>A list item's kind as the report says it.</summary>
    public static string KindText(ListKind kind) => kind switch
    {
        ListKind.Shortcoming => "问题",
        ListKind.Commitment => "承诺",
        ListKind.Supervision => "督办",
        ListKind.Enterprise => "企业诉求",
        _ => kind.ToString(),
    };

    /// <summary>An open list item's state as the report says it.</summary>
    public static string StateText(ListState state) => state switch
    {
        ListState.Open => "待整改",
        ListState.InProgress => "整改中",
        ListState.Submitted => "待销号",
        ListState.Returned => "已退回",
        _ => state.ToString(),
    };

    public static void WriteDocx(FeedbackContent content, Stream output) => Document(content).WriteDocx(output);

    public static string Html(FeedbackContent content) => Document(content).Html();

    public static void WritePdf(FeedbackContent content, Stream output, string? chromium = null) => CircularPdf.Print(Html(content), output, chromium);
}
