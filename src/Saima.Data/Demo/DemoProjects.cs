using System.Globalization;
using System.Text;
using Saima.Data.Store;

namespace Saima.Data.Demo;

/// <summary>
/// The demo city's major projects (重大项目): a batch (第六批) of projects of the counties in every
/// stage state (not signed, signed, started, in production, closed out; some overdue), with the
/// monthly investment planned and done this year, through the projects' door
/// (<see cref="ProjectService"/>); and the county scheme's indicator of supervision items closed
/// on time bound to the lists' resolution rate (<see cref="ListFigures"/>).
/// </summary>
public static partial class DemoCity
{
    private static readonly (string Name, string Category, double Investment)[] ProjectNames =
    [
        ("新能源汽车零部件产业园", "产业项目", 350_000),
        ("高端装备智能制造基地", "产业项目", 220_000),
        ("城市快速路二期工程", "基础设施", 480_000),
        ("数字经济产业孵化中心", "产业项目", 90_000),
        ("滨江片区综合开发", "城市更新", 600_000),
        ("冷链物流园", "产业项目", 75_000),
        ("区域医疗中心", "社会民生", 160_000),
        ("生物医药创新港", "产业项目", 260_000),
    ];

    /// <summary>Builds the batch and binds the resolution rate; returns how many projects were made.</summary>
    private static int BuildProjects(SaimaDb db, DateTimeOffset at)
    {
        var clock = new FixedClock(at);
        Actor office = Actor.Office(Office);
        var projects = new ProjectService(db, clock);
        void Run(Func<Task> step) => step().GetAwaiter().GetResult();
        DateOnly today = projects.TodayAsync().GetAwaiter().GetResult();
        byte[] pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n");
        ProjectBatch batch = projects.CreateBatchAsync(office, "第六批", today.AddMonths(-6)).GetAwaiter().GetResult();
        string[] units = [.. DemoNames.Counties.Select(c => c.Code)];
        for (int i = 0; i < ProjectNames.Length; i++)
        {
            (string name, string category, double investment) = ProjectNames[i];
            string owner = units[i % units.Length];
            DateOnly signPlan = today.AddMonths(-5), startPlan = today.AddMonths(-2).AddDays(i), finishPlan = today.AddMonths(10);
            Project p = projects.AddAsync(office, new ProjectSpec(batch.Id, string.Create(CultureInfo.InvariantCulture, $"ZD6-{i + 1:00}"), name, owner, category, investment,
                signPlan, startPlan, finishPlan)).GetAwaiter().GetResult();
            Actor unit = Actor.Reporter("demo.reporter", db.Units.Single(u => u.Code == owner).Id);

            // Stage states by position: 0 not signed (overdue), 1 signed (start overdue), 2–3 started, 4–5 in production, 6–7 closed out.
            int reached = i switch { 0 => 0, 1 => 1, 2 or 3 => 2, _ => 3 };
            DateOnly[] days = [signPlan, startPlan.AddDays(-3), today.AddDays(-7)];
            for (int s = 0; s < reached; s++)
            {
                int stage = s;
                Run(() => projects.RecordStageAsync(unit, p.Id, (ProjectStage)stage, days[stage], "节点佐证.pdf", new MemoryStream(pdf)));
            }

            for (int m = 1; m <= today.Month; m++)
            {
                string month = string.Create(CultureInfo.InvariantCulture, $"{today.Year:0000}-{m:00}");
                double plan = Math.Round(investment / 24, 0);
                Run(() => projects.SetPlanAsync(office, p.Id, month, plan));
                if (reached >= 2 || m < today.Month)
                {
                    double done = Math.Round(plan * (0.6 + (0.1 * ((i + m) % 5))), 0);
                    Run(() => projects.ReportInvestmentAsync(unit, p.Id, month, done));
                }
            }

            if (i >= 6)
            {
                Run(() => projects.CloseOutAsync(office, p.Id, "项目已竣工投产，同意销号"));
            }
        }

        // The county scheme's "supervision items closed on time" is fed by the lists' resolution rate of supervision items.
        AssessmentScheme county = db.Schemes.Single(s => s.Code == CountyScheme);
        string? fed = new[] { "Supervised", "FirmIssues", "Rectified" }.FirstOrDefault(c => db.Indicators.Any(x => x.SchemeId == county.Id && x.Code == c));
        if (fed is not null)
        {
            ListKind kind = fed switch { "Supervised" => ListKind.Supervision, "FirmIssues" => ListKind.Enterprise, _ => ListKind.Shortcoming };
            Run(() => new ListFigures(db, clock).SetFeedAsync(office, county.Id, fed, ListOutcome.ResolutionRate, kind));
        }

        return ProjectNames.Length;
    }
}
