namespace Saima.Data.Demo;

/// <summary>How the demo draws an indicator's monthly figures.</summary>
internal enum ValueModel
{
    /// <summary>A flow summed year to date (累计): monthly amounts with seasonality and a yearly growth.</summary>
    Flow,

    /// <summary>A count summed year to date (累计), whole numbers.</summary>
    Count,

    /// <summary>A rate or score at a point in time, within bounds, drifting with a trend.</summary>
    Rate,

    /// <summary>A position among the province's counties (1 is best).</summary>
    Rank,

    /// <summary>A stock (number of enterprises…) that grows slowly, not summed.</summary>
    Stock,

    /// <summary>Not reported: year-on-year growth computed from its level indicator.</summary>
    Derived,
}

/// <summary>How the scheme turns the indicator into points.</summary>
internal enum ScoreRule
{
    Completion,
    CompletionDifference,
    RankPoints,
    Tiers,
    LeaderRatio,
}

/// <summary>One indicator of a demo scheme: what intake knows of it, how figures are drawn and how it is scored.</summary>
internal sealed record DemoIndicator(
    string Code,
    string Name,
    string NameEn,
    string Dimension,
    string Uom,
    int Direction,
    ValueModel Model,
    double Base,
    double Spread,
    double Min,
    double Max,
    int Decimals,
    string? Source,
    bool Public,
    ScoreRule Rule,
    double Points,
    bool HasTarget,
    double Trend = 0,
    double[]? Bounds = null,
    string? GrowthOf = null)
{
    public bool Cumulative => Model is ValueModel.Flow or ValueModel.Count;
}

/// <summary>A dimension (group) of a demo scheme.</summary>
internal sealed record DemoDimension(string Code, string Name, string NameEn);

/// <summary>The indicator systems of the three demo schemes.</summary>
internal static class DemoCatalog
{
    /// <summary>The six comparisons (六比): quality, rank position, innovation, projects, environment, responsibility.</summary>
    public static readonly DemoDimension[] SixComparisons =
    [
        new("Quality", "比质量", "Quality"),
        new("Position", "比位次", "Rank position"),
        new("Innovation", "比创新", "Innovation"),
        new("Projects", "比项目", "Projects"),
        new("Environment", "比环境", "Environment"),
        new("Responsibility", "比担当", "Responsibility"),
    ];

    private const ValueModel F = ValueModel.Flow;
    private const ValueModel N = ValueModel.Count;
    private const ValueModel R = ValueModel.Rate;
    private const ValueModel K = ValueModel.Rank;
    private const ValueModel S = ValueModel.Stock;
    private const ValueModel D = ValueModel.Derived;
    private const ScoreRule Cm = ScoreRule.Completion;
    private const ScoreRule Cd = ScoreRule.CompletionDifference;
    private const ScoreRule Rp = ScoreRule.RankPoints;
    private const ScoreRule Ti = ScoreRule.Tiers;
    private const ScoreRule Lr = ScoreRule.LeaderRatio;

    /// <summary>
    /// The county and district assessment (县区六比竞赛): 50 indicators in the six comparisons.
    /// Base is the annual total of a middling county for flows and counts, the usual level for
    /// rates; Spread the spread between units; Trend the change per year.
    /// </summary>
    public static readonly DemoIndicator[] County =
    [
        // 比质量
        new("GDP", "地区生产总值", "Gross domestic product", "Quality", "亿元", 1, F, 420, 0, 0, 5000, 2, "B24", true, Cm, 3, true),
        new("GDPGrowth", "地区生产总值增速", "GDP growth (year on year)", "Quality", "%", 1, D, 0, 0, -20, 40, 1, "B24", true, Cd, 4, true, GrowthOf: "GDP"),
        new("IndVA", "规上工业增加值", "Value added of industry above designated size", "Quality", "亿元", 1, F, 150, 0, 0, 3000, 2, "B24", false, Cm, 2, true),
        new("IndVAGrowth", "规上工业增加值增速", "Industrial value added growth (year on year)", "Quality", "%", 1, D, 0, 0, -30, 60, 1, "B24", true, Cd, 3, true, GrowthOf: "IndVA"),
        new("Revenue", "一般公共预算收入", "General public budget revenue", "Quality", "亿元", 1, F, 32, 0, 0, 500, 2, "B08", true, Cm, 3, true),
        new("TaxShare", "税收收入占一般公共预算收入比重", "Tax share of budget revenue", "Quality", "%", 1, R, 78, 5, 40, 100, 1, "B08", false, Rp, 2, false, 0.5),
        new("Retail", "社会消费品零售总额", "Retail sales of consumer goods", "Quality", "亿元", 1, F, 180, 0, 0, 3000, 2, "B16", true, Cm, 2, true),
        new("Exports", "出口总额", "Exports", "Quality", "亿元", 1, F, 95, 0, 0, 2000, 2, "B16", false, Cm, 2, true),
        new("UrbanIncome", "城镇居民人均可支配收入", "Urban per-capita disposable income", "Quality", "元", 1, F, 62000, 0, 0, 150000, 0, "B24", false, Rp, 2, false),
        new("RuralIncome", "农村居民人均可支配收入", "Rural per-capita disposable income", "Quality", "元", 1, F, 36000, 0, 0, 100000, 0, "B24", false, Rp, 2, false),
        new("Energy", "单位GDP能耗", "Energy use per unit of GDP", "Quality", "吨标准煤/万元", -1, R, 0.42, 0.06, 0.1, 1.5, 3, "B01", false, Cm, 2, true, -0.01),
        new("Unemployment", "城镇调查失业率", "Surveyed urban unemployment rate", "Quality", "%", -1, R, 4.8, 0.4, 2, 10, 1, "B09", false, Rp, 1, false, -0.1),
        new("DigitalEcon", "数字经济核心产业增加值", "Value added of core digital-economy industries", "Quality", "亿元", 1, F, 38, 0, 0, 800, 2, "B28", false, Cm, 2, true),

        // 比位次
        new("GDPRankProv", "地区生产总值增速全省位次", "GDP growth: place in the province", "Position", "位", -1, K, 45, 0, 1, 90, 0, "B24", false, Rp, 2, false),
        new("IndRankProv", "规上工业增加值增速全省位次", "Industrial growth: place in the province", "Position", "位", -1, K, 45, 0, 1, 90, 0, "B24", false, Rp, 2, false),
        new("RevRankProv", "一般公共预算收入增速全省位次", "Revenue growth: place in the province", "Position", "位", -1, K, 45, 0, 1, 90, 0, "B08", false, Rp, 2, false),
        new("FAIRankProv", "固定资产投资增速全省位次", "Investment growth: place in the province", "Position", "位", -1, K, 45, 0, 1, 90, 0, "B24", false, Rp, 2, false),
        new("PlacesUp", "主要指标全省进位数", "Places moved up in the province on main indicators", "Position", "位", 1, R, 2, 4, -15, 20, 0, "B24", false, Rp, 2, false, 0.5),
        new("TopThird", "进入全省前三分之一指标个数", "Indicators in the province's top third", "Position", "个", 1, R, 6, 3, 0, 20, 0, "B24", false, Ti, 2, false, 0.3, [3, 6, 9]),

        // 比创新
        new("RDIntensity", "研究与试验发展经费投入强度", "R&D spending as a share of GDP", "Innovation", "%", 1, R, 2.6, 0.6, 0.3, 6, 2, "B04", true, Cm, 3, true, 0.12),
        new("HiTechFirms", "高新技术企业数", "High-tech enterprises", "Innovation", "家", 1, S, 260, 0, 0, 3000, 0, "B04", false, Lr, 2, false),
        new("HiTechShare", "高新技术产业增加值占规上工业比重", "High-tech share of industrial value added", "Innovation", "%", 1, R, 58, 8, 10, 95, 1, "B02", false, Ti, 2, false, 1.0, [45, 55, 65]),
        new("Patents", "发明专利授权量", "Invention patents granted", "Innovation", "件", 1, N, 420, 0, 0, 10000, 0, "B23", false, Rp, 2, false),
        new("TechContracts", "技术合同成交额", "Technology contract turnover", "Innovation", "亿元", 1, F, 12, 0, 0, 300, 2, "B04", false, Cm, 2, true),
        new("TechSMEs", "科技型中小企业数", "Technology-based SMEs", "Innovation", "家", 1, S, 520, 0, 0, 5000, 0, "B04", false, Rp, 1, false),
        new("Talents", "引进高层次人才", "High-level talents attracted", "Innovation", "人", 1, N, 85, 0, 0, 2000, 0, "B09", false, Rp, 1, false),
        new("DigitalTrans", "规上工业企业数字化改造覆盖率", "Digital upgrading of industrial enterprises", "Innovation", "%", 1, R, 62, 10, 10, 100, 1, "B02", false, Rp, 1, false, 4),

        // 比项目
        new("FAI", "固定资产投资", "Fixed-asset investment", "Projects", "亿元", 1, F, 260, 0, 0, 4000, 2, "B24", true, Cm, 4, true),
        new("IndInvest", "工业投资", "Industrial investment", "Projects", "亿元", 1, F, 85, 0, 0, 1500, 2, "B02", false, Cm, 2, true),
        new("MajorStarted", "重大项目开工数", "Major projects started", "Projects", "个", 1, N, 24, 0, 0, 300, 0, "B01", true, Cm, 3, true),
        new("MajorInvest", "重大项目完成投资", "Investment completed on major projects", "Projects", "亿元", 1, F, 120, 0, 0, 2000, 2, "B01", false, Cm, 3, true),
        new("BigSigned", "招引亿元以上项目数", "Projects over 100 million yuan signed", "Projects", "个", 1, N, 30, 0, 0, 400, 0, "B31", false, Rp, 2, false),
        new("ForeignCap", "实际使用外资", "Foreign capital actually used", "Projects", "万美元", 1, F, 9000, 0, 0, 200000, 0, "B16", false, Cm, 2, true),
        new("ProjDone", "重大项目竣工数", "Major projects completed", "Projects", "个", 1, N, 14, 0, 0, 200, 0, "B01", false, Rp, 1, false),
        new("LandSupply", "批而未供土地处置率", "Approved-but-unsupplied land disposed of", "Projects", "%", 1, R, 55, 12, 0, 100, 1, "B10", false, Rp, 1, false, 6),

        // 比环境
        new("GoodAir", "空气质量优良天数比率", "Share of good-air days", "Environment", "%", 1, R, 88, 4, 50, 100, 1, "B11", true, Cm, 3, true, 0.6),
        new("PM25", "PM2.5平均浓度", "Mean PM2.5 concentration", "Environment", "微克/立方米", -1, R, 31, 4, 8, 90, 1, "B11", true, Cm, 2, true, -1.2),
        new("WaterGood", "地表水达到或好于Ⅲ类水体比例", "Share of surface-water sections of grade III or better", "Environment", "%", 1, R, 86, 7, 30, 100, 1, "B11", true, Ti, 3, false, 1.2, [80, 90, 95]),
        new("BizEnv", "营商环境评价得分", "Business-environment score", "Environment", "分", 1, R, 82, 4, 50, 100, 1, "B30", true, Rp, 3, false, 1.0),
        new("NewFirms", "新设企业数", "New enterprises registered", "Environment", "家", 1, N, 3200, 0, 0, 50000, 0, "B23", false, Cm, 2, true),
        new("OnlineService", "政务服务事项“一网通办”率", "Government services handled online", "Environment", "%", 1, R, 90, 3, 50, 100, 1, "B28", false, Rp, 1, false, 1.0),
        new("Hotline", "12345热线诉求办结满意率", "Satisfaction with 12345 hotline cases", "Environment", "%", 1, R, 93, 2.5, 60, 100, 1, "B30", false, Rp, 1, false, 0.4),
        new("ForestCover", "森林覆盖率", "Forest cover", "Environment", "%", 1, R, 55, 12, 5, 85, 1, "B32", false, Ti, 1, false, 0.2, [40, 55, 65]),

        // 比担当
        new("SafetyDeaths", "生产安全事故死亡人数", "Work-safety deaths", "Responsibility", "人", -1, N, 6, 0, 0, 200, 0, "B20", false, Rp, 3, false),
        new("Petitions", "信访事项及时受理率", "Petitions accepted on time", "Responsibility", "%", 1, R, 96, 1.5, 70, 100, 1, "B27", false, Rp, 2, false, 0.3),
        new("Rectified", "问题清单整改完成率", "Shortcomings rectified (problem list)", "Responsibility", "%", 1, R, 78, 9, 0, 100, 1, null, false, Rp, 3, false, 5),
        new("FirmIssues", "企业诉求办结率", "Enterprise-service problems resolved", "Responsibility", "%", 1, R, 92, 4, 50, 100, 1, "B02", false, Rp, 2, false, 1.5),
        new("Supervised", "督办事项按期办结率", "Supervision items closed on time", "Responsibility", "%", 1, R, 88, 6, 30, 100, 1, null, false, Rp, 2, false, 2),
        new("PublicRating", "群众满意度测评得分", "Public satisfaction rating", "Responsibility", "分", 1, R, 86, 3, 60, 100, 1, "B24", false, Rp, 3, false, 0.5),
        new("AuditFix", "审计发现问题整改率", "Audit findings rectified", "Responsibility", "%", 1, R, 84, 7, 20, 100, 1, "B21", false, Rp, 1, false, 3),
    ];

    /// <summary>Township and street results arena (镇街亮绩赛场): 12 indicators in four of the six comparisons.</summary>
    public static readonly DemoIndicator[] Township =
    [
        new("TRevenue", "财政总收入", "Total fiscal revenue", "Quality", "万元", 1, F, 42000, 0, 0, 800000, 0, "B08", true, Cm, 12, true),
        new("TIndOutput", "规上工业总产值", "Output of industry above designated size", "Quality", "亿元", 1, F, 65, 0, 0, 1500, 2, "B24", false, Rp, 8, false),
        new("TVillageIncome", "村级集体经济经营性收入", "Operating income of village collectives", "Quality", "万元", 1, F, 1800, 0, 0, 40000, 0, "B15", false, Cm, 8, true),
        new("TFAI", "固定资产投资", "Fixed-asset investment", "Projects", "亿元", 1, F, 18, 0, 0, 400, 2, "B24", true, Cm, 12, true),
        new("TProjects", "招引落地项目数", "Investment projects landed", "Projects", "个", 1, N, 9, 0, 0, 150, 0, "B31", false, Rp, 8, false),
        new("TNewFirms", "新增市场主体数", "New market entities", "Projects", "户", 1, N, 650, 0, 0, 10000, 0, "B23", false, Rp, 6, false),
        new("TEnvScore", "环境整治考核得分", "Environmental clean-up score", "Environment", "分", 1, R, 84, 5, 50, 100, 1, "B11", false, Rp, 8, false, 0.8),
        new("TGridCases", "基层治理事件按期办结率", "Grid governance cases closed on time", "Environment", "%", 1, R, 93, 3, 50, 100, 1, "B38", false, Rp, 6, false, 0.5),
        new("TPetitions", "信访积案化解率", "Backlog petitions resolved", "Responsibility", "%", 1, R, 82, 8, 10, 100, 1, "B27", false, Rp, 8, false, 3),
        new("TSafety", "生产安全事故起数", "Work-safety accidents", "Responsibility", "起", -1, N, 3, 0, 0, 100, 0, "B20", false, Rp, 8, false),
        new("TRectified", "问题整改完成率", "Shortcomings rectified", "Responsibility", "%", 1, R, 80, 9, 0, 100, 1, null, false, Rp, 8, false, 4),
        new("TSatisfaction", "群众满意度", "Public satisfaction", "Responsibility", "分", 1, R, 87, 3, 60, 100, 1, "B24", true, Rp, 8, false, 0.4),
    ];

    /// <summary>The departments' show-and-compare (部门亮晒比拼) with the bureau chiefs' exam (局长问政), quarterly.</summary>
    public static readonly DemoIndicator[] Department =
    [
        new("DGoals", "年度目标任务完成率", "Annual goals completed (against time progress)", "Quality", "%", 1, R, 96, 5, 40, 120, 1, null, false, Cm, 20, true, 0),
        new("DKeyWork", "重点工作推进评价得分", "Progress on key work", "Quality", "分", 1, R, 88, 4, 60, 100, 1, null, false, Rp, 15, false, 0.5),
        new("DArena", "亮晒比拼现场评议得分", "On-site show-and-compare rating", "Responsibility", "分", 1, R, 85, 4, 60, 100, 1, null, true, Rp, 15, false, 0.6),
        new("DExam", "局长问政测评得分", "Bureau chiefs' exam rating", "Responsibility", "分", 1, R, 84, 5, 60, 100, 1, null, true, Rp, 15, false, 0.8),
        new("DSupervised", "督办事项按期办结率", "Supervision items closed on time", "Responsibility", "%", 1, R, 90, 5, 30, 100, 1, null, false, Rp, 10, false, 1.5),
        new("DRectified", "问题整改完成率", "Shortcomings rectified", "Responsibility", "%", 1, R, 82, 8, 0, 100, 1, null, false, Rp, 10, false, 4),
        new("DFirmService", "服务企业问题办结率", "Enterprise-service problems resolved", "Environment", "%", 1, R, 94, 3.5, 50, 100, 1, "B02", false, Rp, 10, false, 1),
        new("DSatisfaction", "服务对象满意度", "Satisfaction of those served", "Environment", "分", 1, R, 89, 3, 60, 100, 1, "B24", false, Rp, 5, false, 0.5),
    ];
}
