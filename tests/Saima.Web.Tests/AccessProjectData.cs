using System.Text;
using Saima.Data;
using Saima.Data.Store;

namespace Saima.Web.Tests;

/// <summary>
/// The major projects of the access matrix, in batch 1, all owned by county CA (their ids follow
/// from the order they are made in; the seed checks them): <see cref="Read"/> (signed, with
/// evidence file 1: read, staged, invested, planned), <see cref="Close"/> (completed: the office
/// closes it out) and <see cref="Return"/> (signed: the office returns the stage).
/// </summary>
internal static class AccessProjectData
{
    public const string Batch = "1";
    public const string Read = "1";
    public const string Close = "2";
    public const string Return = "3";

    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n");

    public static void Seed(StoreOptions store)
    {
        using SaimaDb db = SaimaDb.Open(store);
        var projects = new ProjectService(db, TimeProvider.System);
        Actor office = Actor.Office("seed.office");
        void Run(Func<Task> step) => step().GetAwaiter().GetResult();
        ProjectBatch batch = projects.CreateBatchAsync(office, "访问矩阵批次", new DateOnly(2024, 1, 1)).GetAwaiter().GetResult();
        long Make(string code) => projects.AddAsync(office, new ProjectSpec(batch.Id, code, "访问矩阵项目 " + code, "CA", "产业项目", 1000,
            new DateOnly(2024, 1, 1), new DateOnly(2024, 3, 1), new DateOnly(2024, 12, 31))).GetAwaiter().GetResult().Id;
        void Stage(long id, ProjectStage stage, DateOnly on) =>
            Run(() => projects.RecordStageAsync(office, id, stage, on, "evidence.pdf", new MemoryStream(Pdf)));

        long read = Make("ACC-P1");
        Stage(read, ProjectStage.Signed, new DateOnly(2024, 1, 1));
        long close = Make("ACC-P2");
        Stage(close, ProjectStage.Signed, new DateOnly(2024, 1, 1));
        Stage(close, ProjectStage.Started, new DateOnly(2024, 3, 1));
        Stage(close, ProjectStage.Finished, new DateOnly(2024, 12, 31));
        long back = Make("ACC-P3");
        Stage(back, ProjectStage.Signed, new DateOnly(2024, 1, 1));
        long[] made = [batch.Id, read, close, back];
        string[] expected = [Batch, Read, Close, Return];
        made.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(expected, "the access matrix's projects have the ids its lines name");
    }
}
