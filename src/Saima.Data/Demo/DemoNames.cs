namespace Saima.Data.Demo;

/// <summary>
/// The invented names of the demo city 澜川市 (Lanchuan). Every place name is made up from
/// uncommon pairs of characters; any likeness to a real place is chance. Department names are the
/// generic titles every Chinese city uses, prefixed with the invented city's name.
/// </summary>
internal static class DemoNames
{
    public const string City = "澜川市";
    public const string CityEn = "Lanchuan City";

    public const string UrbanTrack = "城区";
    public const string CountyTrack = "县";

    /// <summary>County-level units: code, name, English name, district (城区) or county (县), townships under it.</summary>
    public static readonly (string Code, string Name, string NameEn, bool District, int Townships)[] Counties =
    [
        ("C01", "澜湖区", "Lanhu District", true, 11),
        ("C02", "鹭汀区", "Luting District", true, 12),
        ("C03", "鸣珂区", "Mingke District", true, 10),
        ("C04", "星渚区", "Xingzhu District", true, 13),
        ("C05", "芷岸区", "Zhi'an District", true, 12),
        ("C06", "岚峰县", "Lanfeng County", false, 13),
        ("C07", "汀芜县", "Tingwu County", false, 14),
        ("C08", "砚溪县", "Yanxi County", false, 12),
        ("C09", "桐岙县", "Tong'ao County", false, 13),
        ("C10", "菱湾县", "Lingwan County", false, 14),
        ("C11", "鹤汀县", "Heting County", false, 13),
        ("C12", "临澜县", "Linlan County", false, 13),
    ];

    public static readonly (string Code, string Name, string NameEn)[] Zones =
    [
        ("Z01", "澜川经济技术开发区", "Lanchuan Economic and Technological Development Zone"),
        ("Z02", "澜川高新技术产业开发区", "Lanchuan High-tech Industrial Development Zone"),
    ];

    /// <summary>City departments: code, name (without the city prefix), English name, economic (经济发展类) or not.</summary>
    public static readonly (string Code, string Name, string NameEn, bool Economic)[] Departments =
    [
        ("B01", "发展和改革委员会", "Development and Reform Commission", true),
        ("B02", "经济和信息化局", "Bureau of Economy and Information Technology", true),
        ("B03", "教育局", "Education Bureau", false),
        ("B04", "科学技术局", "Science and Technology Bureau", true),
        ("B05", "公安局", "Public Security Bureau", false),
        ("B06", "民政局", "Civil Affairs Bureau", false),
        ("B07", "司法局", "Justice Bureau", false),
        ("B08", "财政局", "Finance Bureau", true),
        ("B09", "人力资源和社会保障局", "Human Resources and Social Security Bureau", false),
        ("B10", "自然资源和规划局", "Natural Resources and Planning Bureau", true),
        ("B11", "生态环境局", "Ecology and Environment Bureau", false),
        ("B12", "住房和城乡建设局", "Housing and Urban-Rural Development Bureau", true),
        ("B13", "交通运输局", "Transport Bureau", true),
        ("B14", "水利局", "Water Resources Bureau", true),
        ("B15", "农业农村局", "Agriculture and Rural Affairs Bureau", true),
        ("B16", "商务局", "Commerce Bureau", true),
        ("B17", "文化广电旅游体育局", "Culture, Radio, Television, Tourism and Sports Bureau", false),
        ("B18", "卫生健康委员会", "Health Commission", false),
        ("B19", "退役军人事务局", "Veterans Affairs Bureau", false),
        ("B20", "应急管理局", "Emergency Management Bureau", false),
        ("B21", "审计局", "Audit Bureau", false),
        ("B22", "国有资产监督管理委员会", "State-owned Assets Supervision and Administration Commission", true),
        ("B23", "市场监督管理局", "Market Supervision Administration", true),
        ("B24", "统计局", "Statistics Bureau", true),
        ("B25", "医疗保障局", "Healthcare Security Administration", false),
        ("B26", "综合行政执法局", "Comprehensive Administrative Law Enforcement Bureau", false),
        ("B27", "信访局", "Letters and Visits Bureau", false),
        ("B28", "大数据发展管理局", "Big Data Development Administration", true),
        ("B29", "机关事务管理局", "Government Offices Administration", false),
        ("B30", "行政审批服务局", "Administrative Approval Service Bureau", true),
        ("B31", "投资促进局", "Investment Promotion Bureau", true),
        ("B32", "林业局", "Forestry Bureau", false),
        ("B33", "粮食和物资储备局", "Grain and Material Reserves Bureau", false),
        ("B34", "人民防空办公室", "Civil Air Defence Office", false),
        ("B35", "地方金融管理局", "Local Financial Administration", true),
        ("B36", "港航管理中心", "Port and Shipping Administration Centre", true),
        ("B37", "供销合作社联合社", "Supply and Marketing Cooperative Federation", true),
        ("B38", "城市管理局", "Urban Management Bureau", false),
        ("B39", "外事办公室", "Foreign Affairs Office", false),
        ("B40", "公共资源交易中心", "Public Resources Trading Centre", true),
    ];

    // Township names: a descriptive character and a landform character, each with its pinyin.
    private static readonly (string Zh, string Py)[] First =
    [
        ("青", "Qing"), ("白", "Bai"), ("金", "Jin"), ("云", "Yun"), ("松", "Song"), ("柳", "Liu"), ("桃", "Tao"),
        ("梅", "Mei"), ("竹", "Zhu"), ("兰", "Lan"), ("荷", "He"), ("枫", "Feng"), ("桂", "Gui"), ("石", "Shi"),
        ("玉", "Yu"), ("杏", "Xing"), ("棠", "Tang"), ("茗", "Ming"), ("鹿", "Lu"), ("鹊", "Que"), ("蓉", "Rong"),
        ("苇", "Wei"), ("萍", "Ping"), ("榆", "Yu"), ("槐", "Huai"), ("芦", "Lu"), ("莲", "Lian"), ("菱", "Ling"),
    ];

    private static readonly (string Zh, string Py)[] Second =
    [
        ("溪", "xi"), ("湖", "hu"), ("岭", "ling"), ("桥", "qiao"), ("塘", "tang"), ("湾", "wan"), ("渚", "zhu"),
        ("浦", "pu"), ("岙", "ao"), ("洲", "zhou"), ("坞", "wu"), ("埠", "bu"), ("垟", "yang"), ("川", "chuan"),
        ("峰", "feng"), ("源", "yuan"), ("畈", "fan"), ("泾", "jing"), ("墩", "dun"), ("圩", "wei"),
    ];

    /// <summary>150 distinct township names: (name without suffix, pinyin), in a seed-fixed order.</summary>
    public static List<(string Zh, string Py)> TownshipNames(DemoRandom rng, int count)
    {
        var all = new List<(string, string)>();
        foreach (var a in First)
        {
            foreach (var b in Second)
            {
                all.Add((a.Zh + b.Zh, a.Py + b.Py));
            }
        }

        // Fisher–Yates with the demo's own generator: the same seed, the same names.
        for (int i = all.Count - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (all[i], all[j]) = (all[j], all[i]);
        }

        return all.Take(count).ToList();
    }
}
